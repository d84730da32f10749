"""policies_in_play and the Permissions tabs' rows: what applies to an identity, and how."""

import json

import pytest

from accounts.models import GroupMembership, IAMUser, UserTag
from policies.models import Role, RoleTag
from policies.selectors.permissions import (
    EMPTY_BOUNDARY,
    entity_permissions,
    policies_in_play,
    policies_in_play_of_all,
    principal_in_play,
)
from policies.services.permissions import (
    inline_policy_put,
    permissions_boundary_put,
    policy_attach,
)
from tests.accounts.factories import GroupFactory, IAMUserFactory
from tests.queries import assert_constant_queries_of

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


def test_policies_in_play_takes_as_many_queries_for_ten_policies_of_each_kind_as_for_two(
    account, bob, root_acting
):
    boundary = make_policy(name="boundary", account=account)
    permissions_boundary_put(policy_arn=boundary.arn, user=bob, acting=root_acting)
    bob.refresh_from_db()

    def add_row(index):
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

    # Ten: AWS's quotas of policies attached to a user and of groups per user.
    in_play = assert_constant_queries_of(lambda: policies_in_play(user=bob), add_row, sizes=(2, 10))
    assert len(in_play["identity"]) == 4 * 10
    assert in_play["boundary"] is not None


def _principals_with_everything(account, root_acting):
    """Users and roles with every source of policy: direct, inline, from two groups (one shared),
    boundaries (one naming a deleted policy), and one with nothing at all."""
    shared = GroupFactory(account=account, name="shared")
    policy_attach(
        policy=make_policy(name="shared-managed", account=account), group=shared, acting=root_acting
    )
    inline_policy_put(name="shared-inline", document=CREATE_BUCKET, group=shared, acting=root_acting)
    boundary = make_policy(name="boundary", account=account, document=statement_policy(["s3:*"]))
    principals = []
    for index in range(3):
        user = IAMUserFactory(account=account, name=f"user{index}")
        role = make_role(account=account, name=f"role{index}")
        own = GroupFactory(account=account, name=f"own{index}")
        GroupMembership.objects.create(user=user, group=own)
        GroupMembership.objects.create(user=user, group=shared)
        policy_attach(
            policy=make_policy(name=f"own-group{index}", account=account), group=own, acting=root_acting
        )
        for entity in ({"user": user}, {"role": role}):
            policy_attach(
                policy=make_policy(name=f"direct-{index}-{len(principals)}", account=account),
                acting=root_acting,
                **entity,
            )
            inline_policy_put(name=f"inline{index}", document=CREATE_BUCKET, acting=root_acting, **entity)
            permissions_boundary_put(policy_arn=boundary.arn, acting=root_acting, **entity)
            principals.append(next(iter(entity.values())))
    IAMUser.objects.filter(name="user2").update(
        permissions_boundary_arn=f"arn:aws:iam::{account.id}:policy/gone"
    )
    principals.append(IAMUserFactory(account=account, name="bare"))
    return principals


def test_policies_in_play_of_all_reads_what_policies_in_play_reads_one_by_one(account, root_acting):
    _principals_with_everything(account, root_acting)
    users = list(IAMUser.objects.filter(account=account))
    roles = list(Role.objects.filter(account=account))

    of_all = policies_in_play_of_all(users=users, roles=roles)

    assert len(of_all) == len(users) + len(roles) == 7
    for user in users:
        assert of_all[user] == policies_in_play(user=user), user.name
    for role in roles:
        assert of_all[role] == policies_in_play(role=role), role.name
    assert of_all[IAMUser.objects.get(name="user2")]["boundary"] == EMPTY_BOUNDARY
    assert of_all[IAMUser.objects.get(name="bare")] == {"identity": [], "boundary": None}


def test_policies_in_play_of_all_takes_as_many_queries_for_twenty_principals_as_for_two(account, root_acting):
    shared = GroupFactory(account=account, name="shared")
    inline_policy_put(name="shared-inline", document=CREATE_BUCKET, group=shared, acting=root_acting)
    boundary = make_policy(name="boundary", account=account)

    def add_row(index):
        user = IAMUserFactory(account=account, name=f"user{index}", permissions_boundary_arn=boundary.arn)
        GroupMembership.objects.create(user=user, group=shared)
        role = make_role(account=account, name=f"role{index}")
        policy_attach(policy=make_policy(name=f"u{index}", account=account), user=user, acting=root_acting)
        policy_attach(policy=make_policy(name=f"r{index}", account=account), role=role, acting=root_acting)

    def call():
        return policies_in_play_of_all(
            users=IAMUser.objects.filter(account=account), roles=Role.objects.filter(account=account)
        )

    assert len(assert_constant_queries_of(call, add_row)) == 40


def test_principal_in_play_reads_what_policies_in_play_reads_and_the_tags_in_one_query(
    account, root_acting, django_assert_num_queries
):
    principals = _principals_with_everything(account, root_acting)
    developer = IAMUser.objects.get(name="user0")
    UserTag.objects.create(user=developer, key="team", value="blue")
    UserTag.objects.create(user=developer, key="Cost", value="")
    RoleTag.objects.create(role=Role.objects.get(name="role1"), key="env", value="prod")
    policy_attach(policy=make_policy(name="AWSManaged"), user=developer, acting=root_acting)
    # The default version is the one in play, whatever version a policy was made with.
    versioned = make_policy(name="versioned", account=account, versions=3)
    policy_attach(policy=versioned, role=Role.objects.get(name="role1"), acting=root_acting)
    versioned.default_version_number = 2
    versioned.save(update_fields=["default_version_number"])

    for principal in principals:
        principal.refresh_from_db()
        kind = "user" if isinstance(principal, IAMUser) else "role"
        with django_assert_num_queries(1):
            in_play = principal_in_play(**{kind: principal})
        tags = sorted((tag.key, tag.value) for tag in principal.tags.all())
        assert in_play == {**policies_in_play(**{kind: principal}), "tags": tags}, principal.name
    assert principal_in_play(user=developer)["tags"] == [("Cost", ""), ("team", "blue")]
    assert principal_in_play(user=IAMUser.objects.get(name="user2"))["boundary"] == EMPTY_BOUNDARY
    role = principal_in_play(role=Role.objects.get(name="role1"))
    assert role["tags"] == [("env", "prod")]
    assert ("Directly", "versioned", versioned.arn, versioned.versions.get(number=2).document) in role[
        "identity"
    ]
    assert principal_in_play(user=IAMUser.objects.get(name="bare")) == {
        "identity": [],
        "boundary": None,
        "tags": [],
    }
    with pytest.raises(TypeError):
        principal_in_play()
