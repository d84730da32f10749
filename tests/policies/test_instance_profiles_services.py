"""Instance profiles: CreateInstanceProfile, AddRoleToInstanceProfile (one role), remove, delete."""

import pytest

from access.acting import Acting
from accounts.models import AuditEvent
from aws.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity, ValidationError
from policies.models import InstanceProfile
from policies.services.instance_profiles import (
    instance_profile_add_role,
    instance_profile_create,
    instance_profile_delete,
    instance_profile_remove_role,
    instance_profile_tag,
    instance_profile_untag,
)
from policies.services.roles import role_create
from tests.races import assert_refused_by_the_constraint, lose_race

from .roles_helpers import EC2_TRUST

pytestmark = pytest.mark.django_db


@pytest.fixture
def role(account, root_acting):
    return role_create(account=account, name="ec2-s3-read", trust_policy=EC2_TRUST, acting=root_acting)


def test_create_has_aws_shape(account, root_acting):
    profile = instance_profile_create(account=account, name="my-ec2-role", acting=root_acting)
    assert profile.arn == f"arn:aws:iam::{account.id}:instance-profile/my-ec2-role"
    assert profile.instance_profile_id.startswith("AIPA") and len(profile.instance_profile_id) == 21
    event = AuditEvent.objects.get(event_name="CreateInstanceProfile")
    assert event.response_elements["instanceProfile"]["instanceProfileId"] == profile.instance_profile_id


def test_names_are_1_to_128_and_unique_ignoring_case(account, root_acting):
    with pytest.raises(ValidationError) as exc:
        instance_profile_create(account=account, name="p" * 129, acting=root_acting)
    assert (
        "at 'instanceProfileName' failed to satisfy constraint: Member must have length less than or equal to 128"
        in exc.value.message
    )
    instance_profile_create(account=account, name="p" * 128, acting=root_acting)
    instance_profile_create(account=account, name="Web", acting=root_acting)
    with pytest.raises(EntityAlreadyExists) as exc:
        instance_profile_create(account=account, name="web", acting=root_acting)
    assert exc.value.message == "Instance Profile web already exists."


def test_a_profile_holds_one_role(account, root_acting, role):
    profile = instance_profile_create(account=account, name="web", acting=root_acting)
    instance_profile_add_role(profile=profile, role=role, acting=root_acting)
    other = role_create(account=account, name="other", trust_policy=EC2_TRUST, acting=root_acting)
    with pytest.raises(LimitExceeded) as exc:
        instance_profile_add_role(profile=profile, role=other, acting=root_acting)
    assert exc.value.message == "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
    assert InstanceProfile.objects.get(pk=profile.pk).role == role


def test_remove_role_and_delete(account, root_acting, role):
    profile = instance_profile_create(account=account, name="web", acting=root_acting)
    instance_profile_add_role(profile=profile, role=role, acting=root_acting)
    with pytest.raises(DeleteConflict) as exc:
        instance_profile_delete(profile=profile, acting=root_acting)
    assert exc.value.message == "Cannot delete entity, must remove roles from instance profile first."
    instance_profile_remove_role(profile=profile, role=role, acting=root_acting)
    with pytest.raises(NoSuchEntity) as exc:
        instance_profile_remove_role(profile=profile, role=role, acting=root_acting)
    assert exc.value.message == "The role with name ec2-s3-read cannot be found."
    instance_profile_delete(profile=profile, acting=root_acting)
    assert not InstanceProfile.objects.exists()


def test_charlie_cannot_touch_alices_profile(account, root_acting, role, charlie_acting):
    profile = instance_profile_create(account=account, name="web", acting=root_acting)
    with pytest.raises(NoSuchEntity) as exc:
        instance_profile_add_role(profile=profile, role=role, acting=charlie_acting)
    assert exc.value.message == "Instance Profile web cannot be found."
    with pytest.raises(NoSuchEntity):
        instance_profile_delete(profile=profile, acting=charlie_acting)
    assert InstanceProfile.objects.filter(pk=profile.pk).exists()


def test_tags_on_create_then_added_replaced_and_removed_ignoring_key_case(account, root_acting):
    profile = instance_profile_create(
        account=account, name="web", tags=[("team", "blue")], acting=root_acting
    )
    instance_profile_tag(profile=profile, tags=[("Team", "red"), ("env", "dev")], acting=root_acting)
    assert list(profile.tags.values_list("key", "value")) == [("Team", "red"), ("env", "dev")]
    instance_profile_untag(profile=profile, keys=["TEAM", "unknown"], acting=root_acting)
    assert list(profile.tags.values_list("key", "value")) == [("env", "dev")]
    tagged = AuditEvent.objects.get(event_name="TagInstanceProfile")
    assert tagged.request_parameters == {
        "instanceProfileName": "web",
        "tags": [{"key": "Team", "value": "red"}, {"key": "env", "value": "dev"}],
    }


def test_charlie_cannot_tag_alices_profile(account, root_acting, charlie_acting):
    profile = instance_profile_create(
        account=account, name="web", tags=[("team", "blue")], acting=root_acting
    )
    for call, more in (
        (instance_profile_tag, {"tags": [("x", "y")]}),
        (instance_profile_untag, {"keys": ["team"]}),
    ):
        with pytest.raises(NoSuchEntity) as exc:
            call(profile=profile, acting=charlie_acting, **more)
        assert exc.value.message == "Instance Profile web cannot be found."
    assert list(profile.tags.values_list("key", flat=True)) == ["team"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tag_calls_adding_one_key_at_once_leave_one_tag_with_the_later_value(account):
    profile = instance_profile_create(account=account, name="web", acting=Acting(account=account))

    _, lost = lose_race(
        winner=lambda: instance_profile_tag(
            profile=profile, tags=[("team", "red")], acting=Acting(account=account)
        ),
        loser=lambda: instance_profile_tag(
            profile=profile, tags=[("Team", "blue")], acting=Acting(account=account)
        ),
    )

    assert lost is None
    assert list(profile.tags.values_list("key", "value")) == [("Team", "blue")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_profiles_created_with_one_name_at_once_get_entity_already_exists(account):
    _, lost = lose_race(
        winner=lambda: instance_profile_create(account=account, name="Web", acting=Acting(account=account)),
        loser=lambda: instance_profile_create(account=account, name="web", acting=Acting(account=account)),
    )

    assert_refused_by_the_constraint(lost, "EntityAlreadyExists", "Instance Profile web already exists.")
    assert list(InstanceProfile.objects.values_list("name", flat=True)) == ["Web"]
