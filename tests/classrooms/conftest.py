"""The classroom tests' people and accounts: an instructor, a student, and a template account holding
one of every kind of entity a snapshot takes (the demo account, plus what it lacks)."""

import io
import json

import pytest
from django.core.management import call_command

from access.acting import Acting
from accounts.models import Account, IAMUser
from accounts.services.groups import group_add_user, group_create
from accounts.services.passwords import password_policy_update
from accounts.services.users import user_tag
from classrooms.models import AccountLink
from classrooms.services.seats import template_create
from iamconsole.management.commands.load_demo import DEMO_ROOT_EMAIL
from organizations import services as organizations
from organizations.models import Membership, Organization, OrganizationalUnit
from policies.aws_managed.loader import aws_managed_policy
from policies.models import InstanceProfile, ManagedPolicy
from policies.services.instance_profiles import instance_profile_tag
from policies.services.permissions import inline_policy_put, permissions_boundary_put, policy_attach
from policies.services.policies import policy_create, policy_tag
from policies.services.roles import role_create, role_tag
from tests.accounts.factories import IAMUserFactory

from .factories import ClassroomFactory, InstructorFactory, PersonFactory


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=4)


def build_template_account():
    """The demo account (users, groups, a policy with two versions, a boundary, an EC2 role with its
    instance profile, an organization with OUs, a member account and an SCP), with tags, a password
    policy, a role trusting the account itself, an AWS managed attachment and a nested OU added, and
    IAM entities of the member account's own (see add_member_entities)."""
    call_command("load_demo", stdout=io.StringIO())
    account = Account.objects.with_root_email(DEMO_ROOT_EMAIL).get()
    acting = Acting(account=account, user_agent="pytest")
    ivan = IAMUser.objects.get(account=account, name="Ivan")
    user_tag(user=ivan, tags=[("team", "blue")], acting=acting)
    admin_role = role_create(
        account=account,
        name="admins",
        path="/ops/",
        description="Administrators of the account",
        max_session_duration=7200,
        trust_policy=document(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account.id}:root"},
                "Action": "sts:AssumeRole",
            }
        ),
        acting=acting,
    )
    role_tag(role=admin_role, tags=[("level", "high")], acting=acting)
    inline_policy_put(
        name="ReadOwnPolicies",
        document=document(
            {"Effect": "Allow", "Action": "iam:GetPolicy", "Resource": f"arn:aws:iam::{account.id}:policy/*"}
        ),
        role=admin_role,
        acting=acting,
    )
    policy_attach(policy=aws_managed_policy("AdministratorAccess"), role=admin_role, acting=acting)
    boundary = ManagedPolicy.objects.get(account=account, name="developer-boundary")
    permissions_boundary_put(policy_arn=boundary.arn, role=admin_role, acting=acting)
    policy_tag(policy=boundary, tags=[("kind", "boundary")], acting=acting)
    instance_profile_tag(
        profile=InstanceProfile.objects.get(account=account, name="my-ec2-role"),
        tags=[("app", "web")],
        acting=acting,
    )
    password_policy_update(account=account, minimum_password_length=12, require_symbols=True, acting=acting)
    organization = Organization.objects.get(management_account=account)
    sandbox = OrganizationalUnit.objects.get(organization=organization, name="Sandbox")
    organizations.ou_create(
        organization=organization, parent_id=sandbox.id, name="Experiments", acting=acting
    )
    add_member_entities(Membership.objects.exclude(account=account).get(organization=organization).account)
    return account


def add_member_entities(member):
    """In the member account: a customer managed policy naming the member's own ID, a group with it
    attached, a user in that group (made as the system: the Sandbox SCP denies iam:CreateUser), and a
    role auditors of the management account assume."""
    acting = Acting(account=member, user_agent="pytest")
    management = Membership.objects.get(account=member).organization.management_account_id
    policy = policy_create(
        account=member,
        name="sandbox-read",
        document=document(
            {"Effect": "Allow", "Action": "iam:Get*", "Resource": f"arn:aws:iam::{member.id}:user/*"}
        ),
        acting=acting,
    )
    group = group_create(account=member, name="sandbox-devs", acting=acting)
    policy_attach(policy=policy, group=group, acting=acting)
    group_add_user(group=group, user=IAMUserFactory(account=member, name="sandbox-dev"), acting=acting)
    role_create(
        account=member,
        name="sandbox-auditor",
        trust_policy=document(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{management}:root"},
                "Action": "sts:AssumeRole",
            }
        ),
        acting=acting,
    )


@pytest.fixture
def instructor(db):
    return InstructorFactory(email="ingrid@example.com")


@pytest.fixture
def student(db):
    return PersonFactory(email="sam@example.com")


@pytest.fixture
def template_account(db):
    return build_template_account()


@pytest.fixture
def template(template_account, instructor):
    AccountLink.objects.create(person=instructor, account=template_account)
    return template_create(person=instructor, account=template_account, name="IAM basics")


@pytest.fixture
def classroom(instructor, template):
    return ClassroomFactory(instructor=instructor, template=template, name="IAM 101", seat_limit=5)
