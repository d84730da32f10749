"""validate_lab: every mistake an instructor can make in a lab, named with its place."""

import copy

import pytest

from classrooms.checks import TYPES, parse_lab_text, validate_lab
from classrooms.checks.files import LABS_DIR
from classrooms.checks.schema import MAX_CHECKS

LAB = {
    "slug": "users-and-groups",
    "title": "Users and groups",
    "pass_percentage": 80,
    "instructions": "Create **alice**.",
    "checks": [
        {
            "id": "alice",
            "type": "user_exists",
            "user": "alice",
            "label": "alice exists",
            "hint": "Create her.",
            "score": 1,
        },
        {
            "id": "may-read",
            "type": "principal_allowed",
            "principal": "user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::my-bucket/report.csv",
            "context": {"aws:SourceIp": "203.0.113.7", "aws:MultiFactorAuthPresent": True},
            "label": "alice may read",
            "hint": "Attach a policy.",
            "score": 2,
        },
    ],
}


def lab_with(**changes):
    lab = copy.deepcopy(LAB)
    for path, value in changes.items():
        target, *keys = path.split("__")
        node = lab
        if target == "check":
            node = lab["checks"][1]
        elif target == "first":
            node = lab["checks"][0]
        else:
            keys = [target, *keys]
        for key in keys[:-1]:
            node = node[key]
        if value is DELETE:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return lab


DELETE = object()


def test_a_valid_lab_has_no_problem():
    assert validate_lab(LAB) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"check__action": "iam:CreateUsr"},
            "checks[1].action: unknown action 'iam:CreateUsr' (did you mean iam:CreateUser?)",
        ),
        (
            {"check__action": "iamm:CreateUser"},
            "checks[1].action: unknown service 'iamm' in 'iamm:CreateUser' (did you mean iam?)",
        ),
        (
            {"check__action": "s3:Get*"},
            "checks[1].action: 's3:Get*' has a wildcard: name one action, such as iam:CreateUser",
        ),
        (
            {"check__action": "GetObject"},
            "checks[1].action: 'GetObject' is not an action: write service:Action, such as iam:CreateUser",
        ),
        (
            {"check__type": "user_exist"},
            "checks[1].type: unknown type 'user_exist' (did you mean user_exists?)",
        ),
        ({"check__type": DELETE}, "checks[1].type: missing field"),
        ({"check__action": DELETE}, "checks[1].action: missing field"),
        ({"first__user": DELETE}, "checks[0].user: missing field"),
        ({"check__label": DELETE}, "checks[1].label: missing field"),
        ({"check__label": "  "}, "checks[1].label: must be text"),
        ({"check__hint": "x" * 501}, "checks[1].hint: must be at most 500 characters"),
        ({"check__score": 0}, "checks[1].score: must be a positive whole number"),
        ({"check__score": "2"}, "checks[1].score: must be a positive whole number"),
        ({"check__score": True}, "checks[1].score: must be a positive whole number"),
        ({"check__score": DELETE}, "checks[1].score: missing field"),
        ({"check__id": "alice"}, "checks[1].id: duplicate id 'alice'"),
        ({"check__id": "Has Spaces"}, "checks[1].id: must be lowercase letters, digits, - or _ (at most 64)"),
        ({"check__id": DELETE}, "checks[1].id: missing field"),
        ({"check__principal": "alice"}, "checks[1].principal: must be user/NAME or role/NAME"),
        (
            {"check__resource": "my-bucket"},
            "checks[1].resource: must be * or an ARN ({account} stands for the seat's account ID)",
        ),
        (
            {"check__script": "rm -rf"},
            "checks[1].script: unknown field for principal_allowed (its fields: principal, action, resource, context)",
        ),
        (
            {"check__context": {"aws:SourceIP4": "1.2.3.4"}},
            "checks[1].context.aws:SourceIP4: unknown global condition key",
        ),
        (
            {"check__context": {"aws:SourceIp": 1.5}},
            "checks[1].context.aws:SourceIp: must be text, true/false, a number, or a list of them",
        ),
        (
            {"check__context": {"not a key": "x"}},
            "checks[1].context.not a key: not a condition key (aws:SourceIp, aws:MultiFactorAuthPresent …)",
        ),
        ({"check__context": []}, "checks[1].context: must be a mapping of condition keys to values"),
        ({"pass_percentage": 0}, "pass_percentage: must be a whole number from 1 to 100"),
        ({"pass_percentage": 101}, "pass_percentage: must be a whole number from 1 to 100"),
        ({"pass_percentage": DELETE}, "pass_percentage: missing field"),
        ({"slug": "Not A Slug"}, "slug: must be lowercase letters, digits and hyphens (at most 64)"),
        ({"slug": DELETE}, "slug: missing field"),
        ({"title": DELETE}, "title: missing field"),
        ({"title": "t" * 129}, "title: must be at most 128 characters"),
        ({"instructions": ["a"]}, "instructions: must be Markdown text"),
        ({"checks": []}, "checks: must be a list of at least one check"),
        ({"checks": DELETE}, "checks: missing field"),
        ({"author": "me"}, "author: unknown field"),
        ({"solution": "just do it"}, "solution: must be a list of calls ({service, action, params})"),
        (
            {"solution": [{"service": "ec2", "action": "RunInstances"}]},
            "solution[0].service: must be one of iam, organizations, sts",
        ),
        (
            {"solution": [{"service": "iam", "action": "create-user"}]},
            "solution[0].action: must be an API operation such as CreateUser",
        ),
        (
            {"solution": [{"service": "iam", "action": "CreateUser", "params": []}]},
            "solution[0].params: must be a mapping",
        ),
        ({"solution": ["CreateUser"]}, "solution[0]: must be a mapping of service, action and params"),
    ],
)
def test_each_mistake_is_named_with_its_place(changes, problem):
    assert problem in validate_lab(lab_with(**changes))


@pytest.mark.parametrize(
    ("check", "problem"),
    [
        (
            {"type": "managed_policy_attached", "policy": "allow-s3-read"},
            "give exactly one of user or group or role",
        ),
        (
            {"type": "managed_policy_attached", "policy": "x", "user": "a", "role": "b"},
            "give exactly one of user or group or role",
        ),
        (
            {"type": "managed_policy_attached", "user": "a", "policy": "arn:aws:s3:::bucket"},
            "policy: must be a policy name or a policy ARN",
        ),
        (
            {"type": "policy_version", "policy": "allow-s3-read"},
            "give min_versions or default_version (or both)",
        ),
        (
            {"type": "policy_version", "policy": "p", "min_versions": 6},
            "min_versions: must be a whole number from 1 to 5",
        ),
        (
            {"type": "policy_version", "policy": "p", "default_version": "1"},
            "default_version: must be a version id such as v2",
        ),
        (
            {"type": "role_trusts", "role": "r", "service": "ec2"},
            "service: must be a service principal such as ec2.amazonaws.com",
        ),
        (
            {"type": "role_trusts", "role": "r", "account": "1234"},
            "account: must be a 12-digit account ID or {account}",
        ),
        (
            {"type": "role_trusts", "role": "r", "account": "{account}", "only": "yes"},
            "only: must be true or false",
        ),
        ({"type": "scp_denies", "action": "iam:CreateUser"}, "give exactly one of account or ou"),
        (
            {"type": "permissions_boundary", "group": "g", "policy": "p"},
            "group: unknown field for permissions_boundary",
        ),
        ({"type": "user_exists", "user": "a b"}, "user: must be an IAM name"),
    ],
)
def test_each_type_checks_its_own_fields(check, problem):
    lab = copy.deepcopy(LAB)
    lab["checks"] = [{"id": "c", "label": "L", "hint": "H", "score": 1, **check}]
    found = validate_lab(lab)
    assert any(problem in line for line in found), found


def test_every_type_is_documented_in_the_schema_page():
    schema = (LABS_DIR.parent / "checks" / "SCHEMA.md").read_text()
    for name in TYPES:
        assert f"`{name}`" in schema


def test_too_many_checks_are_refused():
    lab = copy.deepcopy(LAB)
    lab["checks"] = [dict(LAB["checks"][0], id=f"c{n}") for n in range(MAX_CHECKS + 1)]
    assert validate_lab(lab) == [f"checks: at most {MAX_CHECKS} checks"]


def test_what_is_not_a_mapping_is_refused():
    assert validate_lab(["a list"]) == [
        "the lab must be a mapping with slug, title, pass_percentage, instructions and checks"
    ]
    assert "checks[0]: must be a mapping (id, type, label, hint, score …)" in validate_lab(
        dict(LAB, checks=["user_exists alice"])
    )


def test_yaml_text_is_parsed_and_its_syntax_errors_located():
    data, problems = parse_lab_text("slug: x\ntitle: [unclosed\n")
    assert data is None
    assert problems == [
        "the lab is not valid YAML or JSON at line 3, column 1: expected ',' or ']', but got '<stream end>'"
    ]
    data, problems = parse_lab_text('{"slug": "x", "title": "T", "pass_percentage": 50, "checks": []}')
    assert data["slug"] == "x"
    assert problems == ["checks: must be a list of at least one check"]


def test_the_schema_pages_example_is_a_valid_lab():
    schema = (LABS_DIR.parent / "checks" / "SCHEMA.md").read_text()
    example = schema.split("## An example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    data, problems = parse_lab_text(example)
    assert problems == []
    assert [check["type"] for check in data["checks"]] == [
        "user_exists",
        "user_in_group",
        "principal_allowed",
    ]
