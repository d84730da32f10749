"""The `except IntegrityError` fallbacks of identitycenter's check-then-insert services, met by two
requests at once on PostgreSQL (tests/races.py makes the race deterministic)."""

import pytest

from identitycenter import services
from identitycenter.models import DirectoryGroup, DirectoryUser, GroupMembership, Instance, PermissionSet
from tests.races import assert_refused_by_the_constraint, lose_race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def make_user(instance, acting, name):
    return services.user_create(
        instance=instance,
        user_name=name,
        display_name=name,
        given_name=name,
        family_name="Doe",
        acting=acting,
    )


def test_two_instances_for_one_organization_at_once(organization, root_acting):
    _, lost = lose_race(
        winner=lambda: services.instance_create(organization=organization, acting=root_acting),
        loser=lambda: services.instance_create(organization=organization, acting=root_acting),
    )
    assert_refused_by_the_constraint(
        lost, "ConflictException", "An instance of IAM Identity Center already exists for this organization."
    )
    assert Instance.objects.count() == 1


def test_two_permission_sets_with_one_name_at_once(instance, root_acting):
    _, lost = lose_race(
        winner=lambda: services.permission_set_create(instance=instance, name="Dev", acting=root_acting),
        loser=lambda: services.permission_set_create(instance=instance, name="dev", acting=root_acting),
    )
    assert_refused_by_the_constraint(lost, "ConflictException", "PermissionSet with name dev already exists.")
    assert PermissionSet.objects.count() == 1


def test_two_users_with_one_name_at_once(instance, root_acting):
    _, lost = lose_race(
        winner=lambda: make_user(instance, root_acting, "dana"),
        loser=lambda: make_user(instance, root_acting, "DANA"),
    )
    assert_refused_by_the_constraint(lost, "ConflictException", "Duplicate UserName")
    assert DirectoryUser.objects.count() == 1


def test_two_groups_with_one_name_at_once(instance, root_acting):
    _, lost = lose_race(
        winner=lambda: services.group_create(instance=instance, display_name="devs", acting=root_acting),
        loser=lambda: services.group_create(instance=instance, display_name="Devs", acting=root_acting),
    )
    assert_refused_by_the_constraint(lost, "ConflictException", "Duplicate GroupDisplayName")
    assert DirectoryGroup.objects.count() == 1


def test_one_membership_added_twice_at_once(instance, dana, root_acting):
    group = services.group_create(instance=instance, display_name="devs", acting=root_acting)
    _, lost = lose_race(
        winner=lambda: services.membership_create(group=group, user=dana, acting=root_acting),
        loser=lambda: services.membership_create(group=group, user=dana, acting=root_acting),
    )
    assert_refused_by_the_constraint(lost, "ConflictException", "Member is already in the group.")
    assert GroupMembership.objects.count() == 1


def test_two_users_renamed_to_one_name_at_once(instance, dana, root_acting):
    erin = make_user(instance, root_acting, "erin")
    _, lost = lose_race(
        winner=lambda: services.user_update(user=dana, operations=[("userName", "sam")], acting=root_acting),
        loser=lambda: services.user_update(user=erin, operations=[("userName", "SAM")], acting=root_acting),
    )
    assert_refused_by_the_constraint(lost, "ConflictException", "Duplicate UserName")
    assert sorted(DirectoryUser.objects.values_list("user_name", flat=True)) == ["erin", "sam"]
