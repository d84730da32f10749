"""The policy engine: a pure-Python library (never imports Django)."""
