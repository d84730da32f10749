"""Builders for the permissions tests: managed policies (AWS or customer) and roles, without the catalog."""

import json

from django.utils import timezone

from policies.models import AWS_MANAGED_PREFIX, ManagedPolicy, PolicyVersion, Role

ALLOW_S3_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}],
}
EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def statement_policy(action, resource="*", effect="Allow"):
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]}
    )


def make_policy(*, name, account=None, path="/", document=None, versions=1):
    """A managed policy row (AWS managed when `account` is None) whose default is its last version."""
    now = timezone.now()
    owner = "aws" if account is None else account.id
    arn = (
        f"{AWS_MANAGED_PREFIX}{path}{name}" if account is None else f"arn:aws:iam::{owner}:policy{path}{name}"
    )
    policy = ManagedPolicy.objects.create(
        account=account,
        name=name,
        path=path,
        arn=arn,
        created_at=now,
        updated_at=now,
        default_version_number=versions,
        next_version_number=versions + 1,
    )
    text = document if isinstance(document, str) else json.dumps(document or ALLOW_S3_READ)
    for number in range(1, versions + 1):
        PolicyVersion.objects.create(
            policy=policy,
            number=number,
            document=text if number == versions else statement_policy(f"s3:OldVersion{number}"),
            created_at=now,
        )
    return policy


def make_role(*, account, name="app-role", path="/"):
    return Role.objects.create(account=account, name=name, path=path, trust_policy=EC2_TRUST)
