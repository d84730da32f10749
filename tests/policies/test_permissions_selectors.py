"""policies_in_play and the Permissions tabs' rows: what applies to an identity, and how."""

import json

import pytest

from accounts.models import GroupMembership
from policies.selectors_permissions import EMPTY_BOUNDARY, entity_permissions, policies_in_play
from policies.services.permissions import (
    inline_policy_put,
    permissions_boundary_put,
    policy_attach,
)
from tests.accounts.factories import GroupFactory

from .permissions_helpers import make_policy, make_role, statement_policy

pytestmark = pytest.mark.django_db

CREATE_BUCKET = statement_policy("s3:CreateBucket")


@pytest.fixture
def developers(account):
    return GroupFactory(account=account, name="developers")


def test_a_users_policies_direct_inline_from_groups_and_boundary(account, bob, developers, root_acting):
    GroupMembership.objects.create(user=bob, group=developers)
    direct = make_policy(name="ReadOnlyAccess", path="/job-function/")
    from_group = make_policy(name="allow-s3-read", account=account, versions=2)
    boundary = make_policy(name="developer-boundary", account=account, document=statement_policy(["s3:*"]))
    policy_attach(policy=direct, user=bob, acting=root_acting)
    policy_attach(policy=from_group, group=developers, acting=root_acting)
    inline_policy_put(name="InlineIsBad", document=CREATE_BUCKET, user=bob, acting=root_acting)
    inline_policy_put(
        name="GroupInline", document=statement_policy("ec2:Describe*"), group=developers, acting=root_acting
    )
    permissions_boundary_put(policy_arn=boundary.arn, user=bob, acting=root_acting)
    bob.refresh_from_db()

    in_play = policies_in_play(user=bob)

    assert in_play["identity"] == [
        ("Directly", "ReadOnlyAccess", direct.arn, direct.versions.get().document),
        ("Inline", "InlineIsBad", None, CREATE_BUCKET),
        ("Group developers", "allow-s3-read", from_group.arn, from_group.versions.get(number=2).document),
        ("Group developers", "GroupInline", None, statement_policy("ec2:Describe*")),
    ]
    assert in_play["boundary"] == boundary.versions.get().document


def test_the_default_version_is_the_one_in_play(account, bob, root_acting):
    policy = make_policy(name="versioned", account=account, versions=3)
    policy_attach(policy=policy, user=bob, acting=root_acting)
    policy.default_version_number = 2
    policy.save(update_fields=["default_version_number"])

    (row,) = policies_in_play(user=bob)["identity"]
    assert json.loads(row[3])["Statement"][0]["Action"] == "s3:OldVersion2"


def test_rows_carry_the_consoles_columns(account, bob, developers, root_acting):
    GroupMembership.objects.create(user=bob, group=developers)
    aws = make_policy(name="AmazonS3ReadOnlyAccess")
    job = make_policy(name="ViewOnlyAccess", path="/job-function/")
    customer = make_policy(name="mine", account=account)
    policy_attach(policy=aws, user=bob, acting=root_acting)
    policy_attach(policy=job, group=developers, acting=root_acting)
    policy_attach(policy=customer, user=bob, acting=root_acting)
    inline_policy_put(name="InlineIsBad", document=CREATE_BUCKET, user=bob, acting=root_acting)

    rows = entity_permissions(user=bob).rows

    assert [(row.name, row.type, row.attached_via, row.inherited) for row in rows] == [
        ("AmazonS3ReadOnlyAccess", "AWS managed", "Directly", False),
        ("mine", "Customer managed", "Directly", False),
        ("InlineIsBad", "Customer inline", "Inline", False),
        ("ViewOnlyAccess", "AWS managed - job function", "Group developers", True),
    ]
    assert rows[0].key == f"managed:{aws.arn}"
    assert rows[2].key == "inline:InlineIsBad"
    assert rows[2].pretty_document == json.dumps(json.loads(CREATE_BUCKET), indent=4)


def test_a_group_and_a_role_list_their_own_policies(account, developers, root_acting):
    role = make_role(account=account)
    policy = make_policy(name="shared", account=account)
    policy_attach(policy=policy, group=developers, acting=root_acting)
    policy_attach(policy=policy, role=role, acting=root_acting)
    inline_policy_put(name="role-inline", document=CREATE_BUCKET, role=role, acting=root_acting)

    group_rows = entity_permissions(group=developers).rows
    assert [(row.name, row.attached_via) for row in group_rows] == [("shared", "Directly")]
    assert policies_in_play(role=role) == {
        "identity": [
            ("Directly", "shared", policy.arn, policy.versions.get().document),
            ("Inline", "role-inline", None, CREATE_BUCKET),
        ],
        "boundary": None,
    }


def test_a_boundary_whose_policy_is_gone_allows_nothing(account, bob):
    bob.permissions_boundary_arn = f"arn:aws:iam::{account.id}:policy/deleted"
    bob.save()
    assert policies_in_play(user=bob)["boundary"] == EMPTY_BOUNDARY


def test_other_users_and_groups_do_not_leak_in(account, bob, developers, root_acting):
    other = GroupFactory(account=account, name="others")
    policy = make_policy(name="theirs", account=account)
    policy_attach(policy=policy, group=other, acting=root_acting)
    GroupMembership.objects.create(user=bob, group=developers)
    assert policies_in_play(user=bob) == {"identity": [], "boundary": None}


def test_policies_in_play_needs_one_identity(bob, account):
    with pytest.raises(TypeError):
        policies_in_play()
    with pytest.raises(TypeError):
        policies_in_play(user=bob, role=make_role(account=account))


@pytest.mark.parametrize("size", [1, 10])
def test_policies_in_play_takes_a_constant_number_of_queries(
    size, account, bob, root_acting, django_assert_max_num_queries
):
    for index in range(size):
        group = GroupFactory(account=account, name=f"g{index}")
        GroupMembership.objects.create(user=bob, group=group)
        policy_attach(
            policy=make_policy(name=f"direct{index}", account=account), user=bob, acting=root_acting
        )
        policy_attach(
            policy=make_policy(name=f"group{index}", account=account), group=group, acting=root_acting
        )
        inline_policy_put(name=f"inline{index}", document=CREATE_BUCKET, user=bob, acting=root_acting)
        inline_policy_put(name=f"ginline{index}", document=CREATE_BUCKET, group=group, acting=root_acting)
    boundary = make_policy(name="boundary", account=account)
    permissions_boundary_put(policy_arn=boundary.arn, user=bob, acting=root_acting)
    bob.refresh_from_db()

    with django_assert_max_num_queries(3):
        in_play = policies_in_play(user=bob)
    assert len(in_play["identity"]) == 4 * size
    assert in_play["boundary"] is not None
