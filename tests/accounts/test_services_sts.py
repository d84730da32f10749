"""STS through its services: AssumeRole decided by the engine (trust policy as the resource policy),
GetSessionToken, GetCallerIdentity, GetAccessKeyInfo, DecodeAuthorizationMessage, expiry, revocation."""

import datetime
import json

import pyotp
import pytest
from django.utils import timezone

from access import crypto
from access.acting import Acting
from access.authorization import is_allowed
from accounts.models import AuditEvent, MFADevice, TemporaryCredential
from accounts.services import sts
from aws.errors import (
    AccessDenied,
    ExpiredToken,
    InvalidAuthorizationMessage,
    InvalidClientTokenId,
    MalformedPolicyDocument,
    NoSuchEntity,
    PackedPolicyTooLarge,
    ValidationError,
)
from policies.engine import evaluate
from policies.flows import revoke_role_sessions
from policies.models import InlinePolicy, ManagedPolicy, PolicyVersion, Role
from policies.selectors.permissions import policies_in_play

from .factories import IAMUserFactory

ALLOW_ASSUME_ANY = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
ALLOW_S3 = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust_of(principal, **extra):
    return doc({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole", **extra})


def make_role(account, name="target", trust="", max_session_duration=3600):
    return Role.objects.create(
        account=account, name=name, trust_policy=trust, max_session_duration=max_session_duration
    )


def allow_inline(user=None, role=None, statement=ALLOW_ASSUME_ANY, name="allow"):
    return InlinePolicy.objects.create(user=user, role=role, name=name, document=doc(statement))


@pytest.fixture
def clock(monkeypatch):
    class Frozen:
        now = timezone.now().replace(microsecond=0)

        def move(self, seconds):
            self.now += datetime.timedelta(seconds=seconds)

    frozen = Frozen()
    monkeypatch.setattr(sts, "_now", lambda: frozen.now)
    return frozen


@pytest.fixture
def bob_acting(account, bob):
    return Acting(account=account, user=bob, source_ip="198.51.100.7", user_agent="pytest")


def mfa_device(account, user, name="bob-phone"):
    seed = pyotp.random_base32()
    device = MFADevice.objects.create(
        account=account,
        user=user,
        name=name,
        seed_encrypted=crypto.encrypt(seed),
        enabled_at=timezone.now(),
    )
    return device, seed


def assume(caller, role_arn, acting, **kwargs):
    kwargs.setdefault("role_session_name", "bob-session")
    return sts.assume_role(caller=caller, role_arn=role_arn, acting=acting, **kwargs)


# AssumeRole: the allowed/denied matrix. `trust` is a function of (bob, his account, charlie's
# account); `identity` says whether bob has a policy allowing sts:AssumeRole on every resource.

EXTERNAL_ID_CONDITION = {"Condition": {"StringEquals": {"sts:ExternalId": "x-123456"}}}
MFA_CONDITION = {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
NO_IDENTITY_ALLOW = "because no identity-based policy allows the sts:AssumeRole action"
NO_TRUST_ALLOW = "because no role trust policy allows the sts:AssumeRole action"


@pytest.mark.parametrize(
    ("case", "role_owner", "trust", "identity", "kwargs", "expected"),
    [
        ("trust names the user", "same", lambda b, a, c: trust_of(b.arn), False, {}, None),
        (
            "trust names the account root only",
            "same",
            lambda b, a, c: trust_of(a.root_arn),
            False,
            {},
            NO_IDENTITY_ALLOW,
        ),
        ("account root plus identity policy", "same", lambda b, a, c: trust_of(a.root_arn), True, {}, None),
        ("trust names the account ID", "same", lambda b, a, c: trust_of(a.id), True, {}, None),
        (
            "trust names someone else",
            "same",
            lambda b, a, c: trust_of(f"arn:aws:iam::{a.id}:user/eve"),
            True,
            {},
            NO_TRUST_ALLOW,
        ),
        ("cross-account, both sides allow", "other", lambda b, a, c: trust_of(a.root_arn), True, {}, None),
        (
            "cross-account, no identity policy",
            "other",
            lambda b, a, c: trust_of(a.root_arn),
            False,
            {},
            NO_IDENTITY_ALLOW,
        ),
        (
            "cross-account, trust names the user, no identity policy",
            "other",
            lambda b, a, c: trust_of(b.arn),
            False,
            {},
            NO_IDENTITY_ALLOW,
        ),
        (
            "cross-account, trust names only its own account",
            "other",
            lambda b, a, c: trust_of(c.root_arn),
            True,
            {},
            NO_TRUST_ALLOW,
        ),
        (
            "external ID given",
            "other",
            lambda b, a, c: trust_of(a.root_arn, **EXTERNAL_ID_CONDITION),
            True,
            {"external_id": "x-123456"},
            None,
        ),
        (
            "external ID missing",
            "other",
            lambda b, a, c: trust_of(a.root_arn, **EXTERNAL_ID_CONDITION),
            True,
            {},
            NO_TRUST_ALLOW,
        ),
        (
            "external ID wrong",
            "other",
            lambda b, a, c: trust_of(a.root_arn, **EXTERNAL_ID_CONDITION),
            True,
            {"external_id": "x-999999"},
            NO_TRUST_ALLOW,
        ),
        (
            "MFA required, no code",
            "same",
            lambda b, a, c: trust_of(b.arn, **MFA_CONDITION),
            False,
            {},
            NO_TRUST_ALLOW,
        ),
        (
            "MFA required, verified code",
            "same",
            lambda b, a, c: trust_of(b.arn, **MFA_CONDITION),
            False,
            {"mfa": True},
            None,
        ),
    ],
)
def test_assume_role_matrix(
    account, charlie_account, bob, bob_acting, case, role_owner, trust, identity, kwargs, expected
):
    owner = account if role_owner == "same" else charlie_account
    role = make_role(owner, trust=trust(bob, account, charlie_account))
    if identity:
        allow_inline(user=bob)
    kwargs = dict(kwargs)
    if kwargs.pop("mfa", False):
        device, seed = mfa_device(account, bob)
        kwargs.update(serial_number=device.serial_number, token_code=pyotp.TOTP(seed).now())
    if expected is None:
        issued = assume(bob, role.arn, bob_acting, **kwargs)
        credential = issued.credential
        assert credential.role == role and credential.account_id == owner.id
        assert credential.arn == f"arn:aws:sts::{owner.id}:assumed-role/target/bob-session"
        assert credential.principal_id == f"{role.role_id}:bob-session"
        assert credential.mfa_authenticated is ("token_code" in kwargs)
    else:
        with pytest.raises(AccessDenied) as denied:
            assume(bob, role.arn, bob_acting, **kwargs)
        assert denied.value.message == (
            f"User: {bob.arn} is not authorized to perform: sts:AssumeRole on resource: {role.arn} {expected}"
        )
        assert not TemporaryCredential.objects.exists()


def test_a_wrong_mfa_code_is_refused_with_awss_message(account, bob, bob_acting):
    role = make_role(account, trust=trust_of(bob.arn))
    device, seed = mfa_device(account, bob)
    with pytest.raises(
        AccessDenied, match="MultiFactorAuthentication failed with invalid MFA one time pass code"
    ):
        assume(bob, role.arn, bob_acting, serial_number=device.serial_number, token_code="000000")


def test_a_missing_role_is_refused_like_an_untrusted_one(account, bob, bob_acting):
    arn = f"arn:aws:iam::{account.id}:role/nothing"
    with pytest.raises(AccessDenied) as denied:
        assume(bob, arn, bob_acting)
    assert (
        denied.value.message
        == f"User: {bob.arn} is not authorized to perform: sts:AssumeRole on resource: {arn}"
    )


def test_root_cannot_assume_roles(account, root_acting):
    role = make_role(account, trust=trust_of(account.root_arn))
    with pytest.raises(AccessDenied, match="Roles may not be assumed by root accounts."):
        assume(account, role.arn, root_acting)


def _length(field, value, bound):
    return f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must {bound}"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"role_session_name": "x"},
            ValidationError,
            _length("roleSessionName", "x", "have length greater than or equal to 2"),
        ),
        (
            {"role_session_name": "s" * 65},
            ValidationError,
            _length("roleSessionName", "s" * 65, "have length less than or equal to 64"),
        ),
        (
            {"role_session_name": "bad name"},
            ValidationError,
            _length("roleSessionName", "bad name", "satisfy regular expression pattern: [\\w+=,.@-]*"),
        ),
        (
            {"duration_seconds": 899},
            ValidationError,
            _length("durationSeconds", 899, "have value greater than or equal to 900"),
        ),
        (
            {"duration_seconds": 43201},
            ValidationError,
            _length("durationSeconds", 43201, "have value less than or equal to 43200"),
        ),
        (
            {"duration_seconds": 7200},
            ValidationError,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ),
        (
            {"policy": doc({**ALLOW_S3, "Sid": "x" * 2100})},
            ValidationError,
            "Member must have length less than or equal to 2048",
        ),
        ({"policy": "{not json"}, MalformedPolicyDocument, ""),
        (
            {"tags": [{"Key": f"k{n}", "Value": "v"} for n in range(51)]},
            ValidationError,
            "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
        ),
        (
            {"source_identity": "b"},
            ValidationError,
            _length("sourceIdentity", "b", "have length greater than or equal to 2"),
        ),
        (
            {"source_identity": "s" * 65},
            ValidationError,
            _length("sourceIdentity", "s" * 65, "have length less than or equal to 64"),
        ),
        (
            {"source_identity": "bob smith"},
            ValidationError,
            _length("sourceIdentity", "bob smith", "satisfy regular expression pattern: [\\w+=,.@-]*"),
        ),
        (
            {"external_id": "x"},
            ValidationError,
            _length("externalId", "x", "have length greater than or equal to 2"),
        ),
        (
            {"external_id": "e" * 1225},
            ValidationError,
            _length("externalId", "e" * 1225, "have length less than or equal to 1224"),
        ),
        (
            {"external_id": "x-123 456"},
            ValidationError,
            _length("externalId", "x-123 456", "satisfy regular expression pattern: [\\w+=,.@:\\/-]*"),
        ),
        (
            {"policy_arns": [f"arn:aws:iam::aws:policy/P{n}" for n in range(11)]},
            ValidationError,
            "at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10",
        ),
        (
            {
                "policy": doc(*[{**ALLOW_S3, "Sid": f"S{n}"} for n in range(24)]),
                "policy_arns": [
                    f"arn:aws:iam::aws:policy/service-role/AWSLongPolicyName{n}" for n in range(10)
                ],
            },
            PackedPolicyTooLarge,
            "Packed policy consumes",
        ),
    ],
)
def test_assume_role_validation_messages(account, bob, bob_acting, kwargs, error, message):
    role = make_role(account, trust=trust_of(bob.arn))
    with pytest.raises(error) as refused:
        assume(bob, role.arn, bob_acting, **kwargs)
    assert message in refused.value.message
    assert not TemporaryCredential.objects.exists()


def test_session_policies_tags_and_source_identity_are_stored(account, bob, bob_acting):
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": bob.arn},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        }
    )
    role = make_role(account, trust=trust)
    policy = doc(ALLOW_S3)
    issued = assume(
        bob,
        role.arn,
        bob_acting,
        policy=policy,
        policy_arns=["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        tags=[{"Key": "team", "Value": "red"}],
        source_identity="bob",
    )
    credential = TemporaryCredential.objects.get(pk=issued.credential.pk)
    assert credential.session_policy == policy
    assert credential.session_policy_arns == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert credential.session_tags == [{"Key": "team", "Value": "red"}]
    assert credential.source_identity == "bob"
    assert issued.packed_policy_size is not None


def test_a_source_identity_needs_sts_set_source_identity_in_the_trust_policy(account, bob, bob_acting):
    role = make_role(account, trust=trust_of(bob.arn))

    with pytest.raises(AccessDenied) as denied:
        assume(bob, role.arn, bob_acting, source_identity="bob")

    assert denied.value.message == (
        f"User: {bob.arn} is not authorized to perform: sts:SetSourceIdentity on resource: {role.arn} "
        "because no role trust policy allows the sts:SetSourceIdentity action"
    )
    assert not TemporaryCredential.objects.exists()


def test_a_chained_session_keeps_its_source_identity_and_cannot_change_it(account, bob, bob_acting):
    actions = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    first = make_role(
        account,
        name="first",
        trust=doc({"Effect": "Allow", "Principal": {"AWS": bob.arn}, "Action": actions}),
    )
    session = assume(bob, first.arn, bob_acting, source_identity="bob").credential
    second = make_role(
        account,
        name="second",
        trust=doc({"Effect": "Allow", "Principal": {"AWS": first.arn}, "Action": actions}),
    )
    acting = sts.session_acting(session)

    with pytest.raises(AccessDenied) as denied:
        assume(session, second.arn, acting, role_session_name="chained", source_identity="mallory")

    assert (denied.value.code, denied.value.message) == (
        "AccessDenied",
        f"User: {session.arn} is not authorized to perform: sts:SetSourceIdentity on resource: {second.arn}",
    )
    assert not TemporaryCredential.objects.filter(role=second).exists()
    # Naming the same identity, or none, passes; the chained session carries it on.
    same = assume(session, second.arn, acting, role_session_name="same", source_identity="bob").credential
    inherited = assume(session, second.arn, acting, role_session_name="inherited").credential
    assert (same.source_identity, inherited.source_identity) == ("bob", "bob")


def test_session_tags_need_sts_tag_session_in_the_trust_policy(account, bob, bob_acting):
    role = make_role(account, trust=trust_of(bob.arn))
    with pytest.raises(AccessDenied, match="sts:TagSession"):
        assume(bob, role.arn, bob_acting, tags=[{"Key": "team", "Value": "red"}])


def test_issued_credentials_have_awss_shapes_and_secrets_are_not_stored_plain(account, bob, bob_acting):
    role = make_role(account, trust=trust_of(bob.arn))
    issued = assume(bob, role.arn, bob_acting, duration_seconds=900)
    aws = issued.as_aws()
    assert aws["AccessKeyId"].startswith("ASIA") and len(aws["AccessKeyId"]) == 20
    assert len(aws["SecretAccessKey"]) == 40
    credential = issued.credential
    assert credential.expiration - credential.issued_at == datetime.timedelta(seconds=900)
    assert aws["SecretAccessKey"] not in credential.secret_encrypted
    assert sts.credentials_secret(credential) == aws["SecretAccessKey"]
    assert aws["SessionToken"] not in credential.session_token_hash
    assert (
        sts.credentials_lookup(access_key_id=aws["AccessKeyId"], session_token=aws["SessionToken"])
        == credential
    )
    with pytest.raises(InvalidClientTokenId):
        sts.credentials_lookup(access_key_id=aws["AccessKeyId"], session_token="forged")


# Role chaining


@pytest.fixture
def first_session(account, bob, bob_acting):
    first = make_role(account, name="first", trust=trust_of(bob.arn))
    return assume(bob, first.arn, bob_acting).credential


def test_role_chaining_is_limited_to_one_hour(account, first_session):
    second = make_role(account, name="second", trust=trust_of(first_session.arn), max_session_duration=43200)
    acting = sts.session_acting(first_session)
    with pytest.raises(ValidationError) as refused:
        assume(first_session, second.arn, acting, duration_seconds=7200)
    assert refused.value.message == (
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    )
    chained = assume(first_session, second.arn, acting, duration_seconds=3600).credential
    assert chained.chained and chained.issuer_arn == first_session.arn


def test_a_role_trusted_by_role_arn_accepts_its_sessions(account, first_session):
    second = make_role(account, name="second", trust=trust_of(first_session.role.arn))
    chained = assume(first_session, second.arn, sts.session_acting(first_session)).credential
    assert chained.role == second


def test_a_chained_call_is_bounded_by_the_sessions_policies(account, bob, bob_acting):
    first = make_role(account, name="first", trust=trust_of(bob.arn))
    allow_inline(role=first)  # the role may assume any role…
    second = make_role(account, name="second", trust=trust_of(account.root_arn))
    free = assume(bob, first.arn, bob_acting, role_session_name="free").credential
    assert assume(free, second.arn, sts.session_acting(free)).credential.role == second
    # …but a session policy that allows only S3 takes that away.
    bounded = assume(bob, first.arn, bob_acting, role_session_name="bounded", policy=doc(ALLOW_S3)).credential
    with pytest.raises(AccessDenied, match="because no session policy allows the sts:AssumeRole action"):
        assume(bounded, second.arn, sts.session_acting(bounded))


# Expiry and revocation


def test_expired_credentials_stop_working(account, bob, bob_acting, clock):
    first = make_role(account, name="first", trust=trust_of(bob.arn))
    second = make_role(
        account, name="second", trust=trust_of(f"arn:aws:sts::{account.id}:assumed-role/first/ss")
    )
    credential = assume(bob, first.arn, bob_acting, role_session_name="ss", duration_seconds=900).credential
    clock.move(899)
    assert sts.credentials_lookup(access_key_id=credential.access_key_id) == credential
    assert sts.get_caller_identity(credentials_or_user=credential)["Arn"] == credential.arn
    clock.move(1)
    with pytest.raises(ExpiredToken, match="^The security token included in the request is expired$"):
        sts.credentials_lookup(access_key_id=credential.access_key_id)
    with pytest.raises(ExpiredToken):
        assume(credential, second.arn, sts.session_acting(credential))
    with pytest.raises(ExpiredToken):
        sts.get_caller_identity(credentials_or_user=credential)


def _role_decision(role, credential, now):
    in_play = policies_in_play(role=role)
    return evaluate(
        {
            "principal": credential.arn,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/q3.csv",
            "context": {
                "aws:PrincipalArn": role.arn,
                "aws:TokenIssueTime": sts._iso(credential.issued_at),
                "aws:CurrentTime": sts._iso(now),
            },
            "identityPolicies": [json.loads(document) for *_, document in in_play["identity"]],
        }
    )["decision"]


def test_revoke_sessions_denies_sessions_issued_before_it(account, bob, bob_acting, root_acting, clock):
    role = make_role(account, trust=trust_of(bob.arn))
    allow_inline(role=role, statement=ALLOW_S3)
    old = assume(bob, role.arn, bob_acting).credential
    assert _role_decision(role, old, clock.now) == "allowed"
    clock.move(60)
    revoke_role_sessions(role=role, acting=root_acting, moment=clock.now)
    revoke = InlinePolicy.objects.get(role=role, name="AWSRevokeOlderSessions")
    assert json.loads(revoke.document)["Statement"] == [
        {
            "Effect": "Deny",
            "Action": ["*"],
            "Resource": ["*"],
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": sts._iso(clock.now)}},
        }
    ]
    assert AuditEvent.objects.filter(event_name="PutRolePolicy", account=account).exists()
    assert _role_decision(role, old, clock.now) == "explicitDeny"
    clock.move(1)
    new = assume(bob, role.arn, bob_acting, role_session_name="after").credential
    assert _role_decision(role, new, clock.now) == "allowed"


# GetSessionToken


def test_get_session_token_with_mfa_makes_mfa_present(account, bob, bob_acting):
    role = make_role(account, trust=trust_of(bob.arn, **MFA_CONDITION))
    device, seed = mfa_device(account, bob)
    plain = sts.get_session_token(user=bob, acting=bob_acting).credential
    assert not plain.mfa_authenticated and plain.arn == bob.arn
    assert plain.expiration - plain.issued_at == datetime.timedelta(hours=12)
    with pytest.raises(AccessDenied):
        assume(plain, role.arn, bob_acting)
    with_mfa = sts.get_session_token(
        user=bob,
        duration_seconds=3600,
        serial_number=device.serial_number,
        token_code=pyotp.TOTP(seed).now(),
        acting=bob_acting,
    ).credential
    assert with_mfa.mfa_authenticated and with_mfa.access_key_id.startswith("ASIA")
    session = assume(with_mfa, role.arn, bob_acting).credential
    assert session.mfa_authenticated and not session.chained


@pytest.mark.parametrize(
    ("duration", "root", "bound"),
    [
        (899, False, "have value greater than or equal to 900"),
        (129601, False, "have value less than or equal to 129600"),
        (3601, True, "have value less than or equal to 3600"),
    ],
)
def test_get_session_token_durations(account, bob, bob_acting, root_acting, duration, root, bound):
    with pytest.raises(ValidationError) as refused:
        sts.get_session_token(
            user=account if root else bob,
            duration_seconds=duration,
            acting=root_acting if root else bob_acting,
        )
    assert refused.value.message == _length("durationSeconds", duration, bound)


def test_session_credentials_cannot_call_get_session_token(account, first_session):
    with pytest.raises(AccessDenied, match="Cannot call GetSessionToken with session credentials"):
        sts.get_session_token(user=first_session, acting=sts.session_acting(first_session))


# GetCallerIdentity, GetAccessKeyInfo, DecodeAuthorizationMessage


def test_get_caller_identity_shapes(account, bob, first_session):
    assert sts.get_caller_identity(credentials_or_user=bob) == {
        "UserId": bob.user_id,
        "Account": account.id,
        "Arn": bob.arn,
    }
    assert sts.get_caller_identity(credentials_or_user=account) == {
        "UserId": account.id,
        "Account": account.id,
        "Arn": f"arn:aws:iam::{account.id}:root",
    }
    assert sts.get_caller_identity(credentials_or_user=first_session) == {
        "UserId": f"{first_session.role.role_id}:bob-session",
        "Account": account.id,
        "Arn": f"arn:aws:sts::{account.id}:assumed-role/first/bob-session",
    }


def test_get_caller_identity_needs_no_permission_and_an_explicit_deny_does_not_stop_it(
    account, bob, bob_acting
):
    allow_inline(user=bob, statement={"Effect": "Deny", "Action": "sts:GetCallerIdentity", "Resource": "*"})
    assert sts.get_caller_identity(credentials_or_user=bob, acting=bob_acting)["Arn"] == bob.arn


def test_get_access_key_info_names_the_account(account, first_session):
    assert sts.get_access_key_info(access_key_id=first_session.access_key_id) == {"Account": account.id}


def test_get_access_key_info_of_an_unknown_key_is_no_such_entity_and_still_recorded(account, bob_acting):
    with pytest.raises(NoSuchEntity) as unknown:
        sts.get_access_key_info(access_key_id="AKIAUNKNOWN234567ABC", acting=bob_acting)

    assert (unknown.value.code, unknown.value.message) == (
        "NoSuchEntity",
        "The access key ID AKIAUNKNOWN234567ABC cannot be found.",
    )
    event = AuditEvent.objects.get(event_name="GetAccessKeyInfo")
    assert event.request_parameters == {"accessKeyId": "AKIAUNKNOWN234567ABC"}


def test_an_unknown_temporary_access_key_is_an_invalid_client_token_id(account, first_session):
    for access_key_id in ("ASIAUNKNOWN234567ABC", first_session.access_key_id.replace("ASIA", "AKIA")):
        with pytest.raises(InvalidClientTokenId) as unknown:
            sts.credentials_lookup(access_key_id=access_key_id, session_token="any")

        assert (unknown.value.code, unknown.value.message) == (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )


def test_a_denial_carries_a_message_only_its_account_can_decode(account, bob, bob_acting, charlie_acting):
    role = make_role(account, trust=trust_of(account.root_arn))
    with pytest.raises(AccessDenied) as denied:
        assume(bob, role.arn, bob_acting)
    encoded = denied.value.encoded_message
    assert role.arn not in encoded  # opaque
    with pytest.raises(AccessDenied) as refused:
        sts.decode_authorization_message(encoded_message=encoded, acting=bob_acting)
    assert refused.value.message == (
        f"User: {bob.arn} is not authorized to perform: sts:DecodeAuthorizationMessage because no "
        "identity-based policy allows the sts:DecodeAuthorizationMessage action"
    )
    allow_inline(
        user=bob, statement={"Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*"}
    )
    decoded = json.loads(
        sts.decode_authorization_message(encoded_message=encoded, acting=bob_acting)["DecodedMessage"]
    )
    assert decoded["allowed"] is False and decoded["explicitDeny"] is False
    assert decoded["context"]["action"] == "sts:AssumeRole"
    assert decoded["context"]["resource"] == role.arn
    assert decoded["failures"]["items"] == [{"kind": "identity"}]
    assert AuditEvent.objects.filter(
        event_name="DecodeAuthorizationMessage", error_code="AccessDenied"
    ).exists()
    with pytest.raises(InvalidAuthorizationMessage):
        sts.decode_authorization_message(encoded_message=encoded, acting=charlie_acting)
    with pytest.raises(InvalidAuthorizationMessage):
        sts.decode_authorization_message(encoded_message="garbage", acting=bob_acting)


# Audit


def test_assume_role_is_audited_without_secrets(account, bob, bob_acting):
    role = make_role(account, trust=trust_of(bob.arn))
    issued = assume(bob, role.arn, bob_acting, duration_seconds=1800)
    event = AuditEvent.objects.get(event_name="AssumeRole")
    assert event.event_source == "sts.amazonaws.com"
    assert event.request_parameters == {
        "roleArn": role.arn,
        "roleSessionName": "bob-session",
        "durationSeconds": 1800,
    }
    assert event.response_elements["credentials"] == {
        "accessKeyId": issued.access_key_id,
        "expiration": sts._iso(issued.expiration),
    }
    assert event.response_elements["assumedRoleUser"]["arn"] == issued.credential.arn
    assert event.user_identity["arn"] == bob.arn
    dumped = json.dumps([event.request_parameters, event.response_elements])
    assert issued.secret_access_key not in dumped and issued.session_token not in dumped


def test_denials_and_session_calls_are_audited(account, bob, bob_acting, first_session):
    role = make_role(account, name="strict", trust=trust_of(account.root_arn))
    with pytest.raises(AccessDenied):
        assume(first_session, role.arn, sts.session_acting(first_session))
    event = AuditEvent.objects.filter(event_name="AssumeRole", error_code="AccessDenied").get()
    assert event.error_message.startswith(f"User: {first_session.arn} is not authorized")
    assert event.user_identity["type"] == "AssumedRole"
    assert event.user_identity["arn"] == first_session.arn
    assert event.user_identity["accessKeyId"] == first_session.access_key_id
    issuer = event.user_identity["sessionContext"]["sessionIssuer"]
    assert issuer["arn"] == first_session.role.arn
    issued = sts.get_session_token(user=bob, acting=bob_acting)
    event = AuditEvent.objects.get(event_name="GetSessionToken")
    assert event.event_source == "sts.amazonaws.com"
    assert event.response_elements == {
        "credentials": {"accessKeyId": issued.access_key_id, "expiration": sts._iso(issued.expiration)}
    }


def test_another_user_in_the_account_is_not_trusted_by_a_trust_naming_bob(account, bob):
    eve = IAMUserFactory(account=account, name="eve")
    role = make_role(account, trust=trust_of(bob.arn))
    with pytest.raises(AccessDenied, match=NO_TRUST_ALLOW):
        assume(eve, role.arn, Acting(account=account, user=eve))


def test_a_role_sessions_principal_tags_are_the_roles_overridden_by_session_tags(account, bob, bob_acting):
    trust = doc(
        {"Effect": "Allow", "Principal": {"AWS": bob.arn}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
    )
    first = make_role(account, name="first", trust=trust)
    first.tags.create(key="team", value="blue")
    first.tags.create(key="env", value="prod")
    red_only = trust_of(
        account.root_arn,
        Condition={"StringEquals": {"aws:PrincipalTag/team": "red", "aws:PrincipalTag/env": "prod"}},
    )
    second = make_role(account, name="second", trust=red_only)
    allow_inline(role=first)
    blue = assume(bob, first.arn, bob_acting, role_session_name="blue").credential
    with pytest.raises(AccessDenied, match=NO_TRUST_ALLOW):
        assume(blue, second.arn, sts.session_acting(blue))
    red = assume(
        bob, first.arn, bob_acting, role_session_name="red", tags=[{"Key": "team", "Value": "red"}]
    ).credential
    assert assume(red, second.arn, sts.session_acting(red)).credential.role == second


def test_read_calls_are_recorded_when_an_acting_is_given(account, bob, bob_acting, first_session):
    sts.get_caller_identity(credentials_or_user=first_session, acting=sts.session_acting(first_session))
    sts.get_access_key_info(access_key_id=first_session.access_key_id, acting=bob_acting)
    events = {
        event.event_name: event for event in AuditEvent.objects.filter(event_source="sts.amazonaws.com")
    }
    assert events["GetCallerIdentity"].read_only
    assert events["GetCallerIdentity"].user_identity["type"] == "AssumedRole"
    assert events["GetAccessKeyInfo"].request_parameters == {"accessKeyId": first_session.access_key_id}


@pytest.mark.parametrize("owner", ["nobody", "another account"])
def test_a_session_policy_arn_the_role_cannot_use_allows_nothing(
    account, charlie_account, bob, bob_acting, owner
):
    first = make_role(account, name="first", trust=trust_of(bob.arn))
    allow_inline(role=first)
    second = make_role(account, name="second", trust=trust_of(account.root_arn))
    arn = f"arn:aws:iam::{charlie_account.id}:policy/AllowAll"
    if owner == "another account":
        now = timezone.now()
        policy = ManagedPolicy.objects.create(
            account=charlie_account, name="AllowAll", arn=arn, created_at=now, updated_at=now
        )
        PolicyVersion.objects.create(policy=policy, number=1, document=doc(ALLOW_ASSUME_ANY), created_at=now)
    session = assume(bob, first.arn, bob_acting, policy_arns=[arn]).credential
    with pytest.raises(AccessDenied, match="because no session policy allows the sts:AssumeRole action"):
        assume(session, second.arn, sts.session_acting(session))


def test_a_session_policy_arn_bounds_with_its_default_version(account, bob, bob_acting):
    first = make_role(account, name="first", trust=trust_of(bob.arn))
    allow_inline(role=first)
    second = make_role(account, name="second", trust=trust_of(account.root_arn))
    now = timezone.now()
    policy = ManagedPolicy.objects.create(
        account=account,
        name="Assume",
        arn=f"arn:aws:iam::{account.id}:policy/Assume",
        created_at=now,
        updated_at=now,
        default_version_number=2,
        next_version_number=3,
    )
    PolicyVersion.objects.create(policy=policy, number=1, document=doc(ALLOW_S3), created_at=now)
    PolicyVersion.objects.create(policy=policy, number=2, document=doc(ALLOW_ASSUME_ANY), created_at=now)
    session = assume(bob, first.arn, bob_acting, policy_arns=[policy.arn]).credential
    assert assume(session, second.arn, sts.session_acting(session)).credential.role == second


def test_a_cross_account_assume_role_is_recorded_in_both_accounts(account, charlie_account, bob, bob_acting):
    role = make_role(charlie_account, trust=trust_of(account.root_arn))
    allow_inline(user=bob)
    issued = assume(bob, role.arn, bob_acting)
    events = AuditEvent.objects.filter(event_name="AssumeRole")
    assert {event.account_id for event in events} == {account.id, charlie_account.id}
    theirs = events.get(account=charlie_account)
    assert theirs.user_identity["arn"] == bob.arn
    assert theirs.response_elements["credentials"]["accessKeyId"] == issued.access_key_id


@pytest.mark.parametrize(
    ("role_arn", "message"),
    [
        ("arn:aws:iam::1", _length("roleArn", "arn:aws:iam::1", "have length greater than or equal to 20")),
        ("arn:aws:s3:::my-bucket-name", "arn:aws:s3:::my-bucket-name is invalid"),
    ],
)
def test_a_malformed_role_arn_is_a_validation_error(account, bob, bob_acting, role_arn, message):
    with pytest.raises(ValidationError) as refused:
        assume(bob, role_arn, bob_acting)
    assert refused.value.message == message


# GetFederationToken


def test_a_federated_user_may_do_what_both_the_user_and_the_session_policy_allow(account, bob, bob_acting):
    user_allows = {"Effect": "Allow", "Action": ["sts:GetFederationToken", "s3:*", "sqs:*"], "Resource": "*"}
    allow_inline(user=bob, statement=user_allows)
    session_allows = doc(ALLOW_S3, {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
    scoped = sts.get_federation_token(user=bob, name="partner", policy=session_allows, acting=bob_acting)
    acting = sts.session_acting(scoped.credential)
    assert acting.arn == f"arn:aws:sts::{account.id}:federated-user/partner"
    assert is_allowed(acting=acting, action="s3:GetObject", resource="arn:aws:s3:::bucket/key")
    assert not is_allowed(acting=acting, action="sqs:SendMessage")  # the user's, not the session's
    assert not is_allowed(acting=acting, action="ec2:RunInstances")  # the session's, not the user's

    # Without a session policy the federated user may do nothing at all.
    bare = sts.get_federation_token(user=bob, name="bare", acting=bob_acting)
    assert bare.packed_policy_size is None
    assert not is_allowed(acting=sts.session_acting(bare.credential), action="s3:GetObject")
    event = AuditEvent.objects.filter(event_name="GetFederationToken").first()
    assert event.event_source == "sts.amazonaws.com"


@pytest.mark.parametrize(
    ("kind", "service", "operation", "refused"),
    [
        ("role", "iam", "ListUsers", None),
        ("role", "sts", "DecodeAuthorizationMessage", None),
        ("session", "iam", "ListUsers", ("InvalidClientTokenId", sts.IAM_REFUSES_SESSION)),
        ("mfa-session", "iam", "ListUsers", None),
        ("session", "sts", "AssumeRole", None),
        (
            "session",
            "sts",
            "GetAccessKeyInfo",
            ("AccessDenied", "Cannot call GetAccessKeyInfo with session credentials"),
        ),
        ("federated", "iam", "GetUser", ("InvalidClientTokenId", sts.IAM_REFUSES_SESSION)),
        ("federated", "sts", "GetCallerIdentity", None),
        (
            "federated",
            "sts",
            "AssumeRole",
            ("AccessDenied", "Cannot call AssumeRole with session credentials"),
        ),
    ],
)
def test_what_each_kind_of_temporary_credentials_may_call(account, bob, kind, service, operation, refused):
    credential = TemporaryCredential(
        account=account,
        user=bob,
        role=make_role(account) if kind == "role" else None,
        federated_name="partner" if kind == "federated" else "",
        mfa_authenticated=kind == "mfa-session",
    )
    error = sts.session_call_refusal(credential, service=service, operation=operation)
    assert (None if error is None else (error.code, error.message)) == refused


def test_a_federation_token_with_session_tags_needs_tag_session_and_records_its_policies_and_tags(
    account, bob, bob_acting
):
    allow_inline(user=bob, statement={"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"})
    arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    tags = [{"Key": "project", "Value": "blue"}]
    with pytest.raises(AccessDenied) as refused:
        sts.get_federation_token(user=bob, name="tagged", policy_arns=[arn], tags=tags, acting=bob_acting)
    assert "sts:TagSession" in refused.value.message
    assert not TemporaryCredential.objects.exists()
    event = AuditEvent.objects.filter(event_name="GetFederationToken", error_code="AccessDenied").get()
    assert event.request_parameters["policyArns"] == [{"arn": arn}]
    assert event.request_parameters["tags"] == [{"key": "project", "value": "blue"}]


def test_the_root_user_and_a_session_prove_mfa_with_their_own_devices(account, bob, bob_acting):
    root_device, root_seed = mfa_device(account, None, name="root-phone")
    root = Acting(account=account)
    with_mfa = sts.get_session_token(
        user=account,
        duration_seconds=900,
        serial_number=root_device.serial_number,
        token_code=pyotp.TOTP(root_seed).now(),
        acting=root,
    ).credential
    assert with_mfa.mfa_authenticated

    # A session's MFA device is its user's: bob's session proves MFA with bob's device, not root's.
    device, seed = mfa_device(account, bob)
    role = make_role(account, trust=trust_of(bob.arn, **MFA_CONDITION))
    allow_inline(user=bob)
    session = sts.get_session_token(user=bob, acting=bob_acting).credential
    chained = assume(
        session, role.arn, bob_acting, serial_number=device.serial_number, token_code=pyotp.TOTP(seed).now()
    ).credential
    assert chained.mfa_authenticated
