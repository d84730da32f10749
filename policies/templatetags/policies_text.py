"""Filters for how the policy pages print IAM's names."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@register.filter
def word_breaks(name):
    """An action name with break opportunities between its words (GetBucket<wbr>Policy), so a narrow
    column wraps it where a person reads a word boundary, never mid-word."""
    return mark_safe("<wbr>".join(conditional_escape(part) for part in _WORD_START.split(str(name))))
