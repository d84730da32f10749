"""Small builders shared by the roles, instance profile and identity provider tests."""

import json

from django.utils import timezone

from policies.models import AWS_MANAGED_PREFIX, ManagedPolicy, PolicyVersion

S3_READ_ONLY_ARN = f"{AWS_MANAGED_PREFIX}/AmazonS3ReadOnlyAccess"
S3_READ_ONLY_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "s3:Get*",
                "s3:List*",
                "s3:Describe*",
                "s3-object-lambda:Get*",
                "s3-object-lambda:List*",
            ],
            "Resource": "*",
        }
    ],
}


def trust(principal, action="sts:AssumeRole", **extra):
    """A one-statement trust policy document (text)."""
    statement = {"Effect": "Allow", "Principal": principal, "Action": action, **extra}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


EC2_TRUST = trust({"Service": "ec2.amazonaws.com"})


def managed_policy(*, name, account=None, path="/", document=None, arn=None):
    """A managed policy row with one version (AWS managed when `account` is None)."""
    now = timezone.now()
    if arn is None:
        owner = "aws" if account is None else account.id
        arn = f"arn:aws:iam::{owner}:policy{path}{name}"
    policy = ManagedPolicy.objects.create(
        account=account, name=name, path=path, arn=arn, created_at=now, updated_at=now
    )
    PolicyVersion.objects.create(
        policy=policy,
        number=1,
        document=json.dumps(document or S3_READ_ONLY_DOCUMENT),
        created_at=now,
    )
    return policy


def s3_read_only():
    """AmazonS3ReadOnlyAccess as the AWS managed catalog has it (without loading the whole catalog)."""
    existing = ManagedPolicy.objects.filter(arn=S3_READ_ONLY_ARN).first()
    return existing or managed_policy(name="AmazonS3ReadOnlyAccess", arn=S3_READ_ONLY_ARN)
