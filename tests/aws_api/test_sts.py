"""STS on the wire: boto3's STS client against the live server. AssumeRole (trust, ExternalId, MFA,
durations, session policies and tags, chaining), GetSessionToken, GetFederationToken,
GetCallerIdentity, GetAccessKeyInfo, DecodeAuthorizationMessage; temporary credentials on IAM and
STS until they expire; the unsigned web identity call; every call recorded with STS's eventSource."""

import datetime
import json
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pyotp
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from django.utils import timezone

from access import crypto
from access.acting import Acting
from access.authorization import decide, describe_caller
from accounts.models import Account, AuditEvent, MFADevice, TemporaryCredential
from accounts.services.access_keys import access_key_create
from accounts.services.sts import (
    CHAINED_DURATION,
    EXPIRED,
    IAM_REFUSES_SESSION,
    MFA_FAILED,
    ROLE_DURATION,
    ROOT_CANNOT_ASSUME,
)
from aws.errors import AccessDenied
from policies.models import Role
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import AccountFactory, IAMUserFactory

from .conftest import NO_RETRIES, allow, client, error_of

pytestmark = pytest.mark.django_db(transaction=True)

STS_SOURCE = "sts.amazonaws.com"


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def keys_of(live_server, api_account):
    """keys_of(statements, name) → (user, STS client, IAM client): a user whose only policy holds
    `statements`, with clients signed by its access key (the STS client without boto3's own
    parameter checks: the server's ValidationError is the point)."""

    def make(statements, name):
        user = IAMUserFactory(account=api_account, name=name)
        root = Acting(account=api_account)
        if statements:
            inline_policy_put(name="sts-test", document=document(*statements), user=user, acting=root)
        key, secret = access_key_create(account=api_account, user=user, acting=root)
        return (
            user,
            client(live_server, key.access_key_id, secret, service="sts", parameter_validation=False),
            client(live_server, key.access_key_id, secret),
        )

    return make


def clients_of(live_server, credentials):
    """(STS client, IAM client) signed with temporary credentials."""
    key, secret, token = (credentials[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
    return (
        client(live_server, key, secret, service="sts", session_token=token),
        client(live_server, key, secret, session_token=token),
    )


def make_role(account, name, trust, *permissions, max_session_duration=3600):
    role = Role.objects.create(
        account=account, name=name, trust_policy=trust, max_session_duration=max_session_duration
    )
    if permissions:
        inline_policy_put(
            name="perms", document=document(*permissions), role=role, acting=Acting(account=account)
        )
    return role


def trusting(principal, *, actions=("sts:AssumeRole",), **extra):
    return document({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": list(actions), **extra})


def mfa_device(user, name):
    seed = pyotp.random_base32()
    device = MFADevice.objects.create(
        account=user.account,
        user=user,
        name=name,
        seed_encrypted=crypto.encrypt(seed),
        enabled_at=timezone.now(),
    )
    return device.serial_number, pyotp.TOTP(seed).now()


def events(name):
    return AuditEvent.objects.filter(event_name=name, event_source=STS_SOURCE)


# AssumeRole


def test_assume_role_answers_awss_shapes_and_its_credentials_work_at_once(live_server, api_account, keys_of):
    bob, sts, _ = keys_of([allow("sts:AssumeRole")], "bob")
    role = make_role(api_account, "reader", trusting(bob.arn), allow("iam:ListUsers"))

    before = timezone.now().replace(microsecond=0)
    answer = sts.assume_role(RoleArn=role.arn, RoleSessionName="bob-session", DurationSeconds=900)

    assert answer["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role.role_id}:bob-session",
        "Arn": f"arn:aws:sts::{api_account.id}:assumed-role/reader/bob-session",
    }
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    lifetime = credentials["Expiration"] - before
    assert datetime.timedelta(seconds=899) <= lifetime <= datetime.timedelta(seconds=905)
    assert "PackedPolicySize" not in answer and "SourceIdentity" not in answer

    session_sts, session_iam = clients_of(live_server, credentials)
    assert session_sts.get_caller_identity()["Arn"] == answer["AssumedRoleUser"]["Arn"]
    assert [u["UserName"] for u in session_iam.list_users()["Users"]] == ["bob"]
    error, status = error_of(session_iam.list_roles)
    assert (error["Code"], status) == ("AccessDenied", 403)

    event = events("AssumeRole").get()
    assert event.request_parameters["roleArn"] == role.arn
    assert event.request_parameters["durationSeconds"] == 900
    assert event.response_elements["credentials"]["accessKeyId"] == credentials["AccessKeyId"]
    assert event.user_identity["arn"] == bob.arn


def test_the_root_user_may_not_assume_a_role_even_one_that_trusts_its_account(
    live_server, api_account, root_keys
):
    role = make_role(api_account, "open", trusting(api_account.root_arn))
    error, status = error_of(
        client(live_server, *root_keys, service="sts").assume_role, RoleArn=role.arn, RoleSessionName="s1"
    )
    assert (error["Code"], error["Message"], status) == ("AccessDenied", ROOT_CANNOT_ASSUME, 403)
    assert not TemporaryCredential.objects.exists()


def test_an_untrusted_caller_is_refused_with_awss_message(api_account, keys_of):
    bob, sts, _ = keys_of([allow("sts:AssumeRole")], "bob")
    role = make_role(api_account, "private", trusting(f"arn:aws:iam::{api_account.id}:user/someone-else"))
    error, status = error_of(sts.assume_role, RoleArn=role.arn, RoleSessionName="s1")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {bob.arn} is not authorized to perform: sts:AssumeRole on resource: {role.arn} "
        "because no role trust policy allows the sts:AssumeRole action"
    )
    assert events("AssumeRole").get().error_code == "AccessDenied"
    assert not TemporaryCredential.objects.exists()


def test_the_trust_policy_sees_the_requests_region_and_source_ip(live_server, api_account, keys_of):
    """aws:RequestedRegion (the region the call was signed for) and aws:SourceIp are request keys
    every policy reads, the role's trust policy too."""
    bob, _, _ = keys_of([allow("sts:AssumeRole")], "bob")
    key, secret = access_key_create(account=api_account, user=bob, acting=Acting(account=api_account))
    west, east = (
        client(live_server, key.access_key_id, secret, service="sts", region=r)
        for r in ("us-west-2", "us-east-1")
    )
    regional = make_role(
        api_account,
        "west-only",
        trusting(bob.arn, Condition={"StringEquals": {"aws:RequestedRegion": "us-west-2"}}),
    )
    assert west.assume_role(RoleArn=regional.arn, RoleSessionName="s1")["Credentials"]["AccessKeyId"]
    error, _ = error_of(east.assume_role, RoleArn=regional.arn, RoleSessionName="s2")
    assert error["Code"] == "AccessDenied"
    for network, allowed in [("127.0.0.0/8", True), ("192.0.2.0/24", False)]:
        role = make_role(
            api_account,
            f"from-{allowed}",
            trusting(bob.arn, Condition={"IpAddress": {"aws:SourceIp": network}}),
        )
        if allowed:
            assert east.assume_role(RoleArn=role.arn, RoleSessionName="s3")["AssumedRoleUser"]
        else:
            assert (
                error_of(east.assume_role, RoleArn=role.arn, RoleSessionName="s4")[0]["Code"]
                == "AccessDenied"
            )


def test_a_sessions_calls_carry_the_region_they_were_signed_for(live_server, api_account, keys_of):
    bob, sts, _ = keys_of([allow("sts:AssumeRole")], "bob")
    in_east = allow("iam:ListUsers") | {"Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}
    role = make_role(api_account, "east-reader", trusting(bob.arn), in_east)
    credentials = sts.assume_role(RoleArn=role.arn, RoleSessionName="s1")["Credentials"]
    key, secret, token = (credentials[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
    assert client(live_server, key, secret, session_token=token).list_users()["Users"]
    elsewhere = client(live_server, key, secret, session_token=token, region="eu-west-1")
    assert error_of(elsewhere.list_users)[0]["Code"] == "AccessDenied"


def test_durations_are_bounded_by_the_model_the_role_and_role_chaining(live_server, api_account, keys_of):
    bob, sts, _ = keys_of([allow("sts:AssumeRole")], "bob")
    first = make_role(
        api_account, "first", trusting(bob.arn), allow("sts:AssumeRole"), max_session_duration=43200
    )
    second = make_role(
        api_account,
        "second",
        trusting(f"arn:aws:iam::{api_account.id}:role/first"),
        max_session_duration=43200,
    )

    error, status = error_of(sts.assume_role, RoleArn=first.arn, RoleSessionName="s1", DurationSeconds=100)
    assert (error["Code"], status) == ("ValidationError", 400)
    assert error["Message"] == (
        "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: "
        "Member must have value greater than or equal to 900"
    )
    short = make_role(api_account, "short", trusting(bob.arn))
    error, _ = error_of(sts.assume_role, RoleArn=short.arn, RoleSessionName="s1", DurationSeconds=7200)
    assert (error["Code"], error["Message"]) == ("ValidationError", ROLE_DURATION)

    answer = sts.assume_role(RoleArn=first.arn, RoleSessionName="s1", DurationSeconds=7200)
    chained_sts, _ = clients_of(live_server, answer["Credentials"])
    error, _ = error_of(
        chained_sts.assume_role, RoleArn=second.arn, RoleSessionName="s2", DurationSeconds=7200
    )
    assert (error["Code"], error["Message"]) == ("ValidationError", CHAINED_DURATION)
    chained = chained_sts.assume_role(RoleArn=second.arn, RoleSessionName="s2", DurationSeconds=3600)
    assert chained["AssumedRoleUser"]["Arn"].endswith(":assumed-role/second/s2")


def test_the_external_id_must_match_the_trust_policys(api_account, keys_of):
    bob, sts, _ = keys_of([allow("sts:AssumeRole")], "bob")
    condition = {"Condition": {"StringEquals": {"sts:ExternalId": "partner-123"}}}
    role = make_role(api_account, "partner", trusting(bob.arn, **condition))

    for external_id in ("wrong-id", None):
        kwargs = {"ExternalId": external_id} if external_id else {}
        error, status = error_of(sts.assume_role, RoleArn=role.arn, RoleSessionName="s1", **kwargs)
        assert (error["Code"], status) == ("AccessDenied", 403)
        assert error["Message"].startswith(f"User: {bob.arn} is not authorized to perform: sts:AssumeRole")
    assert sts.assume_role(RoleArn=role.arn, RoleSessionName="s1", ExternalId="partner-123")["Credentials"]


def test_a_role_that_requires_mfa_takes_a_valid_code_only(live_server, api_account, keys_of):
    bob, sts, _ = keys_of([allow("sts:AssumeRole")], "bob")
    condition = {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
    role = make_role(api_account, "guarded", trusting(bob.arn, **condition))
    serial, code = mfa_device(bob, "bob-phone")

    error, _ = error_of(sts.assume_role, RoleArn=role.arn, RoleSessionName="s1")
    assert error["Code"] == "AccessDenied"
    wrong = "000000" if code != "000000" else "111111"
    error, status = error_of(
        sts.assume_role, RoleArn=role.arn, RoleSessionName="s1", SerialNumber=serial, TokenCode=wrong
    )
    assert (error["Code"], error["Message"], status) == ("AccessDenied", MFA_FAILED, 403)

    answer = sts.assume_role(RoleArn=role.arn, RoleSessionName="s1", SerialNumber=serial, TokenCode=code)
    assert TemporaryCredential.objects.get(
        access_key_id=answer["Credentials"]["AccessKeyId"]
    ).mfa_authenticated
    assert events("AssumeRole").get(error_code="").request_parameters["serialNumber"] == serial


def test_session_policies_narrow_the_sessions_permissions(live_server, api_account, keys_of, iam):
    bob, sts, _ = keys_of([allow("sts:AssumeRole")], "bob")
    role = make_role(
        api_account, "wide", trusting(bob.arn), allow("iam:ListUsers", "iam:ListRoles", "iam:ListGroups")
    )
    managed = iam.create_policy(PolicyName="groups-only", PolicyDocument=document(allow("iam:ListGroups")))

    answer = sts.assume_role(
        RoleArn=role.arn, RoleSessionName="narrow", Policy=document(allow("iam:ListUsers", "iam:ListGroups"))
    )
    assert 0 < answer["PackedPolicySize"] <= 100
    _, session_iam = clients_of(live_server, answer["Credentials"])
    assert session_iam.list_users()["Users"]
    error, _ = error_of(session_iam.list_roles)
    assert error["Code"] == "AccessDenied"
    assert error["Message"].endswith("because no session policy allows the iam:ListRoles action")

    # A managed session policy narrows too: only what both the role and the policy allow.
    answer = sts.assume_role(
        RoleArn=role.arn, RoleSessionName="managed", PolicyArns=[{"arn": managed["Policy"]["Arn"]}]
    )
    _, session_iam = clients_of(live_server, answer["Credentials"])
    assert session_iam.list_groups()["Groups"] == []
    assert error_of(session_iam.list_users)[0]["Code"] == "AccessDenied"


def test_a_session_policy_may_omit_its_version_as_an_inline_policy_may(live_server, api_account, keys_of):
    """Without Version a session policy is read as 2008-10-17 (STS's Policy predates 2012-10-17); only
    CreatePolicy insists on the current version. It still narrows the session."""
    actions = ("sts:AssumeRole", "sts:GetFederationToken", "iam:ListUsers", "iam:CreatePolicy")
    bob, sts, iam = keys_of([allow(*actions)], "bob")
    role = make_role(api_account, "wide", trusting(bob.arn), allow("iam:ListUsers", "iam:ListRoles"))
    versionless = json.dumps({"Statement": [allow("iam:ListUsers")]})

    answer = sts.assume_role(RoleArn=role.arn, RoleSessionName="old-style", Policy=versionless)
    _, session_iam = clients_of(live_server, answer["Credentials"])
    assert session_iam.list_users()["Users"]
    assert error_of(session_iam.list_roles)[0]["Code"] == "AccessDenied"
    assert sts.get_federation_token(Name="partner", Policy=versionless)["FederatedUser"]

    error, status = error_of(
        sts.assume_role,
        RoleArn=role.arn,
        RoleSessionName="s1",
        Policy=document(allow("iam:ListUsers") | {"Principal": "*"}),
    )
    assert (error["Code"], error["Message"], status) == (
        "MalformedPolicyDocument",
        "Policy document should not specify a principal.",
        400,
    )
    error, _ = error_of(iam.create_policy, PolicyName="old-style", PolicyDocument=versionless)
    assert (error["Code"], error["Message"]) == (
        "MalformedPolicyDocument",
        "Policy document must be version 2012-10-17 or greater.",
    )


def test_session_tags_source_identity_and_transitive_tags_follow_the_chain(live_server, api_account, keys_of):
    bob, sts, _ = keys_of([allow("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")], "bob")
    actions = ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")
    first = make_role(api_account, "first", trusting(bob.arn, actions=actions), allow(*actions))
    # The second role lets in only sessions tagged team=blue: the tag must come down the chain.
    blue = {"Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}
    second = make_role(
        api_account, "second", trusting(f"arn:aws:iam::{api_account.id}:role/first", actions=actions, **blue)
    )

    answer = sts.assume_role(
        RoleArn=first.arn,
        RoleSessionName="tagged",
        Tags=[{"Key": "team", "Value": "blue"}, {"Key": "desk", "Value": "7"}],
        TransitiveTagKeys=["team"],
        SourceIdentity="bob-at-corp",
    )
    assert answer["SourceIdentity"] == "bob-at-corp"
    assert answer["PackedPolicySize"] > 0
    chained_sts, _ = clients_of(live_server, answer["Credentials"])
    chained = chained_sts.assume_role(RoleArn=second.arn, RoleSessionName="next")

    credential = TemporaryCredential.objects.get(access_key_id=chained["Credentials"]["AccessKeyId"])
    assert credential.session_tags == [{"Key": "team", "Value": "blue"}]  # desk was not transitive
    assert credential.transitive_tag_keys == ["team"]
    assert chained["SourceIdentity"] == "bob-at-corp"
    recorded = {event.request_parameters["roleSessionName"]: event for event in events("AssumeRole")}
    assert recorded["tagged"].request_parameters["transitiveTagKeys"] == ["team"]


def test_expired_credentials_are_refused_with_awss_message(live_server, api_account, keys_of):
    bob, sts, _ = keys_of([allow("sts:AssumeRole")], "bob")
    role = make_role(api_account, "reader", trusting(bob.arn), allow("iam:ListUsers"))
    answer = sts.assume_role(RoleArn=role.arn, RoleSessionName="s1")
    session_sts, session_iam = clients_of(live_server, answer["Credentials"])
    assert session_iam.list_users()

    TemporaryCredential.objects.filter(access_key_id=answer["Credentials"]["AccessKeyId"]).update(
        expiration=timezone.now() - datetime.timedelta(seconds=1)
    )
    for call in (session_iam.list_users, session_sts.get_caller_identity):
        error, status = error_of(call)
        assert (error["Code"], error["Message"], status) == ("ExpiredToken", EXPIRED, 400)


# GetSessionToken


def test_session_token_credentials_call_iam_only_with_mfa(live_server, api_account, keys_of):
    bob, sts, _ = keys_of([allow("iam:ListUsers", "sts:AssumeRole")], "bob")
    role = make_role(api_account, "reader", trusting(bob.arn))

    plain = sts.get_session_token(DurationSeconds=900)["Credentials"]
    plain_sts, plain_iam = clients_of(live_server, plain)
    error, status = error_of(plain_iam.list_users)
    assert (error["Code"], error["Message"], status) == ("InvalidClientTokenId", IAM_REFUSES_SESSION, 403)
    assert plain_sts.get_caller_identity()["Arn"] == bob.arn
    # Of STS, GetSessionToken's credentials may call AssumeRole (and GetCallerIdentity) only.
    assert plain_sts.assume_role(RoleArn=role.arn, RoleSessionName="s1")["AssumedRoleUser"]
    error, _ = error_of(plain_sts.get_federation_token, Name="partner")
    assert (error["Code"], error["Message"]) == (
        "AccessDenied",
        "Cannot call GetFederationToken with session credentials",
    )
    error, _ = error_of(plain_sts.get_session_token)
    assert (error["Code"], error["Message"]) == (
        "AccessDenied",
        "Cannot call GetSessionToken with session credentials",
    )

    serial, code = mfa_device(bob, "bob-phone")
    error, _ = error_of(
        sts.get_session_token, SerialNumber=serial, TokenCode="000000" if code != "000000" else "111111"
    )
    assert (error["Code"], error["Message"]) == ("AccessDenied", MFA_FAILED)
    with_mfa = sts.get_session_token(SerialNumber=serial, TokenCode=code)["Credentials"]
    _, mfa_iam = clients_of(live_server, with_mfa)
    assert [u["UserName"] for u in mfa_iam.list_users()["Users"]] == ["bob"]

    error, _ = error_of(sts.get_session_token, DurationSeconds=129601)
    assert error["Code"] == "ValidationError"
    assert events("GetSessionToken").filter(error_code="").count() == 2


# GetFederationToken


def test_federation_tokens_call_no_iam_and_of_sts_only_get_caller_identity(live_server, api_account, keys_of):
    bob, sts, _ = keys_of([allow("sts:GetFederationToken", "iam:ListUsers", "sts:AssumeRole")], "bob")
    answer = sts.get_federation_token(
        Name="partner", Policy=document(allow("iam:ListUsers")), DurationSeconds=900
    )

    assert answer["FederatedUser"] == {
        "FederatedUserId": f"{api_account.id}:partner",
        "Arn": f"arn:aws:sts::{api_account.id}:federated-user/partner",
    }
    assert answer["PackedPolicySize"] > 0
    federated_sts, federated_iam = clients_of(live_server, answer["Credentials"])
    assert federated_sts.get_caller_identity() | {"ResponseMetadata": None} == {
        "UserId": f"{api_account.id}:partner",
        "Account": api_account.id,
        "Arn": answer["FederatedUser"]["Arn"],
        "ResponseMetadata": None,
    }
    error, status = error_of(federated_iam.list_users)
    assert (error["Code"], error["Message"], status) == ("InvalidClientTokenId", IAM_REFUSES_SESSION, 403)
    role = make_role(api_account, "reader", trusting(bob.arn))
    error, _ = error_of(federated_sts.assume_role, RoleArn=role.arn, RoleSessionName="s1")
    assert (error["Code"], error["Message"]) == (
        "AccessDenied",
        "Cannot call AssumeRole with session credentials",
    )

    event = events("GetFederationToken").get()
    assert event.response_elements["federatedUser"]["arn"] == answer["FederatedUser"]["Arn"]
    assert event.user_identity["arn"] == bob.arn
    caller_event = events("GetCallerIdentity").get()
    assert caller_event.user_identity["type"] == "FederatedUser"
    assert caller_event.user_identity["sessionContext"]["sessionIssuer"]["arn"] == bob.arn


def test_get_federation_token_needs_permission_and_long_term_keys(live_server, api_account, keys_of):
    carol, sts, _ = keys_of([allow("sts:AssumeRole")], "carol")
    error, status = error_of(sts.get_federation_token, Name="partner")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {carol.arn} is not authorized to perform: sts:GetFederationToken on resource: "
        f"arn:aws:sts::{api_account.id}:federated-user/partner because no identity-based policy allows "
        "the sts:GetFederationToken action"
    )
    role = make_role(api_account, "reader", trusting(carol.arn), allow("sts:GetFederationToken"))
    session_sts, _ = clients_of(
        live_server, sts.assume_role(RoleArn=role.arn, RoleSessionName="s1")["Credentials"]
    )
    error, _ = error_of(session_sts.get_federation_token, Name="partner")
    assert (error["Code"], error["Message"]) == (
        "AccessDenied",
        "Cannot call GetFederationToken with session credentials",
    )
    error, _ = error_of(sts.get_federation_token, Name="no spaces")
    assert error["Code"] == "ValidationError"


# GetCallerIdentity, GetAccessKeyInfo, DecodeAuthorizationMessage


def test_get_caller_identity_answers_even_under_an_explicit_deny(
    live_server, api_account, keys_of, root_keys
):
    deny_all = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    dana, sts, _ = keys_of([deny_all], "dana")
    assert sts.get_caller_identity()["Arn"] == dana.arn
    assert sts.get_caller_identity()["UserId"] == dana.user_id
    root = client(live_server, *root_keys, service="sts").get_caller_identity()
    assert (root["Arn"], root["UserId"], root["Account"]) == (
        api_account.root_arn,
        api_account.id,
        api_account.id,
    )
    assert events("GetCallerIdentity").count() == 3


def test_an_scp_that_denies_everything_refuses_assume_role_but_not_get_caller_identity(
    live_server, root_keys
):
    orgs = client(live_server, *root_keys, service="organizations")
    orgs.create_organization(FeatureSet="ALL")
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    created = orgs.create_account(Email="wl@example.com", AccountName="Workload")["CreateAccountStatus"]
    member = Account.objects.get(pk=created["AccountId"])
    mallory = IAMUserFactory(account=member, name="mallory")
    inline_policy_put(name="all", document=document(allow("*")), user=mallory, acting=Acting(account=member))
    key, secret = access_key_create(account=member, user=mallory, acting=Acting(account=member))
    sts = client(live_server, key.access_key_id, secret, service="sts")
    role = make_role(member, "reader", trusting(mallory.arn), allow("iam:ListUsers"))
    session_sts, session_iam = clients_of(
        live_server, sts.assume_role(RoleArn=role.arn, RoleSessionName="before")["Credentials"]
    )
    assert session_iam.list_users()["Users"]

    deny_all = document({"Effect": "Deny", "Action": "*", "Resource": "*"})
    policy = orgs.create_policy(
        Name="deny-all", Description="", Type="SERVICE_CONTROL_POLICY", Content=deny_all
    )
    orgs.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=member.id)

    error, status = error_of(sts.assume_role, RoleArn=role.arn, RoleSessionName="after")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {mallory.arn} is not authorized to perform: sts:AssumeRole on resource: {role.arn} "
        "with an explicit deny in a service control policy"
    )
    assert error_of(session_iam.list_users)[0]["Code"] == "AccessDenied"
    # GetCallerIdentity answers whatever the policies say, the SCP's too.
    assert sts.get_caller_identity()["Arn"] == mallory.arn
    assert session_sts.get_caller_identity()["Arn"] == f"arn:aws:sts::{member.id}:assumed-role/reader/before"


def test_get_access_key_info_names_the_keys_account(live_server, api_account, keys_of):
    _, sts, _ = keys_of([], "erin")
    other = AccountFactory()
    key, _ = access_key_create(account=other, user=None, acting=Acting(account=other))
    assert sts.get_access_key_info(AccessKeyId=key.access_key_id)["Account"] == other.id
    assert events("GetAccessKeyInfo").get().request_parameters == {"accessKeyId": key.access_key_id}


def test_decode_authorization_message(live_server, api_account, keys_of):
    frank, sts, iam = keys_of([allow("sts:DecodeAuthorizationMessage")], "frank")
    _, plain_sts, _ = keys_of([], "gina")
    # IAM's and STS's refusals carry no encoded message; other services' do. One made here:
    now = timezone.now()
    with pytest.raises(AccessDenied) as denied:
        decide(
            caller=describe_caller(frank, now=now), action="s3:ListBucket", resource="arn:aws:s3:::b", now=now
        )
    encoded = denied.value.encoded_message
    assert "Encoded authorization failure message" not in error_of(iam.list_roles)[0]["Message"]

    decoded = json.loads(sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["context"]["action"] == "s3:ListBucket"
    assert decoded["allowed"] is False
    error, status = error_of(sts.decode_authorization_message, EncodedMessage="not-ours")
    assert (error["Code"], status) == ("InvalidAuthorizationMessageException", 400)
    error, _ = error_of(plain_sts.decode_authorization_message, EncodedMessage=encoded)
    assert error["Code"] == "AccessDenied"
    assert "sts:DecodeAuthorizationMessage" in error["Message"]


# The protocol: STS's namespace, unknown operations, unsigned calls


def test_sts_errors_are_written_in_stss_namespace(live_server):
    form = {
        "Action": "AssumeRoleWithWebIdentity",
        "Version": "2011-06-15",
        "RoleArn": "arn:aws:iam::123456789012:role/web",
        "RoleSessionName": "web",
        "WebIdentityToken": "not-a-jwt",
    }
    request = urllib.request.Request(live_server.url + "/", data=urllib.parse.urlencode(form).encode())
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 — the live server's own URL
    assert caught.value.code == 403  # no such role here: refused as an untrusting one
    assert (
        caught.value.read()
        .decode()
        .startswith(
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
            "<Code>AccessDenied</Code>"
        )
    )


def test_unsigned_calls_other_than_the_federation_ones_need_a_signature(live_server):
    anonymous = boto3.client(
        "sts",
        endpoint_url=live_server.url,
        region_name="us-east-1",
        config=NO_RETRIES.merge(Config(signature_version=UNSIGNED)),
    )
    error, status = error_of(anonymous.get_caller_identity)
    assert (error["Code"], status) == ("MissingAuthenticationToken", 403)


def test_an_sts_operation_without_a_handler_is_an_invalid_action(live_server, root_keys):
    sts = client(live_server, *root_keys, service="sts")
    error, status = error_of(
        sts.assume_root,
        TargetPrincipal="123456789012",
        TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"},
    )
    assert (error["Code"], status) == ("InvalidAction", 400)
    assert error["Message"] == "Could not find operation AssumeRoot for version 2011-06-15"
