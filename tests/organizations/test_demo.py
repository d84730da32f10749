"""load_demo's organization: the demo account manages it; the seeds' SCP guards the Sandbox OU."""

import pytest
from django.core.management import call_command

from access.acting import Acting
from accounts.models import AuditEvent
from accounts.services.users import user_create
from aws.errors import AccessDenied
from iamconsole.management.commands.load_demo import DEMO_MEMBER_EMAIL, DEMO_ROOT_EMAIL
from organizations.models import Membership, Organization, Policy
from organizations.selectors import organization_tree


def test_load_demo_builds_the_organization_once(db):
    call_command("load_demo")
    events = AuditEvent.objects.count()
    call_command("load_demo")  # idempotent: nothing new, not even an audit event
    assert AuditEvent.objects.count() == events

    organization = Organization.objects.get(management_account__root_email=DEMO_ROOT_EMAIL)
    assert organization.scp_enabled
    tree = organization_tree(organization)
    assert sorted(unit.name for unit in tree.units) == ["Production", "Sandbox"]
    sandbox = next(unit for unit in tree.units if unit.name == "Sandbox")
    assert [node.object.account.root_email for node in sandbox.accounts] == [DEMO_MEMBER_EMAIL]
    scp = Policy.objects.get(organization=organization, name="DenyPublicAccessBlockAndUserChanges")
    assert list(scp.attachments.values_list("target_id", flat=True)) == [sandbox.id]
    for action in ("s3:PutBucketPublicAccessBlock", "iam:CreateUser", "iam:DeleteUser"):
        assert action in scp.content


def test_the_demo_scp_bites_in_the_member_account(db):
    call_command("load_demo")
    member = Membership.objects.get(account__root_email=DEMO_MEMBER_EMAIL).account
    with pytest.raises(AccessDenied, match="explicit deny in a service control policy"):
        user_create(account=member, name="intruder", acting=Acting(account=member))
