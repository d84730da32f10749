"""The span-keeping JSON parser behind validate()'s locations."""

import json

import pytest

from policies.engine.jsonpos import JSONPosError, parse, position_of


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2.5, -3e2, true, false, null, "x\\u00e9\\n"], "b": {}}',
        "[]",
        '"just a string"',
        '  {"nested": {"deeper": [[], [{}]]}}  ',
    ],
)
def test_values_are_those_json_loads_builds(text):
    assert parse(text).root.to_python() == json.loads(text)


def test_a_span_covers_the_value_and_ends_one_past_it():
    text = '{\n  "Action": "s3:GetObject"\n}'
    doc = parse(text)
    node = doc.root.get("Action")
    assert text[node.start : node.end] == '"s3:GetObject"'
    assert doc.span(node) == {
        "start": {"line": 2, "column": 12, "offset": 14},
        "end": {"line": 2, "column": 26, "offset": 28},
    }


def test_escapes_count_as_the_characters_written():
    text = '{"a": "\\u0041\\n", "b": 1}'
    doc = parse(text)
    assert doc.span(doc.root.get("b"))["start"]["offset"] == text.rindex("1")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_kind_of_line_break_starts_a_line(newline):
    text = "{" + newline + '"a":' + newline + "  true}"
    doc = parse(text)
    assert doc.span(doc.root.get("a"))["start"] == {"line": 3, "column": 2, "offset": text.index("true")}


def test_repeated_keys_keep_every_member_and_the_last_wins():
    doc = parse('{"a": 1, "a": 2}')
    assert doc.root.keys() == ["a", "a"]
    assert doc.root.get("a").value == 2


@pytest.mark.parametrize(
    "text, offset",
    [
        ("", 0),
        ("{", 1),
        ('{"a":1,}', 7),
        ("[1 2]", 3),
        ('{"a" 1}', 5),
        ("NaN", 0),
        ("{} x", 3),
        ('"tab\there"', 4),  # control characters must be escaped
        ("[" * 100000, 0),  # far too deep to be a policy
    ],
)
def test_syntax_errors_say_where(text, offset):
    with pytest.raises(JSONPosError) as caught:
        parse(text)
    assert caught.value.offset == offset


def test_position_of_an_offset_without_parsing():
    assert position_of("ab\ncd", 4) == {"line": 2, "column": 1, "offset": 4}
