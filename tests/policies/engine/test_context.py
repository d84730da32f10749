"""The request context: case-insensitive keys, every value a tuple of strings."""

import pytest

from policies.engine.context import Context


@pytest.mark.parametrize(
    ("given", "key", "expected"),
    [
        ({"aws:SourceIp": "203.0.113.7"}, "aws:SourceIp", ("203.0.113.7",)),
        # AWS: "Key names are case-insensitive. aws:CurrentTime is equivalent to AWS:currenttime."
        ({"aws:CurrentTime": "2026-01-01T00:00:00Z"}, "AWS:currenttime", ("2026-01-01T00:00:00Z",)),
        ({"AWS:SOURCEIP": "203.0.113.7"}, "aws:sourceip", ("203.0.113.7",)),
        ({"aws:MultiFactorAuthPresent": True}, "aws:MultiFactorAuthPresent", ("true",)),
        ({"aws:MultiFactorAuthPresent": False}, "aws:MultiFactorAuthPresent", ("false",)),
        ({"s3:max-keys": 10}, "s3:max-keys", ("10",)),
        ({"aws:MultiFactorAuthAge": 3600.5}, "aws:MultiFactorAuthAge", ("3600.5",)),
        ({"aws:TagKeys": ["team", "env"]}, "aws:TagKeys", ("team", "env")),
        ({"aws:TagKeys": ["team", True, 3]}, "aws:tagkeys", ("team", "true", "3")),
        ({"aws:TagKeys": []}, "aws:TagKeys", ()),
        ({"aws:TagKeys": ("a",)}, "aws:TagKeys", ("a",)),
        ({"aws:SourceIp": ""}, "aws:SourceIp", ("",)),
        ({"aws:SourceIp": "203.0.113.7"}, "aws:SourceVpc", None),
        ({"aws:SourceVpc": None}, "aws:SourceVpc", None),
        ({}, "aws:username", None),
        # Two spellings of one key: the later one wins, as a key holds one value in a request.
        ({"aws:username": "alice", "AWS:USERNAME": "bob"}, "aws:username", ("bob",)),
    ],
)
def test_get_normalises_values_and_ignores_key_case(given, key, expected):
    assert Context(given).get(key) == expected


def test_no_values_is_an_empty_context():
    ctx = Context()
    assert len(ctx) == 0
    assert ctx.get("aws:username") is None


@pytest.mark.parametrize("bad", [{"k": {"nested": 1}}, {"k": [["nested"]]}, {"k": object()}, {"k": [None]}])
def test_values_other_than_strings_numbers_booleans_are_refused(bad):
    with pytest.raises(TypeError):
        Context(bad)


def test_setdefault_adds_a_derived_key_only_when_absent():
    ctx = Context({"aws:PrincipalArn": "arn:aws:iam::111122223333:role/given"})
    ctx.setdefault("AWS:PrincipalArn", "arn:aws:iam::111122223333:role/derived")
    ctx.setdefault("aws:PrincipalAccount", "111122223333")
    assert ctx.get("aws:principalarn") == ("arn:aws:iam::111122223333:role/given",)
    assert ctx.get("aws:PrincipalAccount") == ("111122223333",)


def test_contains_and_iteration_use_lower_cased_keys():
    ctx = Context({"aws:SourceIp": "203.0.113.7", "aws:TagKeys": ["a"]})
    assert "AWS:SOURCEIP" in ctx
    assert "aws:SourceVpc" not in ctx
    assert 42 not in ctx
    assert sorted(ctx) == ["aws:sourceip", "aws:tagkeys"]


def test_context_does_not_keep_a_reference_to_the_callers_list():
    tags = ["a"]
    ctx = Context({"aws:TagKeys": tags})
    tags.append("b")
    assert ctx.get("aws:TagKeys") == ("a",)
