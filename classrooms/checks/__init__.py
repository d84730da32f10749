"""Lab checks: the schema (SCHEMA.md), its validation, its evaluation against a seat, and Markdown."""

from classrooms.checks.evaluation import evaluate_lab
from classrooms.checks.files import parse_lab_text, read_lab_file, shipped_lab_paths, stored_fields
from classrooms.checks.markdown import render_markdown
from classrooms.checks.schema import TYPES, validate_lab

__all__ = [
    "TYPES",
    "evaluate_lab",
    "parse_lab_text",
    "read_lab_file",
    "render_markdown",
    "shipped_lab_paths",
    "stored_fields",
    "validate_lab",
]
