"""Templates: a snapshot of one account, restored to a seat equal to it but for the account IDs."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.acting import Acting
from accounts.models import AccessKey, Account, AuditEvent, IAMUser, PasswordPolicy
from accounts.services.access_keys import access_key_create
from accounts.services.users import user_create
from aws.errors import AccessDenied
from classrooms.services.snapshots import (
    account_empty,
    snapshot_restore,
    snapshot_take,
    system_accounts_create,
)
from organizations.models import Membership, Organization, OrganizationalUnit, PolicyAttachment
from policies.models import InstanceProfile, ManagedPolicy, PolicyVersion, Role


def _normalized(account):
    """The snapshot of `account` with every ID that differs between copies replaced by a name."""
    snapshot, count = snapshot_take(account)
    text = json.dumps(snapshot).replace(account.id, "ACCOUNT")
    organization = Organization.objects.filter(management_account=account).first()
    if organization:
        for unit in organization.units.all():
            text = text.replace(unit.id, f"OU:{unit.name}")
        for member in organization.memberships.select_related("account"):
            # Seats' member accounts are named "<seat name> <template's member name>".
            text = text.replace(member.account_id, f"ACCOUNT:{member.account.name.rsplit(' seat 1 ')[-1]}")
        for policy in organization.policies.all():
            text = text.replace(policy.id, f"POLICY:{policy.name}")
    snapshot = json.loads(text)
    for member in (snapshot["organization"] or {}).get("accounts", []):
        member["name"] = member["name"].rsplit(" seat 1 ")[-1]
    return snapshot, count


def _seat_account(name="IAM 101 seat 1"):
    (account,) = system_accounts_create([name])
    return account


def test_the_snapshot_holds_every_kind_of_entity_and_no_secret(template_account):
    snapshot, count = snapshot_take(template_account)

    assert {user["name"] for user in snapshot["users"]} == {"Ivan", "alice"}
    ivan = next(user for user in snapshot["users"] if user["name"] == "Ivan")
    assert ivan["path"] == "/developers/" and ivan["tags"] == [["team", "blue"]]
    assert ivan["inline"][0][0] == "InlineIsBad"
    allow = next(policy for policy in snapshot["policies"] if policy["name"] == "allow-s3-read")
    assert [number for number, _ in allow["versions"]] == [1, 2] and allow["default_version"] == 1
    admins = next(role for role in snapshot["roles"] if role["name"] == "admins")
    assert admins["max_session"] == 7200 and admins["tags"] == [["level", "high"]]
    assert admins["attached"] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    assert snapshot["instance_profiles"][0]["role"] == "ec2-s3-read"
    assert snapshot["password_policy"]["minimum_password_length"] == 12
    organization = snapshot["organization"]
    assert [unit["name"] for unit in organization["units"]] == ["Production", "Sandbox", "Experiments"]
    assert [member["name"] for member in organization["accounts"]] == ["Demo sandbox"]
    assert "password" not in json.dumps(snapshot["users"]).lower()
    member = organization["accounts"][0]["iam"]
    assert [user["name"] for user in member["users"]] == ["sandbox-dev"]
    assert sorted(role["name"] for role in member["roles"]) == [
        "OrganizationAccountAccessRole",
        "sandbox-auditor",
    ]
    # 2 users, 2 groups, 2 policies, 2 roles, 1 profile; 3 OUs, 1 member account, 1 SCP; in the member
    # account 1 user, 1 group, 1 policy, 2 roles.
    assert count == 19


def test_a_restored_seat_equals_the_template_but_for_its_account_ids(template_account):
    seat = _seat_account()
    snapshot, _ = snapshot_take(template_account)

    snapshot_restore(account=seat, snapshot=snapshot, label="IAM 101 seat 1")

    assert _normalized(seat) == _normalized(template_account)
    ivan = IAMUser.objects.get(account=seat, name="Ivan")
    assert ivan.arn == f"arn:aws:iam::{seat.id}:user/developers/Ivan"
    alice = IAMUser.objects.get(account=seat, name="alice")
    assert alice.permissions_boundary_arn == f"arn:aws:iam::{seat.id}:policy/developer-boundary"
    assert [group.name for group in alice.groups.all()] == ["developers"]
    admins = Role.objects.get(account=seat, name="admins")
    assert f"arn:aws:iam::{seat.id}:root" in admins.trust_policy
    assert template_account.id not in admins.inline_policies.get().document
    policy = ManagedPolicy.objects.get(account=seat, name="allow-s3-read")
    assert policy.arn == f"arn:aws:iam::{seat.id}:policy/allow-s3-read"
    assert PolicyVersion.objects.filter(policy=policy).count() == 2
    assert InstanceProfile.objects.get(account=seat).role.name == "ec2-s3-read"
    assert PasswordPolicy.objects.get(account=seat).require_symbols
    # Nothing was taken from the template's rows: they are all still the template's.
    assert IAMUser.objects.filter(account=template_account).count() == 2


def test_the_seat_manages_its_own_copy_of_the_organization(template_account):
    seat = _seat_account()
    snapshot_restore(account=seat, snapshot=snapshot_take(template_account)[0], label="IAM 101 seat 1")

    organization = Organization.objects.get(management_account=seat)
    template_organization = Organization.objects.get(management_account=template_account)
    assert organization.id != template_organization.id and organization.scp_enabled
    member = Membership.objects.exclude(account=seat).get(organization=organization)
    assert member.account.name == "IAM 101 seat 1 Demo sandbox"
    assert member.account.root_email.endswith("@classroom.invalid")
    assert not member.account.check_root_password("")
    assert member.parent.name == "Sandbox"
    assert (
        OrganizationalUnit.objects.get(organization=organization, name="Experiments").parent == member.parent
    )
    access_role = Role.objects.get(account=member.account, name="OrganizationAccountAccessRole")
    assert f"arn:aws:iam::{seat.id}:root" in access_role.trust_policy
    assert [a.policy.name for a in access_role.attachments.all()] == ["AdministratorAccess"]
    on_sandbox = PolicyAttachment.objects.filter(organization=organization, target_id=member.parent_id)
    assert sorted(a.policy.name for a in on_sandbox) == [
        "DenyPublicAccessBlockAndUserChanges",
        "FullAWSAccess",
    ]


def test_the_seats_organization_has_the_templates_management_policy_types(template_account):
    Organization.objects.filter(management_account=template_account).update(
        management_policy_types=["TAG_POLICY"]
    )
    seat = _seat_account()
    snapshot_restore(account=seat, snapshot=snapshot_take(template_account)[0], label="IAM 101 seat 1")
    organization = Organization.objects.get(management_account=seat)
    assert organization.enabled_policy_types == ["SERVICE_CONTROL_POLICY", "TAG_POLICY"]


def test_each_member_account_gets_its_template_members_own_iam_entities(template_account):
    seat = _seat_account()
    snapshot_restore(account=seat, snapshot=snapshot_take(template_account)[0], label="IAM 101 seat 1")
    member = Membership.objects.exclude(account=seat).get(organization__management_account=seat).account
    template_member = Membership.objects.exclude(account=template_account).get(
        organization__management_account=template_account
    )

    user = IAMUser.objects.get(account=member, name="sandbox-dev")
    assert user.arn == f"arn:aws:iam::{member.id}:user/sandbox-dev"
    assert [group.name for group in user.groups.all()] == ["sandbox-devs"]
    policy = ManagedPolicy.objects.get(account=member, name="sandbox-read")
    assert policy.arn == f"arn:aws:iam::{member.id}:policy/sandbox-read"
    assert f"arn:aws:iam::{member.id}:user/*" in policy.versions.get().document
    group = user.groups.get()
    assert [a.policy for a in group.attachments.all()] == [policy]
    auditor = Role.objects.get(account=member, name="sandbox-auditor")
    assert f"arn:aws:iam::{seat.id}:root" in auditor.trust_policy
    # One access role (the template member's own, copied), trusting the seat.
    access_role = Role.objects.get(account=member, name="OrganizationAccountAccessRole")
    assert f"arn:aws:iam::{seat.id}:root" in access_role.trust_policy
    # Nothing of the seat points at the template's accounts, and nothing was taken from them.
    text = json.dumps(snapshot_take(seat)[0])
    assert template_account.id not in text and template_member.account_id not in text
    assert IAMUser.objects.filter(account=template_member.account, name="sandbox-dev").exists()
    # The seat's own entities stayed in the seat.
    assert not IAMUser.objects.filter(account=member, name="Ivan").exists()


def test_a_version_1_template_gives_member_accounts_only_their_access_role(template_account):
    """Templates taken before member accounts' entities were copied still restore."""
    snapshot = snapshot_take(template_account)[0]
    for entry in snapshot["organization"]["accounts"]:
        del entry["iam"]
    seat = _seat_account()

    snapshot_restore(account=seat, snapshot=snapshot, label="IAM 101 seat 1")

    member = Membership.objects.exclude(account=seat).get(organization__management_account=seat).account
    access_role = Role.objects.get(account=member)
    assert access_role.name == "OrganizationAccountAccessRole"
    assert f"arn:aws:iam::{seat.id}:root" in access_role.trust_policy
    assert [a.policy.name for a in access_role.attachments.all()] == ["AdministratorAccess"]
    assert not IAMUser.objects.filter(account=member).exists()


def test_the_seat_organizations_scp_is_enforced_in_its_member_account(template_account):
    seat = _seat_account()
    snapshot_restore(account=seat, snapshot=snapshot_take(template_account)[0], label="IAM 101 seat 1")
    member = Membership.objects.exclude(account=seat).get(organization__management_account=seat).account

    with pytest.raises(AccessDenied, match="service control policy"):
        user_create(account=member, name="eve", acting=Acting(account=member))
    assert not IAMUser.objects.filter(account=member, name="eve").exists()
    # The seat itself, the management account, is not bound by SCPs.
    assert user_create(account=seat, name="eve", acting=Acting(account=seat)).name == "eve"


def test_emptying_removes_everything_but_the_event_history(template_account):
    seat = _seat_account()
    snapshot = snapshot_take(template_account)[0]
    snapshot_restore(account=seat, snapshot=snapshot, label="IAM 101 seat 1")
    member = Membership.objects.exclude(account=seat).get(organization__management_account=seat).account
    made = user_create(account=seat, name="student-made", acting=Acting(account=seat))
    access_key_create(account=seat, user=made, acting=Acting(account=seat))
    access_key_create(account=seat, acting=Acting(account=seat))
    assert AccessKey.objects.filter(account=seat).count() == 2

    account_empty(seat)

    assert snapshot_take(seat) == (
        {
            **{kind: [] for kind in ("users", "groups", "policies", "roles", "instance_profiles")},
            "version": 2,
            "account_id": seat.id,
            "password_policy": None,
            "organization": None,
        },
        0,
    )
    assert not Account.objects.filter(pk=member.pk).exists()
    assert AuditEvent.objects.filter(account=seat, event_name="CreateUser").exists()
    assert not AccessKey.objects.filter(account=seat).exists()


def test_restoring_takes_the_same_queries_whatever_the_number_of_entities(template_account):
    """Bulk writes: a template of three times the entities costs the seat no more queries."""
    small = snapshot_take(template_account)[0]
    big = json.loads(json.dumps(small))
    for kind in ("users", "groups", "roles", "instance_profiles", "policies"):
        copies = [{**entry, "name": f"{entry['name']}-{n}"} for n in (1, 2) for entry in small[kind]]
        big[kind] += copies
    for user in big["users"]:
        user["groups"] = [user["groups"][0]] if user["groups"] else []
    for profile in big["instance_profiles"]:
        profile["role"] = "ec2-s3-read"
    counts = []
    for snapshot in (small, big):
        seat = _seat_account(f"seat {len(counts)}")
        with CaptureQueriesContext(connection) as queries:
            snapshot_restore(account=seat, snapshot=snapshot, label="seat")
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 30, counts


def test_an_aws_managed_policy_not_loaded_yet_comes_from_the_release_data_file(db):
    source = _seat_account("source")
    acting = Acting(account=source)
    user = user_create(account=source, name="reader", acting=acting)
    snapshot = snapshot_take(source)[0]
    snapshot["users"][0]["attached"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert not ManagedPolicy.objects.filter(arn="arn:aws:iam::aws:policy/ReadOnlyAccess").exists()
    seat = _seat_account()

    snapshot_restore(account=seat, snapshot=snapshot)

    restored = IAMUser.objects.get(account=seat, name=user.name)
    assert [a.policy.arn for a in restored.attachments.all()] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert (
        snapshot["organization"] is None and not Organization.objects.filter(management_account=seat).exists()
    )


def test_no_template_restores_nothing(db):
    seat = _seat_account()
    snapshot_restore(account=seat, snapshot=None)
    snapshot_restore(account=seat, snapshot={})
    assert snapshot_take(seat)[1] == 0


def test_emptying_lets_an_invited_member_account_leave_and_keeps_it(template_account):
    seat = _seat_account()
    snapshot_restore(account=seat, snapshot=snapshot_take(template_account)[0], label="seat")
    organization = Organization.objects.get(management_account=seat)
    invited = _seat_account("someone else's account")
    Membership.objects.create(
        account=invited, organization=organization, joined_method=Membership.JoinedMethod.INVITED
    )

    account_empty(seat)

    assert Account.objects.filter(pk=invited.pk).exists()
    assert not Membership.objects.filter(account=invited).exists()
