"""The demo account's customer managed policy: allow-s3-read with a second version."""

import json

import pytest
from django.core.management import call_command

from accounts.models import Account
from iamconsole.management.commands.load_demo import DEMO_ROOT_EMAIL
from policies.models import ManagedPolicy

pytestmark = pytest.mark.django_db


def test_load_demo_gives_allow_s3_read_two_versions_once():
    call_command("load_demo")
    call_command("load_demo")  # idempotent: no third version

    account = Account.objects.get(root_email=DEMO_ROOT_EMAIL)
    policy = ManagedPolicy.objects.get(account=account, name="allow-s3-read")
    assert [version.version_id for version in policy.versions.all()] == ["v2", "v1"]
    assert policy.default_version_id == "v1"
    (statement,) = json.loads(policy.versions.get(number=1).document)["Statement"]
    assert statement == {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
    v2 = json.loads(policy.versions.get(number=2).document)["Statement"]
    assert statement in v2 and len(v2) == 2


def test_make_demo_loads_the_aws_catalog_before_the_demo():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert demo.index("load_aws_managed_policies") < demo.index("load_demo")
