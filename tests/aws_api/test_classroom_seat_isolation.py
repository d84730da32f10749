"""A student with their seat's root access keys, over the wire (boto3, the AWS API): they reach their
seat and their seat's own member accounts, never another seat, another seat's member accounts or the
template account, whatever the call."""

import pytest

from access.acting import Acting
from accounts.models import IAMUser
from accounts.services.access_keys import access_key_create
from classrooms.models import AccountLink
from classrooms.services.seats import job_run, seats_provision, template_create
from organizations.models import Membership
from policies.models import Role
from tests.classrooms.conftest import build_template_account
from tests.classrooms.factories import ClassroomFactory, InstructorFactory

from .conftest import client, error_of


@pytest.fixture
def seats(transactional_db):
    instructor = InstructorFactory()
    template_account = build_template_account()
    AccountLink.objects.create(person=instructor, account=template_account)
    template = template_create(person=instructor, account=template_account, name="IAM basics")
    classroom = ClassroomFactory(instructor=instructor, template=template)
    job_run(job_id=seats_provision(classroom=classroom, count=2, person=instructor).pk)
    mine, theirs = (seat.account for seat in classroom.seats.order_by("created_at"))
    IAMUser.objects.create(account=theirs, name="neighbours-work")
    return mine, theirs, template_account


def _member(account):
    return Membership.objects.exclude(account=account).get(organization__management_account=account).account


def test_a_seats_keys_reach_its_own_accounts_only(live_server, seats):
    mine, theirs, template_account = seats
    key, secret = access_key_create(account=mine, user=None, acting=Acting(account=mine))
    iam = client(live_server, key.access_key_id, secret)
    # Roles are not assumed by a root user: the student makes themselves an administrator, as taught.
    iam.create_user(UserName="student-admin")
    iam.put_user_policy(
        UserName="student-admin",
        PolicyName="everything",
        PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
    )
    admin_key = iam.create_access_key(UserName="student-admin")["AccessKey"]
    sts = client(live_server, admin_key["AccessKeyId"], admin_key["SecretAccessKey"], service="sts")
    organizations = client(live_server, key.access_key_id, secret, service="organizations")

    arns = [user["Arn"] for user in iam.list_users()["Users"]]
    assert arns and all(f"::{mine.id}:" in arn for arn in arns)
    error, status = error_of(iam.get_user, UserName="neighbours-work")
    assert (error["Code"], status) == ("NoSuchEntity", 404)
    error, _ = error_of(iam.add_user_to_group, UserName="neighbours-work", GroupName="developers")
    assert error["Code"] == "NoSuchEntity"

    # Its own member account: the access role works (what the other refusals are not).
    own = sts.assume_role(
        RoleArn=f"arn:aws:iam::{_member(mine).id}:role/OrganizationAccountAccessRole", RoleSessionName="me"
    )
    assert own["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{_member(mine).id}:assumed-role/")
    for account, role in (
        (theirs, "admins"),
        (_member(theirs), "OrganizationAccountAccessRole"),
        (template_account, "admins"),
        (_member(template_account), "OrganizationAccountAccessRole"),
    ):
        assert Role.objects.filter(account=account, name=role).exists()
        error, status = error_of(
            sts.assume_role, RoleArn=f"arn:aws:iam::{account.id}:role/{role}", RoleSessionName="intruder"
        )
        assert (error["Code"], status) == ("AccessDenied", 403), account

    listed = {entry["Id"] for entry in organizations.list_accounts()["Accounts"]}
    assert listed == {mine.id, _member(mine).id}
    error, _ = error_of(organizations.describe_account, AccountId=_member(theirs).id)
    assert error["Code"] == "AccountNotFoundException"
    assert not IAMUser.objects.filter(account=theirs, name="student-admin").exists()
