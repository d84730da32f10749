"""Role services: CreateRole, UpdateRole, UpdateAssumeRolePolicy, DeleteRole, tags, with IAM's messages."""

import json

import pytest

from access.acting import Acting
from accounts.models import AuditEvent
from aws.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    UnmodifiableEntity,
    ValidationError,
)
from policies.flows import role_delete_with_dependents
from policies.models import InlinePolicy, InstanceProfile, PolicyAttachment, Role
from policies.services.roles import (
    role_create,
    role_delete,
    role_tag,
    role_untag,
    role_update,
    role_update_description,
    role_update_trust_policy,
)
from tests.accounts.factories import IAMUserFactory
from tests.races import assert_refused_by_the_constraint, lose_race

from .roles_helpers import EC2_TRUST, managed_policy, s3_read_only, trust

pytestmark = pytest.mark.django_db


def make_role(account, acting, name="ec2-s3-read", **kwargs):
    kwargs.setdefault("trust_policy", EC2_TRUST)
    return role_create(account=account, name=name, acting=acting, **kwargs)


def test_create_role_has_aws_shape(account, root_acting):
    role = make_role(account, root_acting, path="/app/", description="Reads S3", tags=[("team", "blue")])
    assert role.arn == f"arn:aws:iam::{account.id}:role/app/ec2-s3-read"
    assert role.role_id.startswith("AROA") and len(role.role_id) == 21
    assert role.max_session_duration == 3600
    assert [(tag.key, tag.value) for tag in role.tags.all()] == [("team", "blue")]
    event = AuditEvent.objects.get(event_name="CreateRole")
    assert event.request_parameters["roleName"] == "ec2-s3-read"
    assert event.response_elements["role"]["roleId"] == role.role_id


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "",
            "Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
        ("r" * 65, "Member must have length less than or equal to 64"),
        ("has space", "Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
    ],
)
def test_create_role_refuses_bad_names(account, root_acting, name, message):
    with pytest.raises(ValidationError) as exc:
        make_role(account, root_acting, name=name)
    assert message in exc.value.message
    assert not Role.objects.exists()


def test_role_names_are_unique_ignoring_case_within_an_account(
    account, root_acting, charlie_account, charlie_acting
):
    make_role(account, root_acting, name="Deploy")
    with pytest.raises(EntityAlreadyExists) as exc:
        make_role(account, root_acting, name="deploy")
    assert exc.value.message == "Role with name deploy already exists."
    assert make_role(charlie_account, charlie_acting, name="deploy").account == charlie_account
    failed = AuditEvent.objects.get(event_name="CreateRole", error_code="EntityAlreadyExists")
    assert failed.error_message == "Role with name deploy already exists."


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (
            3599,
            "1 validation error detected: Value '3599' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
        ),
        (
            43201,
            "1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
        ),
    ],
)
def test_max_session_duration_is_one_to_twelve_hours(account, root_acting, seconds, message):
    with pytest.raises(ValidationError) as exc:
        make_role(account, root_acting, max_session_duration=seconds)
    assert exc.value.message == message
    assert make_role(account, root_acting, max_session_duration=43200).max_session_duration == 43200


def test_max_session_duration_must_be_a_number(account, root_acting):
    with pytest.raises(ValidationError) as exc:
        make_role(account, root_acting, max_session_duration="an hour")

    assert exc.value.message == (
        "1 validation error detected: Value 'an hour' at 'maxSessionDuration' failed to satisfy constraint: "
        "Member must be a number"
    )
    assert not Role.objects.exists()


def test_description_is_at_most_1000_characters(account, root_acting):
    with pytest.raises(ValidationError) as exc:
        make_role(account, root_acting, description="d" * 1001)
    assert (
        "at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000"
        in exc.value.message
    )
    assert make_role(account, root_acting, description="d" * 1000).description == "d" * 1000


def test_description_takes_latin_1_only_as_iams_pattern_says(account, root_acting):
    with pytest.raises(ValidationError) as exc:
        make_role(account, root_acting, description="Reads S3 \u2713")

    assert exc.value.message == (
        "1 validation error detected: Value 'Reads S3 \u2713' at 'description' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*"
    )
    assert not Role.objects.exists()
    assert (
        make_role(account, root_acting, description="Lit les données\tS3").description
        == "Lit les données\tS3"
    )


def test_service_role_path_is_reserved(account, root_acting):
    with pytest.raises(InvalidInput):
        make_role(account, root_acting, path="/aws-service-role/ecs.amazonaws.com/")


@pytest.mark.parametrize(
    ("document", "error", "message"),
    [
        ("{not json", MalformedPolicyDocument, "This policy contains invalid Json"),
        (
            trust({"Service": "ec2.amazonaws.com"}, action="s3:GetObject"),
            MalformedPolicyDocument,
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        (
            json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
            ),
            MalformedPolicyDocument,
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!",
        ),
        (trust("*"), MalformedPolicyDocument, 'AssumeRolepolicy contained an invalid principal: "STAR":"*".'),
    ],
)
def test_trust_policy_refusals_come_from_the_validator(account, root_acting, document, error, message):
    with pytest.raises(error) as exc:
        make_role(account, root_acting, trust_policy=document)
    assert exc.value.message == message
    assert not Role.objects.exists()


def test_trust_policy_may_grant_tag_session_source_identity_and_set_context(account, root_acting):
    actions = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"]
    role = make_role(
        account, root_acting, trust_policy=trust({"AWS": f"arn:aws:iam::{account.id}:root"}, actions)
    )
    assert json.loads(role.trust_policy)["Statement"][0]["Action"] == actions


def test_trust_policy_larger_than_2048_characters_is_limit_exceeded(account, root_acting):
    services = [f"service{index:04d}.amazonaws.com" for index in range(100)]
    with pytest.raises(LimitExceeded) as exc:
        make_role(account, root_acting, trust_policy=trust({"Service": services}))
    assert exc.value.message == "Cannot exceed quota for ACLSizePerRole: 2048"


def test_principal_naming_a_missing_user_of_this_installation_is_refused(
    account, root_acting, charlie_account
):
    missing = f"arn:aws:iam::{account.id}:user/nobody"
    with pytest.raises(MalformedPolicyDocument) as exc:
        make_role(account, root_acting, trust_policy=trust({"AWS": missing}))
    assert exc.value.message == f'Invalid principal in policy: "AWS":"{missing}"'
    other = f"arn:aws:iam::{charlie_account.id}:role/dev/missing"
    with pytest.raises(MalformedPolicyDocument) as exc:
        make_role(
            account, root_acting, trust_policy=trust({"AWS": [f"arn:aws:iam::{account.id}:root", other]})
        )
    assert exc.value.message == f'Invalid principal in policy: "AWS":"{other}"'


def test_principals_that_exist_or_live_outside_the_installation_are_accepted(account, root_acting, bob):
    IAMUserFactory(account=account, name="ivan", path="/developers/")
    principals = [
        bob.arn,
        f"arn:aws:iam::{account.id}:user/developers/ivan",
        "arn:aws:iam::999999999999:user/somebody",  # an account this installation does not hold
        "111122223333",
    ]
    role = make_role(account, root_acting, trust_policy=trust({"AWS": principals}))
    assert json.loads(role.trust_policy)["Statement"][0]["Principal"]["AWS"] == principals


def test_a_path_mismatch_is_a_missing_principal(account, root_acting, bob):
    wrong = f"arn:aws:iam::{account.id}:user/elsewhere/bob"
    with pytest.raises(MalformedPolicyDocument):
        make_role(account, root_acting, trust_policy=trust({"AWS": wrong}))


def test_permissions_boundary_must_be_a_policy_the_account_can_use(account, root_acting, charlie_account):
    boundary = managed_policy(name="developer-boundary", account=account)
    role = make_role(account, root_acting, permissions_boundary_arn=boundary.arn)
    assert role.permissions_boundary_arn == boundary.arn
    foreign = managed_policy(name="charlie-only", account=charlie_account)
    with pytest.raises(NoSuchEntity) as exc:
        make_role(account, root_acting, name="other", permissions_boundary_arn=foreign.arn)
    assert exc.value.message == f"Policy {foreign.arn} does not exist or is not attachable."
    aws = s3_read_only()
    assert (
        make_role(
            account, root_acting, name="third", permissions_boundary_arn=aws.arn
        ).permissions_boundary_arn
        == aws.arn
    )


def test_update_role_changes_description_and_session(account, root_acting):
    role = make_role(account, root_acting)
    role_update(role=role, description="New words", max_session_duration=7200, acting=root_acting)
    role.refresh_from_db()
    assert (role.description, role.max_session_duration) == ("New words", 7200)
    with pytest.raises(ValidationError):
        role_update(role=role, max_session_duration=50000, acting=root_acting)
    role.refresh_from_db()
    assert role.max_session_duration == 7200


def test_update_role_description_is_its_own_audited_call(account, root_acting, charlie_acting):
    role = make_role(account, root_acting)
    role_update_description(role=role, description="Reads S3", acting=root_acting)
    role.refresh_from_db()
    assert role.description == "Reads S3"
    event = AuditEvent.objects.get(event_name="UpdateRoleDescription")
    assert event.request_parameters == {"roleName": role.name, "description": "Reads S3"}
    with pytest.raises(ValidationError):
        role_update_description(role=role, description="x" * 1001, acting=root_acting)
    with pytest.raises(NoSuchEntity):
        role_update_description(role=role, description="theirs", acting=charlie_acting)
    role.refresh_from_db()
    assert role.description == "Reads S3"


def test_update_trust_policy_validates_and_replaces(account, root_acting):
    role = make_role(account, root_acting)
    lambda_trust = trust({"Service": "lambda.amazonaws.com"})
    role_update_trust_policy(role=role, trust_policy=lambda_trust, acting=root_acting)
    role.refresh_from_db()
    assert role.trust_policy == lambda_trust
    with pytest.raises(MalformedPolicyDocument):
        role_update_trust_policy(role=role, trust_policy="[]", acting=root_acting)
    role.refresh_from_db()
    assert role.trust_policy == lambda_trust
    event = AuditEvent.objects.filter(event_name="UpdateAssumeRolePolicy").order_by("pk").last()
    assert event.error_code == "MalformedPolicyDocument"


def test_another_accounts_role_does_not_exist_for_the_caller(account, root_acting, charlie_acting):
    role = make_role(account, root_acting)
    with pytest.raises(NoSuchEntity) as exc:
        role_update_trust_policy(role=role, trust_policy=EC2_TRUST, acting=charlie_acting)
    assert exc.value.message == "The role with name ec2-s3-read cannot be found."
    with pytest.raises(NoSuchEntity):
        role_delete(role=role, acting=charlie_acting)
    with pytest.raises(NoSuchEntity):
        role_update(role=role, description="x", acting=charlie_acting)
    assert Role.objects.filter(pk=role.pk).exists()


def test_delete_role_refuses_while_dependents_exist_in_iams_order(account, root_acting):
    role = make_role(account, root_acting)
    policy = s3_read_only()
    PolicyAttachment.objects.create(policy=policy, role=role)
    InlinePolicy.objects.create(role=role, name="inline", document="{}")
    profile = InstanceProfile.objects.create(account=account, name="ec2-s3-read", role=role)

    expected = [
        "Cannot delete entity, must remove roles from instance profile first.",
        "Cannot delete entity, must detach all policies first.",
        "Cannot delete entity, must delete policies first.",
    ]
    removals = [
        lambda: InstanceProfile.objects.filter(pk=profile.pk).update(role=None),
        lambda: PolicyAttachment.objects.filter(role=role).delete(),
        lambda: InlinePolicy.objects.filter(role=role).delete(),
    ]
    for message, remove in zip(expected, removals, strict=True):
        with pytest.raises(DeleteConflict) as exc:
            role_delete(role=role, acting=root_acting)
        assert exc.value.message == message
        remove()
    role_delete(role=role, acting=root_acting)
    assert not Role.objects.filter(pk=role.pk).exists()


def test_console_delete_removes_dependents_in_one_transaction(account, root_acting):
    role = make_role(account, root_acting)
    PolicyAttachment.objects.create(policy=s3_read_only(), role=role)
    InlinePolicy.objects.create(role=role, name="inline", document="{}")
    profile = InstanceProfile.objects.create(account=account, name="ec2-s3-read", role=role)
    role_delete_with_dependents(role=role, acting=root_acting)
    assert not Role.objects.filter(pk=role.pk).exists()
    assert not PolicyAttachment.objects.exists() and not InlinePolicy.objects.exists()
    profile.refresh_from_db()
    assert profile.role is None  # the profile stays, empty, as in IAM
    names = list(AuditEvent.objects.order_by("pk").values_list("event_name", flat=True))
    assert names[-4:] == [
        "RemoveRoleFromInstanceProfile",
        "DetachRolePolicy",
        "DeleteRolePolicy",
        "DeleteRole",
    ]


def test_role_tags_add_replace_and_remove_ignoring_key_case(account, root_acting):
    role = make_role(account, root_acting, tags=[("Team", "blue")])
    role_tag(role=role, tags=[("team", "green"), ("env", "dev")], acting=root_acting)
    assert sorted((tag.key, tag.value) for tag in role.tags.all()) == [("env", "dev"), ("team", "green")]
    role_untag(role=role, keys=["TEAM", "unknown"], acting=root_acting)
    assert [(tag.key, tag.value) for tag in role.tags.all()] == [("env", "dev")]
    with pytest.raises(InvalidInput) as exc:
        role_tag(role=role, tags=[("a", "1"), ("A", "2")], acting=root_acting)
    assert exc.value.message == "Duplicate tag keys found. Please note that Tag keys are case insensitive."


def test_fifty_tags_at_most(account, root_acting):
    role = make_role(account, root_acting, tags=[(f"k{index}", "") for index in range(50)])
    with pytest.raises(ValidationError) as exc:
        role_tag(role=role, tags=[("one-more", "")], acting=root_acting)
    assert "Member must have length less than or equal to 50" in exc.value.message


def test_service_linked_role_cannot_be_deleted_or_retrusted_directly(account, root_acting):
    from policies.services.roles import service_linked_role_create

    role = service_linked_role_create(
        account=account, aws_service_name="ecs.amazonaws.com", acting=root_acting
    )
    message = "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS"
    for call in (
        lambda: role_delete(role=role, acting=root_acting),
        lambda: role_delete_with_dependents(role=role, acting=root_acting),
        lambda: role_update_trust_policy(role=role, trust_policy=EC2_TRUST, acting=root_acting),
        lambda: role_update(role=role, max_session_duration=7200, acting=root_acting),
    ):
        with pytest.raises(UnmodifiableEntity) as exc:
            call()
        assert exc.value.message == message
    role_update(role=role, description="Used by ECS", acting=root_acting)
    role.refresh_from_db()
    assert role.description == "Used by ECS"
    assert role.max_session_duration == 3600


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_roles_created_with_one_name_at_once_get_entity_already_exists(account):
    _, lost = lose_race(
        winner=lambda: make_role(account, Acting(account=account), name="Deployer"),
        loser=lambda: make_role(account, Acting(account=account), name="deployer"),
    )

    assert_refused_by_the_constraint(lost, "EntityAlreadyExists", "Role with name deployer already exists.")
    assert list(Role.objects.values_list("name", flat=True)) == ["Deployer"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tag_calls_adding_one_key_at_once_leave_one_tag_with_the_later_value(account):
    role = make_role(account, Acting(account=account))

    _, lost = lose_race(
        winner=lambda: role_tag(role=role, tags=[("team", "red")], acting=Acting(account=account)),
        loser=lambda: role_tag(role=role, tags=[("Team", "blue")], acting=Acting(account=account)),
    )

    assert lost is None
    assert list(role.tags.values_list("key", "value")) == [("Team", "blue")]
