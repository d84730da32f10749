"""AWS's vocabulary, shared by every app: typed errors, identifiers, names and ARNs, request values.

The bottom layer beside the policy engine: it imports nothing of the project (see the README's
architecture section).
"""
