"""Organizations' management policies (tag, backup, AI services opt-out, chat applications, EC2
declarative) through boto3 against the live server: enabled in the root like SCPs, created with their
own syntax, attached, listed, and DescribeEffectivePolicy working out what an account inherits."""

import json

import pytest

from . import test_organizations as shared
from .conftest import error_of
from .test_organizations import as_account

pytestmark = pytest.mark.django_db(transaction=True)

# test_organizations' fixtures; root_id below is this file's own.
orgs, organization, member_id = shared.orgs, shared.organization, shared.member_id

TAG = "TAG_POLICY"
AI = "AISERVICES_OPT_OUT_POLICY"
SCP_DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def tag_policy(values, operator="@@assign", children=None):
    cost_center = {"tag_key": {"@@assign": "CostCenter"}, "tag_value": {operator: values}}
    if children:
        cost_center["tag_value"]["@@operators_allowed_for_child_policies"] = children
    return json.dumps({"tags": {"costcenter": cost_center}})


@pytest.fixture
def root_id(orgs, organization):
    """The root, with no policy type enabled (test_organizations' fixture enables SCPs)."""
    return orgs.list_roots()["Roots"][0]["Id"]


def create(orgs, name, content, policy_type=TAG):
    return orgs.create_policy(Name=name, Description="", Type=policy_type, Content=content)["Policy"][
        "PolicySummary"
    ]


def test_a_management_policy_type_is_enabled_listed_and_disabled_in_the_root(orgs, organization, root_id):
    root = orgs.enable_policy_type(RootId=root_id, PolicyType=AI)["Root"]
    assert root["PolicyTypes"] == [{"Type": AI, "Status": "ENABLED"}]
    assert orgs.list_roots()["Roots"][0]["PolicyTypes"] == [{"Type": AI, "Status": "ENABLED"}]
    error, _ = error_of(orgs.enable_policy_type, RootId=root_id, PolicyType=AI)
    assert error["Code"] == "PolicyTypeAlreadyEnabledException"

    policy = create(
        orgs, "opt-out", json.dumps({"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}), AI
    )
    assert policy["Arn"] == (
        f"arn:aws:organizations::{organization['MasterAccountId']}:policy/{organization['Id']}"
        f"/aiservices_opt_out_policy/{policy['Id']}"
    )
    orgs.attach_policy(PolicyId=policy["Id"], TargetId=root_id)
    assert [p["Id"] for p in orgs.list_policies_for_target(TargetId=root_id, Filter=AI)["Policies"]] == [
        policy["Id"]
    ]

    # Disabling the type detaches its policies; they stay, and cannot be attached again until it is enabled.
    assert orgs.disable_policy_type(RootId=root_id, PolicyType=AI)["Root"]["PolicyTypes"] == []
    assert orgs.list_policies_for_target(TargetId=root_id, Filter=AI)["Policies"] == []
    assert [p["Name"] for p in orgs.list_policies(Filter=AI)["Policies"]] == ["opt-out"]
    error, _ = error_of(orgs.attach_policy, PolicyId=policy["Id"], TargetId=root_id)
    assert error["Code"] == "PolicyTypeNotEnabledException"
    error, _ = error_of(orgs.disable_policy_type, RootId=root_id, PolicyType=AI)
    assert (error["Code"], error["Message"]) == (
        "PolicyTypeNotEnabledException",
        "This operation can be performed only for enabled policy types.",
    )


@pytest.mark.parametrize(
    "content",
    [
        SCP_DOCUMENT,  # an SCP's document is not a tag policy
        json.dumps({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}, "plans": {}}),
        json.dumps({"tags": {"costcenter": {"tag_key": {"@@replace": "CostCenter"}}}}),
        json.dumps({"tags": ["costcenter"]}),
        "foobar",
    ],
)
def test_a_document_outside_the_types_syntax_is_malformed(orgs, organization, content):
    error, status = error_of(orgs.create_policy, Name="bad", Description="", Type=TAG, Content=content)
    assert (error["Code"], status) == ("MalformedPolicyDocumentException", 400)
    assert orgs.list_policies(Filter=TAG)["Policies"] == []


def test_an_ai_opt_out_policy_holds_2500_characters_at_most(orgs, organization):
    padding = "x" * 2500
    content = json.dumps({"services": {padding: {"opt_out_policy": {"@@assign": "optOut"}}}})
    error, _ = error_of(orgs.create_policy, Name="big", Description="", Type=AI, Content=content)
    assert error["Code"] == "ConstraintViolationException"


def test_the_effective_tag_policy_inherits_root_first(orgs, root_id, member_id):
    orgs.enable_policy_type(RootId=root_id, PolicyType=TAG)
    ou = orgs.create_organizational_unit(ParentId=root_id, Name="Prod")["OrganizationalUnit"]["Id"]
    orgs.move_account(AccountId=member_id, SourceParentId=root_id, DestinationParentId=ou)
    error, _ = error_of(orgs.describe_effective_policy, PolicyType=TAG, TargetId=member_id)
    assert error["Code"] == "EffectivePolicyNotFoundException"

    at_root = create(orgs, "root", tag_policy(["100", "200"]))
    at_ou = create(orgs, "ou", tag_policy(["300"], operator="@@append"))
    at_account = create(orgs, "account", tag_policy(["100"], operator="@@remove"))
    for policy, target in ((at_root, root_id), (at_ou, ou), (at_account, member_id)):
        orgs.attach_policy(PolicyId=policy["Id"], TargetId=target)

    effective = orgs.describe_effective_policy(PolicyType=TAG, TargetId=member_id)["EffectivePolicy"]
    assert (effective["TargetId"], effective["PolicyType"]) == (member_id, TAG)
    assert json.loads(effective["PolicyContent"]) == {
        "tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["200", "300"]}}
    }


def test_a_parent_that_allows_no_operator_fixes_the_value_for_its_children(
    orgs, root_id, member_id, live_server
):
    orgs.enable_policy_type(RootId=root_id, PolicyType=TAG)
    orgs.attach_policy(
        PolicyId=create(orgs, "root", tag_policy(["100"], children=["@@none"]))["Id"], TargetId=root_id
    )
    orgs.attach_policy(PolicyId=create(orgs, "account", tag_policy(["999"]))["Id"], TargetId=member_id)

    expected = {"tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["100"]}}}
    effective = orgs.describe_effective_policy(PolicyType=TAG, TargetId=member_id)["EffectivePolicy"]
    assert json.loads(effective["PolicyContent"]) == expected
    # A member account reads its own effective policy without naming itself.
    member = as_account(live_server, member_id).describe_effective_policy(PolicyType=TAG)["EffectivePolicy"]
    assert (json.loads(member["PolicyContent"]), member["TargetId"]) == (expected, member_id)


def test_a_member_account_cannot_read_another_accounts_effective_policy(
    orgs, root_id, member_id, live_server
):
    other = orgs.create_account(Email="erin@example.com", AccountName="Erin")["CreateAccountStatus"][
        "AccountId"
    ]
    error, _ = error_of(
        as_account(live_server, member_id).describe_effective_policy, PolicyType=TAG, TargetId=other
    )
    assert error["Code"] == "AccessDeniedException"
