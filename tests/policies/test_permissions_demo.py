"""The demo account's policies: Ivan's inline policy, developers' policy, the EC2 role, alice's boundary."""

import pytest
from django.core.management import call_command

from accounts.models import Account, AuditEvent
from iamconsole.management.commands.load_demo import DEMO_ROOT_EMAIL
from policies.models import InstanceProfile, ManagedPolicy
from policies.selectors.permissions import policies_in_play

from .permissions_helpers import make_policy

pytestmark = pytest.mark.django_db


def test_load_demo_seeds_the_permissions_once():
    make_policy(name="AmazonS3ReadOnlyAccess", document={"Version": "2012-10-17", "Statement": []})
    call_command("load_demo")
    events = AuditEvent.objects.count()
    call_command("load_demo")  # idempotent: nothing new, not even an audit event

    assert AuditEvent.objects.count() == events
    account = Account.objects.get(root_email=DEMO_ROOT_EMAIL)
    ivan = account.users.get(name="Ivan")
    (inline,) = policies_in_play(user=ivan)["identity"]
    assert inline[:3] == ("Inline", "InlineIsBad", None)
    assert '"s3:CreateBucket"' in inline[3]

    alice = account.users.get(name="alice")
    in_play = policies_in_play(user=alice)
    assert [row[:2] for row in in_play["identity"]] == [("Group developers", "allow-s3-read")]
    boundary = ManagedPolicy.objects.get(account=account, name="developer-boundary")
    assert alice.permissions_boundary_arn == boundary.arn
    assert '"ec2:Describe*"' in in_play["boundary"] and '"s3:*"' in in_play["boundary"]

    role = account.roles.get(name="ec2-s3-read")
    assert '"ec2.amazonaws.com"' in role.trust_policy
    assert [row[1] for row in policies_in_play(role=role)["identity"]] == ["AmazonS3ReadOnlyAccess"]
    assert InstanceProfile.objects.get(account=account, name="my-ec2-role").role == role


def test_load_demo_without_the_aws_catalog_still_seeds_the_rest():
    call_command("load_demo")
    account = Account.objects.get(root_email=DEMO_ROOT_EMAIL)
    assert account.roles.get(name="ec2-s3-read").attachments.count() == 0
    assert account.users.get(name="alice").permissions_boundary_arn
