"""Attach/detach, inline policies and boundaries: IAM's quotas, messages and audit records."""

import threading

import pytest
from django.db import close_old_connections

from access.acting import Acting
from accounts.models import AuditEvent
from aws.errors import (
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    UnmodifiableEntity,
    ValidationError,
)
from policies.flows import permissions_remove_all
from policies.models import InlinePolicy, PolicyAttachment
from policies.services.permissions import (
    CHANGE_PASSWORD_ARN,
    PolicyNotAttachable,
    attach_change_password_policy,
    inline_policy_delete,
    inline_policy_put,
    permissions_boundary_delete,
    permissions_boundary_put,
    policy_attach,
    policy_detach,
    policy_for_arn,
)
from tests.accounts.factories import GroupFactory, IAMUserFactory
from tests.races import lose_race

from .permissions_helpers import make_policy, make_role, statement_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(account):
    return GroupFactory(account=account, name="developers")


@pytest.fixture
def role(account):
    return make_role(account=account, name="ec2-s3-read")


@pytest.fixture
def entities(bob, group, role):
    return {"user": bob, "group": group, "role": role}


@pytest.fixture
def customer_policy(account):
    return make_policy(name="allow-s3-read", account=account)


KINDS = ["user", "group", "role"]


@pytest.mark.parametrize("kind", KINDS)
def test_attach_records_awss_call_and_reattaching_changes_nothing(
    kind, entities, customer_policy, root_acting
):
    entity = entities[kind]
    policy_attach(policy=customer_policy, acting=root_acting, **{kind: entity})
    policy_attach(policy=customer_policy, acting=root_acting, **{kind: entity})

    assert PolicyAttachment.objects.filter(policy=customer_policy, **{kind: entity}).count() == 1
    events = AuditEvent.objects.filter(event_name=f"Attach{kind.title()}Policy")
    assert events.count() == 2
    assert events.first().request_parameters == {
        f"{kind}Name": entity.name,
        "policyArn": customer_policy.arn,
    }
    assert events.first().error_code == ""


@pytest.mark.parametrize("kind", KINDS)
def test_the_eleventh_policy_exceeds_the_quota_per_entity(kind, entities, account, root_acting):
    entity = entities[kind]
    policies = [make_policy(name=f"p{index}", account=account) for index in range(11)]
    for policy in policies[:10]:
        policy_attach(policy=policy, acting=root_acting, **{kind: entity})

    with pytest.raises(LimitExceeded) as error:
        policy_attach(policy=policies[10], acting=root_acting, **{kind: entity})

    assert error.value.message == f"Cannot exceed quota for PoliciesPer{kind.title()}: 10"
    assert PolicyAttachment.objects.filter(**{kind: entity}).count() == 10
    failed = AuditEvent.objects.get(event_name=f"Attach{kind.title()}Policy", error_code="LimitExceeded")
    assert failed.error_message == error.value.message
    # Re-attaching one of the ten is still fine at the quota.
    policy_attach(policy=policies[0], acting=root_acting, **{kind: entity})


def test_another_accounts_policy_does_not_exist_for_the_caller(bob, charlie_account, root_acting):
    foreign = make_policy(name="charlies-policy", account=charlie_account)
    with pytest.raises(NoSuchEntity) as error:
        policy_attach(policy=foreign, user=bob, acting=root_acting)
    assert error.value.message == f"Policy {foreign.arn} does not exist or is not attachable."
    assert not PolicyAttachment.objects.exists()


def test_aws_managed_policies_attach_in_every_account(bob, charlie_account, charlie_acting, root_acting):
    aws = make_policy(name="ReadOnlyAccess")
    charlie_user = IAMUserFactory(account=charlie_account, name="dave")
    policy_attach(policy=aws, user=bob, acting=root_acting)
    policy_attach(policy=aws, user=charlie_user, acting=charlie_acting)
    assert aws.attachments.count() == 2


def test_service_role_policies_are_not_attachable(role, root_acting):
    service = make_policy(name="AWSSupportServiceRolePolicy", path="/aws-service-role/")
    with pytest.raises(PolicyNotAttachable) as error:
        policy_attach(policy=service, role=role, acting=root_acting)
    assert error.value.code == "PolicyNotAttachable"
    assert error.value.message == "Cannot attach a Service Role Policy to a Customer Role."


@pytest.mark.parametrize("kind", KINDS)
def test_another_accounts_entity_cannot_be_found(kind, entities, customer_policy, charlie_acting):
    entity = entities[kind]
    with pytest.raises(NoSuchEntity) as error:
        policy_attach(policy=customer_policy, acting=charlie_acting, **{kind: entity})
    assert error.value.message == f"The {kind} with name {entity.name} cannot be found."
    with pytest.raises(NoSuchEntity):
        inline_policy_put(
            name="x", document=statement_policy("s3:*"), acting=charlie_acting, **{kind: entity}
        )
    assert not PolicyAttachment.objects.exists()
    assert not InlinePolicy.objects.exists()


def test_a_service_linked_role_is_unmodifiable(account, customer_policy, root_acting):
    role = make_role(
        account=account, name="AWSServiceRoleForSupport", path="/aws-service-role/support.amazonaws.com/"
    )
    with pytest.raises(UnmodifiableEntity) as error:
        policy_attach(policy=customer_policy, role=role, acting=root_acting)
    assert error.value.message == (
        "Cannot perform the operation on the protected role 'AWSServiceRoleForSupport' - "
        "this role is only modifiable by AWS"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_detach_removes_and_a_second_detach_is_not_found(kind, entities, customer_policy, root_acting):
    entity = entities[kind]
    policy_attach(policy=customer_policy, acting=root_acting, **{kind: entity})
    policy_detach(policy=customer_policy, acting=root_acting, **{kind: entity})
    assert not PolicyAttachment.objects.exists()

    with pytest.raises(NoSuchEntity) as error:
        policy_detach(policy=customer_policy, acting=root_acting, **{kind: entity})
    assert error.value.message == f"Policy {customer_policy.arn} was not found."
    assert AuditEvent.objects.filter(
        event_name=f"Detach{kind.title()}Policy", error_code="NoSuchEntity"
    ).exists()


def test_policy_for_arn_finds_aws_and_own_policies_only(account, charlie_account, customer_policy):
    aws = make_policy(name="ReadOnlyAccess")
    foreign = make_policy(name="theirs", account=charlie_account)
    assert policy_for_arn(account=account, arn=aws.arn) == aws
    assert policy_for_arn(account=account, arn=customer_policy.arn) == customer_policy
    for arn in (foreign.arn, "arn:aws:iam::aws:policy/NoSuchPolicy"):
        with pytest.raises(NoSuchEntity) as error:
            policy_for_arn(account=account, arn=arn)
        assert error.value.message == f"Policy {arn} does not exist or is not attachable."


# Inline policies


@pytest.mark.parametrize("kind", KINDS)
def test_put_creates_then_replaces_an_inline_policy(kind, entities, root_acting):
    entity = entities[kind]
    first, second = statement_policy("s3:CreateBucket"), statement_policy("s3:ListBucket")
    inline_policy_put(name="InlineIsBad", document=first, acting=root_acting, **{kind: entity})
    inline_policy_put(name="InlineIsBad", document=second, acting=root_acting, **{kind: entity})

    policy = InlinePolicy.objects.get(**{kind: entity})
    assert (policy.name, policy.document) == ("InlineIsBad", second)
    event = AuditEvent.objects.filter(event_name=f"Put{kind.title()}Policy").first()
    assert event.request_parameters == {
        f"{kind}Name": entity.name,
        "policyName": "InlineIsBad",
        "policyDocument": second,
    }


@pytest.mark.parametrize(
    ("kind", "limit"),
    [("user", 2048), ("group", 5120), ("role", 10240)],
)
def test_inline_policies_of_an_entity_share_one_size_quota(kind, limit, entities, root_acting):
    entity = entities[kind]
    # Each document alone is within the quota; together they are one character over it.
    base = statement_policy("s3:GetObject", resource="arn:aws:s3:::b/")
    base_size = len(base.replace(" ", ""))
    first = statement_policy("s3:GetObject", resource="arn:aws:s3:::b/" + "a" * (limit // 2 - base_size))
    first_size = len(first.replace(" ", ""))
    second = statement_policy(
        "s3:GetObject", resource="arn:aws:s3:::b/" + "c" * (limit - first_size - base_size + 1)
    )
    inline_policy_put(name="first", document=first, acting=root_acting, **{kind: entity})

    with pytest.raises(LimitExceeded) as error:
        inline_policy_put(name="second", document=second, acting=root_acting, **{kind: entity})

    assert error.value.message == f"Maximum policy size of {limit} bytes exceeded for {kind} {entity.name}"
    assert list(InlinePolicy.objects.values_list("name", flat=True)) == ["first"]
    # Replacing `first` by `second` counts `second` alone: it fits.
    inline_policy_put(name="first", document=second, acting=root_acting, **{kind: entity})


def test_one_document_over_the_quota_is_refused_with_the_same_message(bob, root_acting):
    document = statement_policy("s3:GetObject", resource="arn:aws:s3:::b/" + "x" * 2100)
    with pytest.raises(LimitExceeded) as error:
        inline_policy_put(name="huge", document=document, user=bob, acting=root_acting)
    assert error.value.message == "Maximum policy size of 2048 bytes exceeded for user bob"


@pytest.mark.parametrize(
    ("document", "error_type", "message"),
    [
        ("{not json", MalformedPolicyDocument, "Syntax errors in policy."),
        (
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}',
            MalformedPolicyDocument,
            "Policy statement must contain actions.",
        ),
        (
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", '
            '"Action": "s3:*", "Resource": "*"}]}',
            MalformedPolicyDocument,
            "Policy document should not specify a principal.",
        ),
    ],
)
def test_a_malformed_inline_document_is_refused_as_iam_does(bob, root_acting, document, error_type, message):
    with pytest.raises(error_type) as error:
        inline_policy_put(name="bad", document=document, user=bob, acting=root_acting)
    assert error.value.message == message
    assert not InlinePolicy.objects.exists()
    assert AuditEvent.objects.get(event_name="PutUserPolicy").error_code == "MalformedPolicyDocument"


@pytest.mark.parametrize(
    ("name", "constraint"),
    [
        ("", "Member must have length greater than or equal to 1"),
        ("x" * 129, "Member must have length less than or equal to 128"),
        ("has space", "Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
    ],
)
def test_inline_policy_names_follow_iams_pattern(bob, root_acting, name, constraint):
    with pytest.raises(ValidationError) as error:
        inline_policy_put(name=name, document=statement_policy("s3:*"), user=bob, acting=root_acting)
    assert error.value.message == (
        f"1 validation error detected: Value '{name}' at 'policyName' failed to satisfy constraint: {constraint}"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_deleting_an_unknown_inline_policy_is_not_found(kind, entities, root_acting):
    entity = entities[kind]
    inline_policy_put(name="keep", document=statement_policy("s3:*"), acting=root_acting, **{kind: entity})
    inline_policy_delete(name="keep", acting=root_acting, **{kind: entity})
    assert not InlinePolicy.objects.exists()
    with pytest.raises(NoSuchEntity) as error:
        inline_policy_delete(name="keep", acting=root_acting, **{kind: entity})
    assert error.value.message == f"The {kind} policy with name keep cannot be found."
    assert AuditEvent.objects.filter(event_name=f"Delete{kind.title()}Policy").count() == 2


# Permissions boundaries


@pytest.mark.parametrize("kind", ["user", "role"])
def test_boundary_set_and_removed(kind, entities, customer_policy, root_acting):
    entity = entities[kind]
    permissions_boundary_put(policy_arn=customer_policy.arn, acting=root_acting, **{kind: entity})
    entity.refresh_from_db()
    assert entity.permissions_boundary_arn == customer_policy.arn
    event = AuditEvent.objects.get(event_name=f"Put{kind.title()}PermissionsBoundary")
    assert event.request_parameters == {
        f"{kind}Name": entity.name,
        "permissionsBoundary": customer_policy.arn,
    }

    permissions_boundary_delete(acting=root_acting, **{kind: entity})
    permissions_boundary_delete(acting=root_acting, **{kind: entity})  # none set: nothing to do
    entity.refresh_from_db()
    assert entity.permissions_boundary_arn == ""
    assert AuditEvent.objects.filter(event_name=f"Delete{kind.title()}PermissionsBoundary").count() == 2


def test_an_aws_managed_policy_can_be_a_boundary(bob, root_acting):
    aws = make_policy(name="PowerUserAccess")
    permissions_boundary_put(policy_arn=aws.arn, user=bob, acting=root_acting)
    bob.refresh_from_db()
    assert bob.permissions_boundary_arn == aws.arn


def test_a_boundary_must_name_an_existing_visible_policy(bob, charlie_account, root_acting):
    foreign = make_policy(name="theirs", account=charlie_account)
    for arn in (foreign.arn, "arn:aws:iam::aws:policy/NoSuchPolicy"):
        with pytest.raises(NoSuchEntity) as error:
            permissions_boundary_put(policy_arn=arn, user=bob, acting=root_acting)
        assert error.value.message == f"Scope ARN: {arn} does not exist or is not attachable."
    with pytest.raises(InvalidInput) as error:
        permissions_boundary_put(policy_arn="arn:aws:iam::aws:role/admin", user=bob, acting=root_acting)
    assert error.value.message == "ARN arn:aws:iam::aws:role/admin is not valid."
    bob.refresh_from_db()
    assert bob.permissions_boundary_arn == ""


def test_exactly_one_entity_is_named(bob, group, customer_policy, root_acting):
    # A caller's mistake, not a request's: the console and the API always name one.
    for entities in ({}, {"user": bob, "group": group}):
        with pytest.raises(TypeError, match="^pass exactly one of user, group or role$"):
            policy_attach(policy=customer_policy, acting=root_acting, **entities)
    assert not PolicyAttachment.objects.exists()


def test_groups_have_no_boundary(group, customer_policy, root_acting):
    with pytest.raises(TypeError):
        permissions_boundary_put(policy_arn=customer_policy.arn, group=group, acting=root_acting)


# IAMUserChangePassword


def test_change_password_policy_is_attached_when_the_catalog_has_it(bob, root_acting):
    assert attach_change_password_policy(user=bob, acting=root_acting) is None
    assert not PolicyAttachment.objects.exists()

    policy = make_policy(name="IAMUserChangePassword", document=statement_policy("iam:ChangePassword"))
    assert policy.arn == CHANGE_PASSWORD_ARN
    attach_change_password_policy(user=bob, acting=root_acting)
    attach_change_password_policy(user=bob, acting=root_acting)
    assert list(bob.attachments.values_list("policy__name", flat=True)) == ["IAMUserChangePassword"]


# Concurrency (PostgreSQL: SQLite serialises writers anyway)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_attach_twice_at_once_succeeds_twice_with_one_attachment(bob, customer_policy, account):
    # The second waits on the user's row lock, then finds the first's attachment: no duplicate insert.
    _, lost = lose_race(
        winner=lambda: policy_attach(policy=customer_policy, user=bob, acting=Acting(account=account)),
        loser=lambda: policy_attach(policy=customer_policy, user=bob, acting=Acting(account=account)),
    )

    assert lost is None
    assert list(PolicyAttachment.objects.values_list("policy", "user")) == [(customer_policy.pk, bob.pk)]
    assert AuditEvent.objects.filter(event_name="AttachUserPolicy", error_code="").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", KINDS)
def test_the_10_policy_quota_holds_under_concurrent_attaches(kind, account, root_acting):
    entity = {
        "user": lambda: IAMUserFactory(account=account),
        "group": lambda: GroupFactory(account=account),
        "role": lambda: make_role(account=account),
    }[kind]()
    policies = [make_policy(name=f"p{index}", account=account) for index in range(16)]
    for policy in policies[:8]:
        policy_attach(policy=policy, acting=root_acting, **{kind: entity})
    barrier = threading.Barrier(8)
    outcomes = []

    def attach(policy):
        try:
            barrier.wait()
            policy_attach(policy=policy, acting=root_acting, **{kind: entity})
            outcomes.append("ok")
        except LimitExceeded:
            outcomes.append("limit")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=attach, args=(policy,)) for policy in policies[8:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["limit"] * 6 + ["ok"] * 2
    assert PolicyAttachment.objects.filter(**{kind: entity}).count() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_inline_size_quota_holds_under_concurrent_puts(account, root_acting):
    user = IAMUserFactory(account=account, name="racer")
    # Each of these is about 1,400 characters: any two exceed the user's 2,048 together.
    documents = [statement_policy("s3:GetObject", resource="arn:aws:s3:::b/" + "x" * 1300) for _ in range(4)]
    barrier = threading.Barrier(4)
    outcomes = []

    def put(index):
        try:
            barrier.wait()
            inline_policy_put(name=f"p{index}", document=documents[index], user=user, acting=root_acting)
            outcomes.append("ok")
        except LimitExceeded:
            outcomes.append("limit")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=put, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["limit"] * 3 + ["ok"]
    assert InlinePolicy.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_remove_all_detaches_and_deletes_through_the_audited_calls(
    kind, entities, customer_policy, root_acting
):
    entity = entities[kind]
    policy_attach(policy=customer_policy, acting=root_acting, **{kind: entity})
    inline_policy_put(name="a", document=statement_policy("s3:*"), acting=root_acting, **{kind: entity})
    inline_policy_put(name="b", document=statement_policy("s3:*"), acting=root_acting, **{kind: entity})

    permissions_remove_all(acting=root_acting, **{kind: entity})

    assert not PolicyAttachment.objects.exists() and not InlinePolicy.objects.exists()
    assert AuditEvent.objects.filter(event_name=f"Detach{kind.title()}Policy").count() == 1
    assert AuditEvent.objects.filter(event_name=f"Delete{kind.title()}Policy").count() == 2
