"""The span-keeping JSON parser behind validate()'s locations."""

import json

import pytest

from policies.engine.jsonpos import MAX_DEPTH, MAX_NUMBER, JSONPosError, loads, parse, position_of


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
        ("[" * 100000, MAX_DEPTH),  # far too deep to be a policy: the first bracket past the limit
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), MAX_DEPTH),
        ('{"a": ' + "1" * 5000 + "}", 6),  # past Python's int conversion limit
        ('{"a": 1.' + "5" * MAX_NUMBER + "}", 6),
        ('{"a": \u0661}', 6),  # ARABIC-INDIC DIGIT ONE: not a JSON digit
    ],
)
def test_syntax_errors_say_where(text, offset):
    with pytest.raises(JSONPosError) as caught:
        parse(text)
    assert caught.value.offset == offset


def test_position_of_an_offset_without_parsing():
    assert position_of("ab\ncd", 4) == {"line": 2, "column": 1, "offset": 4}


def test_nesting_up_to_the_limit_parses():
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse(text).root.to_python() == loads(text) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100000 + "]" * 100000,
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        '{"a":' * 100000 + "1" + "}" * 100000,
        "[" + "9" * 5000 + "]",
        "[1." + "5" * MAX_NUMBER + "]",
        "[NaN]",
        "[Infinity]",
        "[1,]",
    ],
)
def test_loads_refuses_what_parse_refuses(text):
    """json.loads would crash on the first ones (RecursionError, ValueError) and accept NaN."""
    with pytest.raises(JSONPosError):
        parse(text)
    with pytest.raises(JSONPosError):
        loads(text)


@pytest.mark.parametrize("text", ['{"a": [1, 2.5, -3e2, true, false, null, "x"]}', "[]", '"s"', "0"])
def test_loads_reads_what_json_loads_reads(text):
    assert loads(text) == json.loads(text)
