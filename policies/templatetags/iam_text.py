"""Filters for how the console prints IAM's long names: where a narrow column may wrap them."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_AFTER_SLASH = re.compile(r"(?<=/)(?=.)")


def _joined(parts):
    return mark_safe("<wbr>".join(conditional_escape(part) for part in parts))


@register.filter
def word_breaks(name):
    """An action name with break opportunities between its words (GetBucket<wbr>Policy), so a narrow
    column wraps it where a person reads a word boundary, never mid-word."""
    return _joined(_WORD_START.split(str(name)))


@register.filter
def path_breaks(path):
    """An IAM path with break opportunities after its slashes (/engineering/<wbr>ci/)."""
    return _joined(_AFTER_SLASH.split(str(path)))
