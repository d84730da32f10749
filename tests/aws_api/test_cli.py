"""The real aws CLI against the live server, with the articles' own commands (create-user Ivan in
/developers/, the group SuperStars, alice in developers …): nothing of the machine's AWS configuration
is read."""

import json

import pytest

from accounts.models import AuditEvent

from .cli import cli_env, run_aws

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def aws(live_server, root_keys, tmp_path):
    """aws(*args) → the JSON the CLI prints for `aws iam ARGS`, signed with the root user's keys."""
    key_id, secret = root_keys
    env = cli_env(tmp_path, AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret)

    def run(*args, expect_failure=False):
        done = run_aws(["iam", *args, "--endpoint-url", live_server.url, "--output", "json"], env=env)
        if expect_failure:
            assert done.returncode != 0
            return done.stderr.strip()
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else None

    return run


def test_the_articles_commands_through_the_aws_cli(aws, api_account):
    ivan = aws("create-user", "--user-name", "Ivan", "--path", "/developers/")["User"]
    assert ivan["Arn"] == f"arn:aws:iam::{api_account.id}:user/developers/Ivan"
    assert aws("create-user", "--user-name", "alice")["User"]["UserId"].startswith("AIDA")
    assert aws("create-group", "--group-name", "developers")["Group"]["GroupName"] == "developers"
    assert aws("add-user-to-group", "--user-name", "alice", "--group-name", "developers") is None
    listed = aws("list-users")["Users"]
    assert [user["UserName"] for user in listed] == ["Ivan", "alice"]
    assert aws("get-user", "--user-name", "Ivan")["User"]["Path"] == "/developers/"
    key = aws("create-access-key", "--user-name", "alice")["AccessKey"]
    assert key["Status"] == "Active" and len(key["SecretAccessKey"]) == 40
    details = aws("get-account-authorization-details", "--filter", "User")
    assert {user["UserName"]: user["GroupList"] for user in details["UserDetailList"]} == {
        "Ivan": [],
        "alice": ["developers"],
    }
    simulated = aws(
        "simulate-principal-policy",
        "--policy-source-arn",
        ivan["Arn"],
        "--action-names",
        "s3:GetObject",
    )["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in simulated] == [("s3:GetObject", "implicitDeny")]

    message = aws("get-user", "--user-name", "nobody", expect_failure=True)
    # The CLI names the retries it made (none: the helpers turn them off).
    assert message == (
        "An error occurred (NoSuchEntity) when calling the GetUser operation (reached max retries: 0): "
        "The user with name nobody cannot be found."
    )
    events = AuditEvent.objects.filter(account=api_account, event_name__in=["CreateUser", "GetUser"])
    # The failed read is recorded too, with its error, as CloudTrail records every call it can attribute.
    assert sorted((event.event_name, event.error_code) for event in events) == [
        ("CreateUser", ""),
        ("CreateUser", ""),
        ("GetUser", ""),
        ("GetUser", "NoSuchEntity"),
    ]
    assert all(event.user_agent.startswith("aws-cli/") for event in events)


def test_list_policies_granting_service_access_through_the_aws_cli(aws, api_account):
    aws("create-user", "--user-name", "dev")
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    aws(
        "put-user-policy",
        "--user-name",
        "dev",
        "--policy-name",
        "storage",
        "--policy-document",
        json.dumps(document),
    )
    arn = f"arn:aws:iam::{api_account.id}:user/dev"

    answer = aws("list-policies-granting-service-access", "--arn", arn, "--service-namespaces", "s3")

    assert answer["PoliciesGrantingServiceAccess"] == [
        {
            "ServiceNamespace": "s3",
            "Policies": [
                {"PolicyName": "storage", "PolicyType": "INLINE", "EntityType": "USER", "EntityName": "dev"}
            ],
        }
    ]
