import pytest
from django.utils import timezone

from access.acting import Acting
from accounts.flows import user_delete_with_dependents
from accounts.models import AccessKey, AuditEvent, GroupMembership, IAMUser, LoginProfile, MFADevice
from accounts.services.users import (
    user_create,
    user_delete,
    user_tag,
    user_untag,
    user_update,
)
from aws.errors import DeleteConflict, EntityAlreadyExists, InvalidInput, NoSuchEntity, ValidationError
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment
from tests.races import assert_refused_by_the_constraint, lose_race

from .factories import GroupFactory, IAMUserFactory


def test_create_user_has_aws_ids_arn_and_tags(account, root_acting):
    user = user_create(
        account=account, name="Ivan", path="/developers/", tags=[("team", "core")], acting=root_acting
    )

    assert user.user_id.startswith("AIDA") and len(user.user_id) == 21
    assert user.arn == f"arn:aws:iam::{account.id}:user/developers/Ivan"
    assert [(t.key, t.value) for t in user.tags.all()] == [("team", "core")]
    event = AuditEvent.objects.get(event_name="CreateUser")
    assert event.request_parameters == {
        "userName": "Ivan",
        "path": "/developers/",
        "tags": [{"key": "team", "value": "core"}],
    }
    assert event.response_elements["user"]["userId"] == user.user_id
    assert event.user_identity["type"] == "Root"


def test_user_names_are_unique_ignoring_case(account, root_acting):
    user_create(account=account, name="alice", acting=root_acting)

    with pytest.raises(EntityAlreadyExists) as error:
        user_create(account=account, name="ALICE", acting=root_acting)

    assert error.value.message == "User with name ALICE already exists."
    assert IAMUser.objects.filter(account=account).count() == 1
    failed = AuditEvent.objects.get(event_name="CreateUser", error_code="EntityAlreadyExists")
    assert failed.error_message == "User with name ALICE already exists."


def test_the_same_name_is_free_in_another_account(account, charlie_account, root_acting, charlie_acting):
    user_create(account=account, name="alice", acting=root_acting)
    user = user_create(account=charlie_account, name="alice", acting=charlie_acting)
    assert user.account == charlie_account


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "",
            "1 validation error detected: Value '' at 'userName' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        ),
        (
            "a" * 65,
            f"1 validation error detected: Value '{'a' * 65}' at 'userName' failed to satisfy constraint: "
            "Member must have length less than or equal to 64",
        ),
        (
            "bad name",
            "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ),
        (
            "é",
            "1 validation error detected: Value 'é' at 'userName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ),
    ],
)
def test_invalid_user_names_are_refused_with_iams_message(account, root_acting, name, message):
    with pytest.raises(ValidationError) as error:
        user_create(account=account, name=name, acting=root_acting)
    assert error.value.message == message
    assert not IAMUser.objects.exists()


def test_all_allowed_name_characters_and_64_long_names_pass(account, root_acting):
    user_create(account=account, name="a+=,.@_-Z9", acting=root_acting)
    user_create(account=account, name="b" * 64, acting=root_acting)
    assert IAMUser.objects.count() == 2


@pytest.mark.parametrize("path", ["developers", "/developers", "developers/", "/a//b/", "/a b/", "//"])
def test_invalid_paths_are_refused(account, root_acting, path):
    with pytest.raises(ValidationError) as error:
        user_create(account=account, name="ivan", path=path, acting=root_acting)
    assert error.value.message == (
        "The specified value for path is invalid. "
        "It must begin and end with / and contain only alphanumeric characters and/or / characters."
    )


def test_a_path_longer_than_512_is_refused(account, root_acting):
    path = "/" + "a" * 511 + "/"
    with pytest.raises(ValidationError) as error:
        user_create(account=account, name="ivan", path=path, acting=root_acting)
    assert error.value.message.endswith("Member must have length less than or equal to 512")


def test_more_than_50_tags_are_refused(account, root_acting):
    tags = [(f"k{i}", "v") for i in range(51)]
    with pytest.raises(ValidationError) as error:
        user_create(account=account, name="ivan", tags=tags, acting=root_acting)
    assert error.value.message.endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    )
    assert not IAMUser.objects.exists()


@pytest.mark.parametrize(
    ("tag", "ending"),
    [
        (
            ("", "v"),
            "at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
        (
            ("k" * 129, "v"),
            "at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128",
        ),
        (
            ("k", "v" * 257),
            "at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
        ),
        (("k*", "v"), "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"),
    ],
)
def test_tag_keys_and_values_are_checked(account, root_acting, tag, ending):
    with pytest.raises(ValidationError) as error:
        user_create(account=account, name="ivan", tags=[tag], acting=root_acting)
    assert error.value.message.endswith(ending)


def test_tag_limits_at_the_edge_pass(account, root_acting):
    tags = [("k" * 128, "v" * 256)] + [(f"key {i}", "") for i in range(49)]
    user = user_create(account=account, name="ivan", tags=tags, acting=root_acting)
    assert user.tags.count() == 50


def test_duplicate_tag_keys_ignoring_case_are_refused(account, root_acting):
    with pytest.raises(InvalidInput) as error:
        user_create(account=account, name="ivan", tags=[("Team", "a"), ("team", "b")], acting=root_acting)
    assert error.value.message == "Duplicate tag keys found. Please note that Tag keys are case insensitive."


def test_tag_user_replaces_values_and_untag_removes_keys(bob, root_acting):
    user_tag(user=bob, tags=[("team", "a"), ("env", "dev")], acting=root_acting)
    user_tag(user=bob, tags=[("TEAM", "b")], acting=root_acting)
    assert sorted((t.key, t.value) for t in bob.tags.all()) == [("TEAM", "b"), ("env", "dev")]

    user_untag(user=bob, keys=["team", "unknown"], acting=root_acting)
    assert [(t.key, t.value) for t in bob.tags.all()] == [("env", "dev")]


def test_tag_user_refuses_going_over_50_tags(bob, root_acting):
    user_tag(user=bob, tags=[(f"k{i}", "") for i in range(50)], acting=root_acting)
    with pytest.raises(ValidationError):
        user_tag(user=bob, tags=[("one-more", "")], acting=root_acting)
    assert bob.tags.count() == 50


def test_update_user_renames_and_moves(bob, root_acting, account):
    IAMUserFactory(account=account, name="carol")
    user_update(user=bob, new_name="robert", new_path="/ops/", acting=root_acting)
    bob.refresh_from_db()
    assert (bob.name, bob.path) == ("robert", "/ops/")
    assert AuditEvent.objects.get(event_name="UpdateUser").request_parameters == {
        "userName": "bob",
        "newUserName": "robert",
        "newPath": "/ops/",
    }

    with pytest.raises(EntityAlreadyExists) as error:
        user_update(user=bob, new_name="Carol", acting=root_acting)
    assert error.value.message == "User with name Carol already exists."


def test_services_refuse_another_accounts_user(bob, charlie_acting):
    with pytest.raises(NoSuchEntity) as error:
        user_delete(user=bob, acting=charlie_acting)
    assert error.value.message == "The user with name bob cannot be found."
    assert IAMUser.objects.filter(pk=bob.pk).exists()


def test_delete_user_without_dependents(bob, root_acting):
    user_delete(user=bob, acting=root_acting)
    assert not IAMUser.objects.filter(pk=bob.pk).exists()
    assert AuditEvent.objects.get(event_name="DeleteUser").request_parameters == {"userName": "bob"}


def _give_everything(user):
    LoginProfile.objects.create(user=user, password="x")
    AccessKey.objects.create(account=user.account, user=user, access_key_id="AKIA0000000000000001")
    MFADevice.objects.create(
        account=user.account, user=user, name="bob-phone", seed_encrypted="x", enabled_at=timezone.now()
    )
    GroupMembership.objects.create(user=user, group=GroupFactory(account=user.account))


def test_delete_user_refuses_in_awss_order_while_dependents_exist(bob, root_acting):
    _give_everything(bob)
    expected = [
        ("Cannot delete entity, must delete login profile first.", LoginProfile),
        ("Cannot delete entity, must delete access keys first.", AccessKey),
        ("Cannot delete entity, must delete MFA device first.", MFADevice),
        ("Cannot delete entity, must delete policies first.", InlinePolicy),
        ("Cannot delete entity, must detach all policies first.", PolicyAttachment),
        ("Cannot delete entity, must remove users from group first.", GroupMembership),
    ]
    _give_policies(bob)
    for message, model in expected:
        with pytest.raises(DeleteConflict) as error:
            user_delete(user=bob, acting=root_acting)
        assert error.value.message == message
        model.objects.filter(user=bob).delete()
    user_delete(user=bob, acting=root_acting)
    assert not IAMUser.objects.filter(pk=bob.pk).exists()


def _give_policies(user):
    document = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}'
    )
    InlinePolicy.objects.create(user=user, name="InlineIsBad", document=document)
    policy = ManagedPolicy.objects.create(
        account=user.account,
        name="allow-s3",
        arn=f"arn:aws:iam::{user.account_id}:policy/allow-s3",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    PolicyAttachment.objects.create(policy=policy, user=user)


def test_console_delete_removes_every_dependent_in_one_go(bob, root_acting):
    _give_everything(bob)
    _give_policies(bob)

    user_delete_with_dependents(user=bob, acting=root_acting)

    assert not IAMUser.objects.filter(pk=bob.pk).exists()
    assert not AccessKey.objects.exists() and not MFADevice.objects.exists()
    names = set(AuditEvent.objects.values_list("event_name", flat=True))
    assert {
        "DeleteLoginProfile",
        "DeleteAccessKey",
        "DeactivateMFADevice",
        "DeleteVirtualMFADevice",
        "RemoveUserFromGroup",
        "DeleteUserPolicy",
        "DetachUserPolicy",
        "DeleteUser",
    } <= names
    assert not InlinePolicy.objects.exists() and not PolicyAttachment.objects.exists()
    assert ManagedPolicy.objects.filter(name="allow-s3").exists()  # detached, not deleted


def test_console_delete_rolls_back_everything_when_a_step_fails(bob, root_acting, monkeypatch):
    _give_everything(bob)
    import accounts.flows as flows

    def refuse(**kwargs):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")

    monkeypatch.setattr(flows, "user_delete", refuse)
    with pytest.raises(DeleteConflict):
        user_delete_with_dependents(user=bob, acting=root_acting)

    assert LoginProfile.objects.filter(user=bob).exists()
    assert AccessKey.objects.filter(user=bob).exists()
    assert GroupMembership.objects.filter(user=bob).exists()


# Races: two requests for one name pass the pre-check together; the constraint decides (PostgreSQL).


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_create_of_the_same_name_ignoring_case_gets_entity_already_exists(account):
    winner, lost = lose_race(
        winner=lambda: user_create(account=account, name="Dana", acting=Acting(account=account)),
        loser=lambda: user_create(account=account, name="dana", acting=Acting(account=account)),
    )

    assert_refused_by_the_constraint(lost, "EntityAlreadyExists", "User with name dana already exists.")
    assert list(IAMUser.objects.filter(account=account).values_list("name", flat=True)) == ["Dana"]
    refusal = AuditEvent.objects.get(event_name="CreateUser", error_code="EntityAlreadyExists")
    assert refusal.error_message == "User with name dana already exists."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_rename_to_the_same_name_gets_entity_already_exists(account):
    first, second = (IAMUserFactory(account=account, name=name) for name in ("first", "second"))

    _, lost = lose_race(
        winner=lambda: user_update(user=first, new_name="Shared", acting=Acting(account=account)),
        loser=lambda: user_update(user=second, new_name="shared", acting=Acting(account=account)),
    )

    assert_refused_by_the_constraint(lost, "EntityAlreadyExists", "User with name shared already exists.")
    assert sorted(IAMUser.objects.filter(account=account).values_list("name", flat=True)) == [
        "Shared",
        "second",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tag_calls_adding_one_key_at_once_leave_one_tag_with_the_later_value(account):
    user = IAMUserFactory(account=account, name="tagged")

    _, lost = lose_race(
        winner=lambda: user_tag(user=user, tags=[("team", "red")], acting=Acting(account=account)),
        loser=lambda: user_tag(user=user, tags=[("Team", "blue")], acting=Acting(account=account)),
    )

    assert lost is None
    assert list(user.tags.values_list("key", "value")) == [("Team", "blue")]
