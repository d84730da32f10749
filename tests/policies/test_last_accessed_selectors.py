"""Access Advisor's report: the services an entity's policies allow, and who called them last, when and
where, from Event history (its events placed at known times)."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from access.acting import Acting
from access.audit import record_event
from accounts.models import AuditEvent, GroupMembership, TemporaryCredential
from accounts.selectors.activity import latest_calls
from aws.errors import AccessDenied
from policies.models import InlinePolicy, LastAccessedJob, PolicyAttachment
from policies.selectors.last_accessed import allowed_actions, last_accessed, policies_granting
from policies.services.last_accessed import last_accessed_job_run
from tests.accounts.factories import GroupFactory, IAMUserFactory
from tests.queries import assert_constant_queries_of

from .permissions_helpers import make_policy, make_role, statement_policy

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def call(acting, event_name, source="iam", *, days_ago=0, region="us-east-1", error=None):
    """An audit event of `acting`'s call, `days_ago` days before NOW."""
    return record_event(
        acting=Acting(**{**acting.__dict__, "requested_region": region}),
        event_name=event_name,
        event_source=f"{source}.amazonaws.com",
        error=error,
        event_time=NOW - timedelta(days=days_ago),
    )


def report(entity, account, *, entities=False):
    services = last_accessed(entity, account=account, now=NOW, entities=entities).services
    return {service.namespace: service for service in services}


@pytest.fixture
def bob_acting(account, bob):
    return Acting(account=account, user=bob)


def test_record_event_keeps_the_identitys_unique_id_and_region(account, bob, bob_acting):
    event = call(bob_acting, "ListUsers", region="eu-west-3")
    event.refresh_from_db()
    assert (event.principal_id, event.aws_region) == (bob.user_id, "eu-west-3")
    assert Acting(account=account).entity_id == account.id  # root


def test_a_users_services_with_their_last_call_entity_and_region(account, bob, bob_acting):
    InlinePolicy.objects.create(user=bob, name="storage", document=statement_policy("s3:*"))
    iam_read = make_policy(name="iam-read", account=account, document=statement_policy("iam:List*"))
    PolicyAttachment.objects.create(policy=iam_read, user=bob)
    call(bob_acting, "ListBuckets", "s3", days_ago=3, region="eu-west-1")
    call(bob_acting, "GetObject", "s3", days_ago=9, region="us-west-2")
    call(bob_acting, "ListUsers", days_ago=1)
    call(bob_acting, "ListRoles", days_ago=20)
    call(bob_acting, "DescribeInstances", "ec2", days_ago=1)  # no policy allows EC2: not reported

    services = report(bob, account)

    assert sorted(services) == ["iam", "s3"]
    s3 = services["s3"]
    assert (s3.name, s3.last.last, s3.last.region, s3.last.entity.arn) == (
        "Amazon S3",
        NOW - timedelta(days=3),
        "eu-west-1",
        bob.arn,
    )
    assert [grant.name for grant in s3.grants] == ["storage"]
    assert (s3.grants[0].type, s3.grants[0].entity_type, s3.grants[0].entity_name) == (
        "INLINE",
        "USER",
        "bob",
    )
    assert s3.actions is None  # S3's data events: service level only
    iam = services["iam"]
    assert iam.name == "AWS Identity and Access Management"
    assert iam.grants[0].arn == iam_read.arn
    actions = {action.name: action.last for action in iam.actions}
    assert actions["ListUsers"] == NOW - timedelta(days=1)
    assert actions["ListRoles"] == NOW - timedelta(days=20)
    assert actions["ListGroups"] is None  # allowed, never called
    assert "CreateUser" not in actions  # neither allowed nor called
    assert [action.name for action in iam.accessed_actions] == ["ListUsers", "ListRoles"]  # newest first


def test_calls_older_than_the_tracking_period_are_not_accessed(account, bob, bob_acting):
    InlinePolicy.objects.create(user=bob, name="storage", document=statement_policy("s3:*"))
    call(bob_acting, "ListBuckets", "s3", days_ago=401)
    assert report(bob, account)["s3"].last.last is None
    call(bob_acting, "ListBuckets", "s3", days_ago=399)
    assert report(bob, account)["s3"].last.last == NOW - timedelta(days=399)


def test_refused_calls_count_as_access(account, bob, bob_acting):
    """AWS: last accessed information includes every attempt, not only the allowed ones."""
    InlinePolicy.objects.create(user=bob, name="iam", document=statement_policy("iam:*"))
    call(bob_acting, "CreateUser", days_ago=2, error=AccessDenied("no"))
    assert report(bob, account)["iam"].last.last == NOW - timedelta(days=2)


def test_a_groups_report_counts_its_members_and_names_who_called_last(account, bob):
    alice = IAMUserFactory(account=account, name="alice")
    group = GroupFactory(account=account, name="developers")
    for user in (alice, bob):
        GroupMembership.objects.create(user=user, group=group)
    InlinePolicy.objects.create(group=group, name="iam", document=statement_policy("iam:Get*"))
    call(Acting(account=account, user=bob), "GetUser", days_ago=5)
    call(Acting(account=account, user=alice), "GetRole", days_ago=2, region="ap-south-1")

    assert (report(group, account)["iam"].last.entity.name) == "alice"
    iam = report(group, account, entities=True)["iam"]

    assert (iam.last.entity.name, iam.last.region) == ("alice", "ap-south-1")
    assert [(principal.name, moment) for principal, moment in iam.entities] == [
        ("alice", NOW - timedelta(days=2)),
        ("bob", NOW - timedelta(days=5)),
    ]
    # A user of the group also sees the group's inline policy, named by its group.
    grant = report(bob, account)["iam"].grants[0]
    assert (grant.entity_type, grant.entity_name) == ("GROUP", "developers")


def test_a_roles_sessions_count_for_the_role(account, bob):
    role = make_role(account=account, name="deployer")
    InlinePolicy.objects.create(role=role, name="sts", document=statement_policy("sts:GetCallerIdentity"))
    session = TemporaryCredential.objects.create(
        account=account,
        access_key_id="ASIAEXAMPLE000000001",
        secret_encrypted="x",
        session_token_hash="x",
        issued_at=NOW,
        expiration=NOW + timedelta(hours=1),
        role=role,
        role_session_name="ci",
        issuer_arn=bob.arn,
    )
    call(Acting(account=account, credential=session), "GetCallerIdentity", "sts", days_ago=1)

    sts = report(role, account)["sts"]

    assert (sts.last.entity.arn, sts.last.last) == (role.arn, NOW - timedelta(days=1))
    assert [(action.name, action.entity.type) for action in sts.accessed_actions] == [
        ("GetCallerIdentity", "ROLE")
    ]
    assert latest_calls(principal_ids=[role.role_id]) == {role.role_id: NOW - timedelta(days=1)}


def test_a_policys_report_counts_users_of_its_groups_and_its_roles_in_the_account(
    account, bob, charlie_account
):
    policy = make_policy(name="ReadOnly", document=statement_policy("organizations:Describe*"))
    group = GroupFactory(account=account, name="auditors")
    GroupMembership.objects.create(user=bob, group=group)
    role = make_role(account=account, name="auditor")
    PolicyAttachment.objects.create(policy=policy, group=group)
    PolicyAttachment.objects.create(policy=policy, role=role)
    stranger = IAMUserFactory(account=charlie_account, name="stranger")
    PolicyAttachment.objects.create(policy=policy, user=stranger)
    call(Acting(account=account, user=bob), "DescribeOrganization", "organizations", days_ago=4)
    call(Acting(account=charlie_account, user=stranger), "DescribeOrganization", "organizations", days_ago=1)

    result = last_accessed(policy, account=account, now=NOW, entities=True)

    assert sorted(principal.name for principal in result.principals) == ["auditor", "bob"]
    organizations = result.services[0]
    assert (organizations.namespace, organizations.last.entity.name) == ("organizations", "bob")
    assert organizations.grants[0].arn == policy.arn


def test_not_action_allows_every_other_service():
    namespaces, tracked = allowed_actions(
        statement_policy(["iam:*", "organizations:*"]).replace('"Action"', '"NotAction"')
    )
    assert "s3" in namespaces and "sts" in namespaces
    assert "iam" not in namespaces and "organizations" not in namespaces
    assert "sts:AssumeRole" in tracked


def test_policies_granting_lists_managed_and_inline_per_namespace(account, bob):
    InlinePolicy.objects.create(user=bob, name="storage", document=statement_policy("s3:Get*"))
    admin = make_policy(name="AdministratorAccess", document=statement_policy("*"))
    PolicyAttachment.objects.create(policy=admin, user=bob)

    found = policies_granting(bob, ["s3", "iam", "no-such-service"], account=account)

    assert [(grant.name, grant.type) for grant in found["s3"]] == [
        ("AdministratorAccess", "MANAGED"),
        ("storage", "INLINE"),
    ]
    assert [grant.name for grant in found["iam"]] == ["AdministratorAccess"]
    assert found["no-such-service"] == []


def test_the_report_takes_as_many_queries_at_5000_events_as_at_50(account, bob, bob_acting):
    InlinePolicy.objects.create(user=bob, name="all", document=statement_policy(["s3:*", "iam:*"]))
    source = ["iam.amazonaws.com", "s3.amazonaws.com"]
    identity = bob_acting.user_identity()

    def add_event(index):
        AuditEvent.objects.record(
            account=account,
            event_name=f"Action{index % 7}",
            event_source=source[index % 2],
            user_identity=identity,
            principal_id=bob.user_id,
        )

    result = assert_constant_queries_of(
        lambda: last_accessed(bob, account=account), add_event, sizes=(50, 5000)
    )
    assert len(result.services[0].accessed_actions) == 7


def test_a_groups_report_takes_as_many_queries_at_5000_members_as_at_50(account):
    group = GroupFactory(account=account, name="everyone")
    InlinePolicy.objects.create(group=group, name="iam", document=statement_policy("iam:*"))

    names = itertools.count()

    def add_member(_index):
        user = IAMUserFactory(account=account, name=f"member-{next(names)}")
        GroupMembership.objects.create(user=user, group=group)
        AuditEvent.objects.record(
            account=account, event_name="GetUser", principal_id=user.user_id, user_identity={}
        )

    result = assert_constant_queries_of(
        lambda: last_accessed(group, account=account), add_member, sizes=(50, 5000)
    )
    assert result.services[0].last.entity.name.startswith("member-")
    # The job's report lists every member that called, in as many queries too.
    result = assert_constant_queries_of(
        lambda: last_accessed(group, account=account, entities=True), add_member, sizes=(50, 5000)
    )
    assert len(result.services[0].entities) == 10000


# The job's task


def test_the_report_task_fails_a_job_whose_entity_is_gone_and_leaves_a_finished_job_alone(account, bob):
    gone = LastAccessedJob.objects.create(
        account=account,
        created_by=bob.arn,
        entity_arn=f"arn:aws:iam::{account.id}:user/nobody",
        granularity="SERVICE_LEVEL",
    )
    last_accessed_job_run(job_pk=gone.pk)
    gone.refresh_from_db()
    assert gone.status == LastAccessedJob.Status.FAILED
    assert gone.error == f"The entity arn:aws:iam::{account.id}:user/nobody no longer exists."

    done = LastAccessedJob.objects.create(
        account=account, created_by=bob.arn, entity_arn=bob.arn, granularity="SERVICE_LEVEL"
    )
    last_accessed_job_run(job_pk=done.pk)
    done.refresh_from_db()
    assert done.status == LastAccessedJob.Status.COMPLETED
    completed_at = done.completed_at
    last_accessed_job_run(job_pk=done.pk)  # a task run twice changes nothing
    done.refresh_from_db()
    assert (done.status, done.completed_at) == (LastAccessedJob.Status.COMPLETED, completed_at)
