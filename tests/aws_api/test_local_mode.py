"""Local mode: unknown keys act as the default account's root user, known keys stay verified and
enforced, and /moto-api/reset empties the product between tests; all of it refused when the mode is off."""

import io
import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import Account, IAMUser
from organizations.models import Membership, Organization, OrganizationalUnit
from policies.models import ManagedPolicy
from tests.accounts.factories import AccountFactory
from tests.policies.roles_helpers import managed_policy
from tests.queries import sign_in

from .conftest import NO_RETRIES


def call(url, method):
    """(status, body) of a plain HTTP request."""
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
        ) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


pytestmark = pytest.mark.django_db(transaction=True)


def anonymous(live_server, key_id="AKIAUNKNOWNKEY000001", secret="any-secret"):
    return boto3.client(
        "iam",
        endpoint_url=live_server.url,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        region_name="us-east-1",
        config=NO_RETRIES,
    )


def test_outside_local_mode_an_unknown_key_is_refused_and_reset_does_not_exist(live_server):
    with pytest.raises(ClientError) as caught:
        anonymous(live_server).list_users()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert call(f"{live_server.url}/moto-api/reset", "POST")[0] == 404
    assert not Account.objects.exists()


def test_in_local_mode_an_unknown_key_is_the_default_accounts_root(live_server, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    settings.IAMCONSOLE_LOCAL_ACCOUNT = "210987654321"
    iam = anonymous(live_server)
    created = iam.create_user(UserName="tester")["User"]
    assert created["Arn"] == "arn:aws:iam::210987654321:user/tester"
    assert iam.get_user()["User"]["Arn"] == "arn:aws:iam::210987654321:root"
    # Another unknown key with another secret: the same account, nothing to check.
    assert [
        u["UserName"] for u in anonymous(live_server, "AKIAOTHER00000000002", "x").list_users()["Users"]
    ] == ["tester"]
    assert Account.objects.get().id == "210987654321"
    # STS says so too: the unknown key is the default account's, and so is its caller.
    sts = boto3.client(
        "sts",
        endpoint_url=live_server.url,
        aws_access_key_id="AKIAUNKNOWNKEY000001",
        aws_secret_access_key="any-secret",
        region_name="us-east-1",
        config=NO_RETRIES,
    )
    assert sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"] == "210987654321"
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::210987654321:root"


def test_in_local_mode_keys_the_product_issued_are_verified_and_enforced(live_server, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    iam = anonymous(live_server)
    iam.create_user(UserName="limited")  # no policy: everything it asks is refused
    key = iam.create_access_key(UserName="limited")["AccessKey"]
    limited = anonymous(live_server, key["AccessKeyId"], key["SecretAccessKey"])
    with pytest.raises(ClientError) as caught:
        limited.create_user(UserName="nope")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    wrong = anonymous(live_server, key["AccessKeyId"], "not-the-secret")
    with pytest.raises(ClientError) as caught:
        wrong.list_users()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert not IAMUser.objects.filter(name="nope").exists()


def test_reset_deletes_every_account_and_keeps_the_catalog_and_the_admins(live_server, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    anonymous(live_server).create_user(UserName="gone")
    organizations = boto3.client(
        "organizations",
        endpoint_url=live_server.url,
        aws_access_key_id="AKIAUNKNOWNKEY000001",
        aws_secret_access_key="any-secret",
        region_name="us-east-1",
        config=NO_RETRIES,
    )
    organizations.create_organization(FeatureSet="ALL")  # its management account goes too
    root_id = organizations.list_roots()["Roots"][0]["Id"]
    outer = organizations.create_organizational_unit(ParentId=root_id, Name="outer")["OrganizationalUnit"]
    organizations.create_organizational_unit(ParentId=outer["Id"], Name="inner")
    made = organizations.create_account(AccountName="member", Email="member@example.com")[
        "CreateAccountStatus"
    ]
    organizations.move_account(
        AccountId=made["AccountId"], SourceParentId=root_id, DestinationParentId=outer["Id"]
    )
    AccountFactory()
    get_user_model().objects.create_superuser("admin", "admin@example.com", "pw-for-the-test")
    aws_managed = managed_policy(name="ExampleManaged", arn="arn:aws:iam::aws:policy/ExampleManaged")
    assert call(f"{live_server.url}/moto-api/reset", "GET")[0] == 405
    status, body = call(f"{live_server.url}/moto-api/reset", "POST")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert not Account.objects.exists() and not IAMUser.objects.exists()
    assert ManagedPolicy.objects.filter(pk=aws_managed.pk).exists()
    assert get_user_model().objects.filter(username="admin").exists()
    # The next call starts over in a fresh default account, in no organization.
    assert anonymous(live_server).list_users()["Users"] == []
    assert organizations.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"] == (
        settings.IAMCONSOLE_LOCAL_ACCOUNT
    )


def test_reset_deletes_the_demo_accounts_organization_too(live_server, settings):
    """`make run` loads the demo account, which manages an organization whose OUs and member account
    are protected links: reset undoes them and still deletes everything."""
    settings.IAMCONSOLE_LOCAL_MODE = True
    call_command("load_demo", stdout=io.StringIO())
    assert Membership.objects.filter(parent__isnull=False).exists()  # the member account in Sandbox
    assert call(f"{live_server.url}/moto-api/reset", "POST")[0] == 200
    assert not Account.objects.exists()
    assert not Organization.objects.exists() and not OrganizationalUnit.objects.exists()


def test_the_console_says_it_runs_in_local_mode(client, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    settings.IAMCONSOLE_LOCAL_ACCOUNT = "210987654321"
    signed_in = sign_in(client, AccountFactory())
    page = signed_in.get("/").content.decode()
    assert 'data-testid="local-mode"' in page and "/moto-api/reset" in page and "210987654321" in page
    settings.IAMCONSOLE_LOCAL_MODE = False
    assert 'data-testid="local-mode"' not in signed_in.get("/").content.decode()
