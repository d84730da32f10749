"""The tag editor every tags tab and wizard shares: its rows as posted, and its Remove buttons."""

from aws.errors import AWSError
from aws.names import validate_tags
from aws.params import ascii_int


def remove_tag_row(tags, action):
    """The tag editor's "Remove" of row N (action remove_tag_N); any other N removes nothing."""
    index = ascii_int(action.removeprefix("remove_tag_"))
    if index is not None and index < len(tags):
        del tags[index]


def parse_tags(data):
    """The tag editor's rows (tag_key / tag_value lists) as (key, value) pairs and the first error."""
    keys = data.getlist("tag_key")
    values = data.getlist("tag_value")
    tags = [
        (key.strip(), value)
        for key, value in zip(keys, values + [""] * (len(keys) - len(values)), strict=False)
    ]
    filled = [(key, value) for key, value in tags if key or value]
    try:
        validate_tags(filled)
    except AWSError as exc:
        return tags, exc.message
    return tags, ""
