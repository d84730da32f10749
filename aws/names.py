"""IAM's names, paths and tags: the patterns and limits of its API model, and its wording when a
request breaks them."""

import re
import unicodedata

from aws.errors import InvalidInput, ValidationError
from aws.model import constraint

# From IAM's API model, as the AWS API checks them: one source for the console and the API.
NAME_PATTERN = constraint("CreateUser", "UserName", "pattern")
PATH_MAX_LENGTH = constraint("CreateUser", "Path", "max")
MAX_TAGS = constraint("CreateUser", "Tags", "max")
TAG_KEY_MAX = constraint("CreateUser", "Tags.member.Key", "max")
TAG_VALUE_MAX = constraint("CreateUser", "Tags.member.Value", "max")
_TAG_SYMBOLS = set("_.:/=+-@ ")

PATH_INVALID = (
    "The specified value for path is invalid. "
    "It must begin and end with / and contain only alphanumeric characters and/or / characters."
)


def constraint_error(value, field, constraint):
    """IAM's wording for a request parameter that breaks its model's constraints."""
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
    )


def validate_name(name, *, field, max_length):
    """User and group names: 1 to max_length of A-Z a-z 0-9 and + = , . @ _ -."""
    if not name:
        raise constraint_error(name, field, "Member must have length greater than or equal to 1")
    if len(name) > max_length:
        raise constraint_error(name, field, f"Member must have length less than or equal to {max_length}")
    if not re.fullmatch(NAME_PATTERN, name, re.ASCII):
        raise constraint_error(name, field, f"Member must satisfy regular expression pattern: {NAME_PATTERN}")
    return name


def validate_path(path, *, field="path", empty_segments=False):
    """`/` or `/segment/…/` of printable ASCII (IAM's pattern `(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`).
    `empty_segments` lets `//` through, as IAM does for a virtual MFA device's path."""
    if len(path) > PATH_MAX_LENGTH:
        raise constraint_error(
            path, field, f"Member must have length less than or equal to {PATH_MAX_LENGTH}"
        )
    if path == "/":
        return path
    inner = path[1:-1]
    if (
        len(path) < 3
        or not path.startswith("/")
        or not path.endswith("/")
        or any(not 0x21 <= ord(char) <= 0x7E for char in inner)
        or ("//" in path and not empty_segments)
    ):
        raise ValidationError(PATH_INVALID)
    return path


def _tag_chars_ok(text):
    # IAM's tag pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*: letters, separators, numbers and a few symbols.
    return all(unicodedata.category(char)[0] in "LZN" or char in _TAG_SYMBOLS for char in text)


def validate_tags(tags):
    """Tags as a list of (key, value): at most 50, keys 1-128, values 0-256, keys unique ignoring case."""
    tags = [(str(key), str(value or "")) for key, value in tags]
    if len(tags) > MAX_TAGS:
        shown = [{"key": key, "value": value} for key, value in tags]
        raise constraint_error(shown, "tags", f"Member must have length less than or equal to {MAX_TAGS}")
    seen = set()
    for index, (key, value) in enumerate(tags, start=1):
        if not key:
            raise constraint_error(
                key, f"tags.{index}.member.key", "Member must have length greater than or equal to 1"
            )
        if len(key) > TAG_KEY_MAX:
            raise constraint_error(
                key,
                f"tags.{index}.member.key",
                f"Member must have length less than or equal to {TAG_KEY_MAX}",
            )
        if not _tag_chars_ok(key):
            raise constraint_error(
                key,
                f"tags.{index}.member.key",
                "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
            )
        if len(value) > TAG_VALUE_MAX:
            raise constraint_error(
                value,
                f"tags.{index}.member.value",
                f"Member must have length less than or equal to {TAG_VALUE_MAX}",
            )
        if not _tag_chars_ok(value):
            raise constraint_error(
                value,
                f"tags.{index}.member.value",
                "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
            )
        if key.lower() in seen:
            raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        seen.add(key.lower())
    return tags


def tags_param(tags):
    """CloudTrail's (and the API's) list of {"key", "value"}."""
    return [{"key": key, "value": value} for key, value in tags]
