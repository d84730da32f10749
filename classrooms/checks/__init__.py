"""Lab checks: the typed schema, its validation, and their evaluation against a seat with the engine."""
