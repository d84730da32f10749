"""TEMPORARY adapter until the labs branch is merged."""

from django.utils.html import escape, linebreaks

from classrooms.selectors.portal import labs_for  # noqa: F401


def check_errors(data):
    if not isinstance(data, list):
        return ["The checks must be a list."]
    return []


def render_markdown(text):
    return linebreaks(escape(text or ""))
