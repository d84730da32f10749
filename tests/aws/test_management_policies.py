"""The management policies' syntax and inheritance (aws/management_policies.py), without a database:
each level's documents in, the effective policy out."""

import json

import pytest

from aws.management_policies import MalformedManagementPolicy, effective, validate


def tags(tag_value):
    return {"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}, "tag_value": tag_value}}}


def effective_values(*levels):
    result = effective("TAG_POLICY", [list(level) for level in levels])
    return None if result is None else result["tags"].get("costcenter", {}).get("tag_value")


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ((), None),
        (((tags({"@@assign": ["100"]}),),), ["100"]),
        # A child's @@assign replaces its parent's.
        (((tags({"@@assign": ["100"]}),), (tags({"@@assign": ["200"]}),)), ["200"]),
        # @@append adds what is missing; @@remove takes values out.
        (((tags({"@@assign": ["100"]}),), (tags({"@@append": ["100", "300"]}),)), ["100", "300"]),
        (((tags({"@@assign": ["100", "200"]}),), (), (tags({"@@remove": ["100"]}),)), ["200"]),
        # Two policies at one level apply in turn.
        (((tags({"@@assign": ["100"]}), tags({"@@append": ["200"]})),), ["100", "200"]),
        # The parent allows its children only @@append: their @@assign is ignored.
        (
            (
                (tags({"@@assign": ["100"], "@@operators_allowed_for_child_policies": ["@@append"]}),),
                (tags({"@@assign": ["999"], "@@append": ["200"]}),),
            ),
            ["100", "200"],
        ),
        (
            (
                (tags({"@@assign": ["100"], "@@operators_allowed_for_child_policies": ["@@none"]}),),
                (tags({"@@remove": ["100"]}),),
            ),
            ["100"],
        ),
    ],
)
def test_inheritance(levels, expected):
    assert effective_values(*levels) == expected


def test_the_effective_policy_has_no_operators():
    document = {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}
    assert effective("AISERVICES_OPT_OUT_POLICY", [[document]]) == {
        "services": {"default": {"opt_out_policy": "optOut"}}
    }


@pytest.mark.parametrize(
    "document",
    [
        {"Version": "2012-10-17", "Statement": []},
        {"tags": {}, "plans": {}},
        {"tags": {"a": {"@@assign": {"x": 1}}}},
        {"tags": {"a": {"@@operators_allowed_for_child_policies": ["@@merge"]}}},
        {"tags": {"a": "b"}},
        ["tags"],
    ],
)
def test_malformed_documents(document):
    with pytest.raises(MalformedManagementPolicy):
        validate("TAG_POLICY", json.dumps(document))


def test_a_document_of_the_syntax_is_returned_parsed():
    document = tags({"@@assign": ["100"]})
    assert validate("TAG_POLICY", json.dumps(document)) == document
