"""boto3 against the live server (a real socket): clients signed with the root user's keys or an IAM
user's, whose policies the engine then applies to every call."""

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from access.acting import Acting
from accounts.services.access_keys import access_key_create
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import AccountFactory, IAMUserFactory

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(live_server, key_id, secret, service="iam", session_token=None, region="us-east-1", **config):
    return boto3.client(
        service,
        endpoint_url=live_server.url,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=session_token,
        region_name=region,
        config=NO_RETRIES.merge(Config(**config)) if config else NO_RETRIES,
    )


@pytest.fixture
def api_account(transactional_db):
    return AccountFactory(name="API sandbox", root_email="api@example.com")


@pytest.fixture
def root_keys(api_account):
    key, secret = access_key_create(account=api_account, user=None, acting=Acting(account=api_account))
    return key.access_key_id, secret


@pytest.fixture
def iam(live_server, root_keys):
    """boto3's IAM client signed with the account's root user keys."""
    return client(live_server, *root_keys)


@pytest.fixture
def iam_unvalidated(live_server, root_keys):
    """The same, without boto3's own parameter checks: the server's ValidationError is the point."""
    return client(live_server, *root_keys, parameter_validation=False)


@pytest.fixture
def iam_as(live_server, api_account):
    """iam_as(statements) → (boto3 IAM client, user): a new IAM user whose only policy holds
    `statements`, signed with its own access key."""
    made = []

    def make(statements, name=None):
        user = IAMUserFactory(account=api_account, name=name or f"caller{len(made)}")
        root = Acting(account=api_account)
        if statements:
            document = json.dumps({"Version": "2012-10-17", "Statement": statements})
            inline_policy_put(name="api-test", document=document, user=user, acting=root)
        key, secret = access_key_create(account=api_account, user=user, acting=root)
        made.append(user)
        return client(live_server, key.access_key_id, secret), user

    return make


def allow(*actions, resource="*"):
    return {"Effect": "Allow", "Action": list(actions), "Resource": resource}


def error_of(call, *args, **kwargs):
    """(the Error of the ClientError the call raises, its HTTP status)."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]
