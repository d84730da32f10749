"""Customer managed policy services: names, limits, versions, deletes and tags, with IAM's messages."""

import json
import threading
import time

import pytest
from django.db import close_old_connections

from access.acting import Acting
from access.audit import redact
from accounts.models import AuditEvent, IAMUser
from aws.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    ValidationError,
)
from policies.flows import policy_delete_with_detach
from policies.models import ManagedPolicy, PolicyAttachment, PolicyVersion
from policies.services.permissions import policy_attach
from policies.services.policies import (
    policy_create,
    policy_delete,
    policy_set_default_version,
    policy_tag,
    policy_untag,
    policy_version_create,
    policy_version_delete,
)
from tests.accounts.factories import GroupFactory
from tests.races import assert_refused_by_the_constraint, lose_race

S3_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}],
    }
)


def doc(action):
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    )


@pytest.fixture
def policy(account, root_acting):
    return policy_create(account=account, name="allow-s3-read", document=S3_READ, acting=root_acting)


def test_create_policy_gives_an_arn_an_anpa_id_and_v1_as_default(account, root_acting):
    policy = policy_create(
        account=account,
        name="allow-s3-read",
        path="/team/",
        description="Read my bucket",
        document=S3_READ,
        tags=[("env", "dev")],
        acting=root_acting,
    )
    assert policy.arn == f"arn:aws:iam::{account.id}:policy/team/allow-s3-read"
    assert policy.policy_id.startswith("ANPA") and len(policy.policy_id) == 21
    assert policy.default_version_id == "v1"
    assert [(v.number, v.document) for v in policy.versions.all()] == [(1, S3_READ)]
    assert [(t.key, t.value) for t in policy.tags.all()] == [("env", "dev")]
    event = AuditEvent.objects.get(event_name="CreatePolicy")
    assert event.request_parameters == {
        "policyName": "allow-s3-read",
        "path": "/team/",
        "policyDocument": S3_READ,
        "description": "Read my bucket",
        "tags": [{"key": "env", "value": "dev"}],
    }
    assert event.response_elements["policy"]["arn"] == policy.arn
    assert event.response_elements["policy"]["defaultVersionId"] == "v1"


def test_policy_names_are_unique_in_the_account_ignoring_case(policy, account, root_acting):
    with pytest.raises(EntityAlreadyExists) as error:
        policy_create(account=account, name="ALLOW-s3-READ", document=S3_READ, acting=root_acting)
    assert (
        error.value.message
        == "A policy called ALLOW-s3-READ already exists. Duplicate names are not allowed."
    )
    assert ManagedPolicy.objects.filter(account=account).count() == 1
    event = AuditEvent.objects.filter(event_name="CreatePolicy").latest("pk")
    assert event.error_code == "EntityAlreadyExists"


def test_another_account_may_use_the_same_name(policy, charlie_account, charlie_acting):
    other = policy_create(
        account=charlie_account, name="allow-s3-read", document=S3_READ, acting=charlie_acting
    )
    assert other.arn == f"arn:aws:iam::{charlie_account.id}:policy/allow-s3-read"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "",
            "1 validation error detected: Value '' at 'policyName' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        ),
        (
            "x" * 129,
            f"1 validation error detected: Value '{'x' * 129}' at 'policyName' failed to satisfy constraint: "
            "Member must have length less than or equal to 128",
        ),
        (
            "bad name",
            "1 validation error detected: Value 'bad name' at 'policyName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ),
    ],
)
def test_policy_names_follow_iams_constraints(account, root_acting, name, message):
    with pytest.raises(ValidationError) as error:
        policy_create(account=account, name=name, document=S3_READ, acting=root_acting)
    assert error.value.message == message
    assert not ManagedPolicy.objects.filter(account=account).exists()


def test_a_128_character_name_is_fine(account, root_acting):
    assert (
        policy_create(account=account, name="p" * 128, document=S3_READ, acting=root_acting).name == "p" * 128
    )


def test_description_is_at_most_1000_characters(account, root_acting):
    with pytest.raises(ValidationError) as error:
        policy_create(account=account, name="p", description="d" * 1001, document=S3_READ, acting=root_acting)
    assert error.value.message.endswith(
        "at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000"
    )
    assert policy_create(
        account=account, name="p", description="d" * 1000, document=S3_READ, acting=root_acting
    )


def test_path_must_begin_and_end_with_a_slash(account, root_acting):
    with pytest.raises(ValidationError) as error:
        policy_create(account=account, name="p", path="team", document=S3_READ, acting=root_acting)
    assert error.value.message.startswith("The specified value for path is invalid.")


@pytest.mark.parametrize(
    ("document", "error_type", "message"),
    [
        ("{", MalformedPolicyDocument, "Syntax errors in policy."),
        (
            json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}
            ),
            MalformedPolicyDocument,
            "Policy statement must contain resources.",
        ),
        (
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": ["s3:" + "A" * 20] * 400, "Resource": "*"}],
                }
            ),
            LimitExceeded,
            "Cannot exceed quota for PolicySize: 6144",
        ),
    ],
)
def test_a_document_iam_refuses_is_refused_with_its_message(
    account, root_acting, document, error_type, message
):
    with pytest.raises(error_type) as error:
        policy_create(account=account, name="p", document=document, acting=root_acting)
    assert error.value.message == message
    assert not ManagedPolicy.objects.filter(account=account).exists()


def test_findings_are_advice_a_policy_naming_an_unknown_action_is_saved(account, root_acting):
    policy = policy_create(account=account, name="typo", document=doc("s3:GetObjekt"), acting=root_acting)
    assert policy.versions.count() == 1


def test_versions_are_numbered_and_the_new_one_can_become_default(policy, root_acting):
    v2 = policy_version_create(policy=policy, document=doc("s3:ListBucket"), acting=root_acting)
    assert v2.version_id == "v2" and not v2.is_default
    policy.refresh_from_db()
    assert policy.default_version_id == "v1"
    v3 = policy_version_create(policy=policy, document=doc("s3:*"), set_as_default=True, acting=root_acting)
    policy.refresh_from_db()
    assert v3.version_id == "v3" and policy.default_version_id == "v3"
    event = AuditEvent.objects.filter(event_name="CreatePolicyVersion").latest("pk")
    assert event.request_parameters == {
        "policyArn": policy.arn,
        "policyDocument": doc("s3:*"),
        "setAsDefault": True,
    }
    assert event.response_elements["policyVersion"]["versionId"] == "v3"


def test_a_sixth_version_is_refused_with_iams_message(policy, root_acting):
    for action in ["s3:A", "s3:B", "s3:C", "s3:D"]:
        policy_version_create(policy=policy, document=doc(action), acting=root_acting)
    with pytest.raises(LimitExceeded) as error:
        policy_version_create(policy=policy, document=doc("s3:E"), acting=root_acting)
    assert error.value.message == (
        "A managed policy can have up to 5 versions. "
        "Before you create a new version, you must delete an existing version."
    )
    assert policy.versions.count() == 5


def test_version_numbers_are_never_reused(policy, root_acting):
    policy_version_create(policy=policy, document=doc("s3:A"), acting=root_acting)
    policy_version_delete(policy=policy, version_id="v2", acting=root_acting)
    v3 = policy_version_create(policy=policy, document=doc("s3:B"), acting=root_acting)
    assert v3.version_id == "v3"
    assert sorted(v.number for v in policy.versions.all()) == [1, 3]


def test_set_default_rolls_back_to_an_older_version(policy, root_acting):
    policy_version_create(policy=policy, document=doc("s3:*"), set_as_default=True, acting=root_acting)
    policy_set_default_version(policy=policy, version_id="v1", acting=root_acting)
    policy.refresh_from_db()
    assert policy.default_version_id == "v1"
    event = AuditEvent.objects.get(event_name="SetDefaultPolicyVersion")
    assert event.request_parameters == {"policyArn": policy.arn, "versionId": "v1"}


def test_set_default_of_a_missing_version_is_no_such_entity(policy, root_acting):
    with pytest.raises(NoSuchEntity) as error:
        policy_set_default_version(policy=policy, version_id="v9", acting=root_acting)
    assert error.value.message == f"Policy {policy.arn} version v9 does not exist or is not attachable."


def test_a_version_id_must_look_like_one(policy, root_acting):
    with pytest.raises(ValidationError) as error:
        policy_set_default_version(policy=policy, version_id="2", acting=root_acting)
    assert "at 'versionId' failed to satisfy constraint" in error.value.message


def test_the_default_version_cannot_be_deleted(policy, root_acting):
    with pytest.raises(DeleteConflict) as error:
        policy_version_delete(policy=policy, version_id="v1", acting=root_acting)
    assert error.value.message == "Cannot delete the default version of a policy."
    assert policy.versions.count() == 1
    event = AuditEvent.objects.get(event_name="DeletePolicyVersion")
    assert event.error_code == "DeleteConflict"
    assert event.request_parameters == {"policyArn": policy.arn, "versionId": "v1"}


def test_deleting_a_missing_version_is_no_such_entity(policy, root_acting):
    with pytest.raises(NoSuchEntity):
        policy_version_delete(policy=policy, version_id="v4", acting=root_acting)


def test_a_policy_attached_to_an_entity_cannot_be_deleted(policy, account, bob, root_acting):
    PolicyAttachment.objects.create(policy=policy, user=bob)
    with pytest.raises(DeleteConflict) as error:
        policy_delete(policy=policy, acting=root_acting)
    assert error.value.message == "Cannot delete a policy attached to entities."
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()


def test_a_policy_attached_to_a_group_cannot_be_deleted(policy, account, root_acting):
    PolicyAttachment.objects.create(policy=policy, group=GroupFactory(account=account))
    with pytest.raises(DeleteConflict):
        policy_delete(policy=policy, acting=root_acting)


def test_a_policy_used_as_a_boundary_cannot_be_deleted(policy, bob, root_acting):
    IAMUser.objects.filter(pk=bob.pk).update(permissions_boundary_arn=policy.arn)
    with pytest.raises(DeleteConflict) as error:
        policy_delete(policy=policy, acting=root_acting)
    assert error.value.message == "Cannot delete a policy attached to entities."


def test_a_policy_with_other_versions_cannot_be_deleted_as_in_iam(policy, root_acting):
    policy_version_create(policy=policy, document=doc("s3:*"), acting=root_acting)
    with pytest.raises(DeleteConflict) as error:
        policy_delete(policy=policy, acting=root_acting)
    assert error.value.message == (
        "This policy has more than one version. Before you delete a policy, you must delete the "
        "policy's versions. The default version is deleted with the policy."
    )


def test_delete_removes_the_policy_with_its_default_version(policy, root_acting):
    policy_delete(policy=policy, acting=root_acting)
    assert not ManagedPolicy.objects.filter(pk=policy.pk).exists()
    assert not PolicyVersion.objects.filter(policy_id=policy.pk).exists()
    assert AuditEvent.objects.get(event_name="DeletePolicy").request_parameters == {"policyArn": policy.arn}


def test_tags_are_added_replaced_and_removed_ignoring_case(policy, root_acting):
    policy_tag(policy=policy, tags=[("Team", "a"), ("env", "dev")], acting=root_acting)
    policy_tag(policy=policy, tags=[("team", "b")], acting=root_acting)
    assert sorted((t.key, t.value) for t in policy.tags.all()) == [("env", "dev"), ("team", "b")]
    policy_untag(policy=policy, keys=["ENV", "unknown"], acting=root_acting)
    assert [(t.key, t.value) for t in policy.tags.all()] == [("team", "b")]
    assert AuditEvent.objects.get(event_name="UntagPolicy").request_parameters == {
        "policyArn": policy.arn,
        "tagKeys": ["ENV", "unknown"],
    }


def test_at_most_50_tags(policy, root_acting):
    policy_tag(policy=policy, tags=[(f"k{i}", "") for i in range(50)], acting=root_acting)
    with pytest.raises(ValidationError):
        policy_tag(policy=policy, tags=[("one-more", "")], acting=root_acting)
    assert policy.tags.count() == 50


@pytest.fixture
def aws_policy(db):
    """One AWS managed policy as the catalog holds it (the whole catalog is not needed here)."""
    from django.utils import timezone

    now = timezone.now()
    arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    policy = ManagedPolicy.objects.create(
        account=None, name="AmazonS3ReadOnlyAccess", arn=arn, created_at=now, updated_at=now
    )
    PolicyVersion.objects.create(policy=policy, number=1, document=doc("s3:Get*"), created_at=now)
    return policy


@pytest.mark.parametrize(
    ("call", "action"),
    [
        (lambda p, a: policy_version_create(policy=p, document=doc("s3:*"), acting=a), "CreatePolicyVersion"),
        (
            lambda p, a: policy_set_default_version(policy=p, version_id="v1", acting=a),
            "SetDefaultPolicyVersion",
        ),
        (lambda p, a: policy_version_delete(policy=p, version_id="v1", acting=a), "DeletePolicyVersion"),
        (lambda p, a: policy_delete(policy=p, acting=a), "DeletePolicy"),
        (lambda p, a: policy_tag(policy=p, tags=[("k", "v")], acting=a), "TagPolicy"),
        (lambda p, a: policy_untag(policy=p, keys=["k"], acting=a), "UntagPolicy"),
    ],
)
def test_aws_managed_policies_refuse_every_write(aws_policy, account, root_acting, call, action):
    with pytest.raises(AccessDenied) as error:
        call(aws_policy, root_acting)
    assert error.value.message == (
        f"User: arn:aws:iam::{account.id}:root is not authorized to perform: iam:{action} "
        f"on resource: policy {aws_policy.arn}"
    )
    assert aws_policy.versions.count() == 1 and not aws_policy.tags.exists()
    assert ManagedPolicy.objects.filter(pk=aws_policy.pk).exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda p, a: policy_version_create(policy=p, document=doc("s3:*"), acting=a),
        lambda p, a: policy_set_default_version(policy=p, version_id="v1", acting=a),
        lambda p, a: policy_version_delete(policy=p, version_id="v1", acting=a),
        lambda p, a: policy_delete(policy=p, acting=a),
        lambda p, a: policy_tag(policy=p, tags=[("k", "v")], acting=a),
        lambda p, a: policy_untag(policy=p, keys=["k"], acting=a),
    ],
)
def test_another_accounts_policy_does_not_exist_for_the_caller(policy, charlie_acting, call):
    with pytest.raises(NoSuchEntity) as error:
        call(policy, charlie_acting)
    assert error.value.message == f"Policy {policy.arn} does not exist or is not attachable."
    assert policy.versions.count() == 1


@pytest.mark.parametrize(
    ("call", "action"),
    [
        (lambda p, a: policy_version_create(policy=p, document=doc("s3:*"), acting=a), "CreatePolicyVersion"),
        (
            lambda p, a: policy_set_default_version(policy=p, version_id="v1", acting=a),
            "SetDefaultPolicyVersion",
        ),
        (lambda p, a: policy_tag(policy=p, tags=[("k", "v")], acting=a), "TagPolicy"),
    ],
)
def test_a_policy_deleted_by_another_request_is_no_such_entity(policy, root_acting, call, action):
    stale = ManagedPolicy.objects.get(pk=policy.pk)  # what a slower request loaded before the delete
    policy_delete(policy=policy, acting=root_acting)

    with pytest.raises(NoSuchEntity) as error:
        call(stale, root_acting)

    assert (error.value.code, error.value.message) == (
        "NoSuchEntity",
        f"Policy {policy.arn} does not exist or is not attachable.",
    )
    assert not ManagedPolicy.objects.filter(arn=policy.arn).exists()
    assert not PolicyVersion.objects.exists()
    assert AuditEvent.objects.get(event_name=action).error_code == "NoSuchEntity"


def test_another_account_cannot_delete_a_policy_through_the_consoles_detach_and_delete(
    policy, bob, root_acting, charlie_acting
):
    policy_attach(policy=policy, user=bob, acting=root_acting)

    with pytest.raises(NoSuchEntity) as error:
        policy_delete_with_detach(policy=policy, acting=charlie_acting)

    assert error.value.message == f"Policy {policy.arn} does not exist or is not attachable."
    assert list(PolicyAttachment.objects.values_list("policy", "user")) == [(policy.pk, bob.pk)]
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()
    assert not AuditEvent.objects.filter(event_name__in=["DetachUserPolicy", "DeletePolicy"]).exists()


def test_audit_events_keep_the_document_which_is_not_a_secret(policy):
    event = AuditEvent.objects.get(event_name="CreatePolicy")
    assert redact(event.request_parameters) == event.request_parameters


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_version_creation_never_leaves_six_versions(account, root_acting, monkeypatch):
    from policies.services import policies as services

    policy = policy_create(account=account, name="racy", document=S3_READ, acting=root_acting)
    for action in ["s3:A", "s3:B", "s3:C"]:
        policy_version_create(policy=policy, document=doc(action), acting=root_acting)
    # Widen the window between reading the version count and inserting, where a race would strike.
    validate_document = services.validate_document

    def slow_validate(document):
        time.sleep(0.3)
        return validate_document(document)

    monkeypatch.setattr(services, "validate_document", slow_validate)
    barrier = threading.Barrier(2)
    outcomes = []

    def create(action):
        try:
            stale = ManagedPolicy.objects.get(pk=policy.pk)  # each thread holds its own copy
            barrier.wait()
            version = policy_version_create(policy=stale, document=doc(action), acting=root_acting)
            outcomes.append(version.version_id)
        except LimitExceeded:
            outcomes.append("limit")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=create, args=(action,)) for action in ["s3:D", "s3:E"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["limit", "v5"]
    assert PolicyVersion.objects.filter(policy=policy).count() == 5
    assert sorted(PolicyVersion.objects.filter(policy=policy).values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_policies_created_with_one_name_at_once_get_entity_already_exists(account):
    def create(name, action):
        return policy_create(account=account, name=name, document=doc(action), acting=Acting(account=account))

    winner, lost = lose_race(winner=lambda: create("Deploy", "s3:*"), loser=lambda: create("deploy", "ec2:*"))

    assert_refused_by_the_constraint(
        lost, "EntityAlreadyExists", "A policy called deploy already exists. Duplicate names are not allowed."
    )
    assert list(ManagedPolicy.objects.values_list("pk", flat=True)) == [winner.pk]
    assert list(PolicyVersion.objects.values_list("policy", flat=True)) == [winner.pk]
