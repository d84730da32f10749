import threading

import pytest
from django.db import close_old_connections
from django.utils import timezone

from access.acting import Acting
from accounts.flows import group_delete_with_dependents
from accounts.models import AuditEvent, Group, GroupMembership
from accounts.services.groups import (
    group_add_user,
    group_create,
    group_delete,
    group_remove_user,
)
from aws.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity, ValidationError
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment
from tests.races import assert_refused_by_the_constraint, lose_race

from .factories import GroupFactory, IAMUserFactory


def test_create_group_has_agpa_id_and_arn(account, root_acting):
    group = group_create(account=account, name="developers", acting=root_acting)

    assert group.group_id.startswith("AGPA") and len(group.group_id) == 21
    assert group.arn == f"arn:aws:iam::{account.id}:group/developers"
    event = AuditEvent.objects.get(event_name="CreateGroup")
    assert event.request_parameters == {"groupName": "developers", "path": "/"}
    assert event.response_elements["group"]["groupId"] == group.group_id


def test_group_names_are_unique_ignoring_case(account, root_acting):
    group_create(account=account, name="SuperStars", acting=root_acting)
    with pytest.raises(EntityAlreadyExists) as error:
        group_create(account=account, name="superstars", acting=root_acting)
    assert error.value.message == "Group with name superstars already exists."


@pytest.mark.parametrize(
    ("name", "ending"),
    [
        ("g" * 129, "Member must have length less than or equal to 128"),
        ("", "Member must have length greater than or equal to 1"),
        ("no spaces", "Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
    ],
)
def test_invalid_group_names(account, root_acting, name, ending):
    with pytest.raises(ValidationError) as error:
        group_create(account=account, name=name, acting=root_acting)
    assert f"at 'groupName' failed to satisfy constraint: {ending}" in error.value.message
    assert not Group.objects.exists()


def test_128_character_group_names_pass(account, root_acting):
    assert group_create(account=account, name="g" * 128, acting=root_acting).name == "g" * 128


def test_add_and_remove_members(account, bob, root_acting):
    group = GroupFactory(account=account, name="developers")

    group_add_user(group=group, user=bob, acting=root_acting)
    group_add_user(group=group, user=bob, acting=root_acting)  # already a member: nothing changes
    assert list(group.users.all()) == [bob]
    assert AuditEvent.objects.filter(event_name="AddUserToGroup").first().request_parameters == {
        "groupName": "developers",
        "userName": "bob",
    }

    group_remove_user(group=group, user=bob, acting=root_acting)
    assert not group.users.exists()
    with pytest.raises(NoSuchEntity) as error:
        group_remove_user(group=group, user=bob, acting=root_acting)
    assert error.value.message == "User bob is not in group developers."


def test_a_user_is_in_at_most_10_groups(account, bob, root_acting):
    groups = [GroupFactory(account=account) for _ in range(11)]
    for group in groups[:10]:
        group_add_user(group=group, user=bob, acting=root_acting)

    with pytest.raises(LimitExceeded) as error:
        group_add_user(group=groups[10], user=bob, acting=root_acting)

    assert error.value.message == "Cannot exceed quota for GroupsPerUser: 10"
    assert bob.memberships.count() == 10


def test_delete_group_refuses_while_it_has_members(account, bob, root_acting):
    group = GroupFactory(account=account)
    GroupMembership.objects.create(group=group, user=bob)

    with pytest.raises(DeleteConflict) as error:
        group_delete(group=group, acting=root_acting)
    assert error.value.message == "Cannot delete entity, must remove users from group first."
    assert Group.objects.filter(pk=group.pk).exists()

    group_delete_with_dependents(group=group, acting=root_acting)
    assert not Group.objects.filter(pk=group.pk).exists()
    assert bob.memberships.count() == 0


def test_delete_group_refuses_while_it_has_policies_and_the_console_removes_them(account, root_acting):
    group = GroupFactory(account=account, name="developers")
    document = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}'
    )
    InlinePolicy.objects.create(group=group, name="team", document=document)
    policy = ManagedPolicy.objects.create(
        account=account,
        name="allow-s3-read",
        arn=f"arn:aws:iam::{account.id}:policy/allow-s3-read",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    PolicyAttachment.objects.create(policy=policy, group=group)

    with pytest.raises(DeleteConflict) as error:
        group_delete(group=group, acting=root_acting)
    assert error.value.message == "Cannot delete entity, must delete policies first."
    InlinePolicy.objects.filter(group=group).delete()
    with pytest.raises(DeleteConflict) as error:
        group_delete(group=group, acting=root_acting)
    assert error.value.message == "Cannot delete entity, must detach all policies first."

    InlinePolicy.objects.create(group=group, name="team", document=document)
    group_delete_with_dependents(group=group, acting=root_acting)

    assert not Group.objects.filter(pk=group.pk).exists()
    assert not PolicyAttachment.objects.exists() and not InlinePolicy.objects.exists()
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()


def test_group_services_refuse_another_accounts_objects(account, bob, charlie_acting, charlie_account):
    group = GroupFactory(account=account, name="developers")
    with pytest.raises(NoSuchEntity) as error:
        group_delete(group=group, acting=charlie_acting)
    assert error.value.message == "The group with name developers cannot be found."
    charlie_group = GroupFactory(account=charlie_account)
    with pytest.raises(NoSuchEntity):
        group_add_user(group=charlie_group, user=bob, acting=charlie_acting)
    assert not GroupMembership.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_10_group_limit_holds_under_concurrent_adds(account, root_acting):
    user = IAMUserFactory(account=account)
    groups = [GroupFactory(account=account) for _ in range(16)]
    for group in groups[:8]:
        group_add_user(group=group, user=user, acting=root_acting)
    barrier = threading.Barrier(8)
    outcomes = []

    def add(group):
        try:
            barrier.wait()
            group_add_user(group=group, user=user, acting=root_acting)
            outcomes.append("ok")
        except LimitExceeded:
            outcomes.append("limit")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=add, args=(group,)) for group in groups[8:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["limit"] * 6 + ["ok"] * 2
    assert GroupMembership.objects.filter(user=user).count() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_create_of_the_same_group_name_gets_entity_already_exists(account):
    _, lost = lose_race(
        winner=lambda: group_create(account=account, name="Admins", acting=Acting(account=account)),
        loser=lambda: group_create(account=account, name="admins", acting=Acting(account=account)),
    )

    assert_refused_by_the_constraint(lost, "EntityAlreadyExists", "Group with name admins already exists.")
    assert list(Group.objects.values_list("name", flat=True)) == ["Admins"]
