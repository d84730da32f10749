"""SigV4 verification against requests signed by botocore's own signers, as boto3 and the aws CLI sign."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from unittest import mock
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aws.sigv4 import SignatureError, SignedRequest, canonical_path, verify

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SIGNED_AT = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)
IAM = "https://iam.amazonaws.com/"
LIST_USERS = b"Action=ListUsers&Version=2010-05-08"
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)


def secrets(access_key_id):
    return {AKID: SECRET}.get(access_key_id)


def received(prepared):
    """The request as the server sees it: the client's HTTP library adds Host."""
    parts = urlsplit(prepared.url)
    headers = dict(prepared.headers.items())
    headers.setdefault("Host", parts.netloc)
    body = prepared.body or b""
    return SignedRequest(
        method=prepared.method,
        path=parts.path,
        query_string=parts.query,
        headers=headers,
        body=body.encode() if isinstance(body, str) else body,
    )


def signed(method="POST", url=IAM, *, body=b"", headers=None, params=None, token=None, region="us-east-1"):
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}), params=params or {})
    with mock.patch("botocore.auth.get_current_datetime", return_value=SIGNED_AT.replace(tzinfo=None)):
        SigV4Auth(Credentials(AKID, SECRET, token), "iam", region).add_auth(request)
    return received(request.prepare())


def presigned(
    url=IAM + "?Action=ListUsers&Version=2010-05-08", *, expires=3600, token=None, signed_at=SIGNED_AT
):
    request = AWSRequest(method="GET", url=url)
    with mock.patch("botocore.auth.get_current_datetime", return_value=signed_at.replace(tzinfo=None)):
        SigV4QueryAuth(Credentials(AKID, SECRET, token), "iam", "us-east-1", expires=expires).add_auth(
            request
        )
    return received(request.prepare())


def refused(request, now=SIGNED_AT):
    with pytest.raises(SignatureError) as caught:
        verify(request, secret_for=secrets, now=now)
    return caught.value


def with_header(request, name, value):
    headers = {k: v for k, v in request.headers.items() if k.lower() != name.lower()}
    if value is not None:
        headers[name] = value
    return replace(request, headers=headers)


# --- requests that verify --------------------------------------------------------------------------------


def test_aws_signature_test_suite_get_vanilla_verifies():
    """The first vector of AWS's published SigV4 test suite, independent of botocore."""
    request = SignedRequest(
        "GET",
        "/",
        headers={
            "Host": "example.amazonaws.com",
            "X-Amz-Date": "20150830T123600Z",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        },
    )

    credential = verify(
        request,
        secret_for=lambda key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        now=datetime(2015, 8, 30, 12, 36, tzinfo=UTC),
    )

    assert (credential.access_key_id, credential.service) == ("AKIDEXAMPLE", "service")


def test_iam_form_post_verifies_with_its_scope():
    credential = verify(signed(body=LIST_USERS, headers=FORM), secret_for=secrets, now=SIGNED_AT)

    assert (credential.access_key_id, credential.date, credential.region, credential.service) == (
        AKID,
        "20261202",
        "us-east-1",
        "iam",
    )
    assert credential.signed_at == SIGNED_AT
    assert credential.signed_headers == ("content-type", "host", "x-amz-date")
    assert credential.session_token is None
    assert not credential.presigned


@pytest.mark.parametrize(
    "params",
    [
        [("Action", "ListUsers"), ("PathPrefix", "/division abc/sub/")],
        [("UserName", "tilde~and/slash"), ("Marker", "a+b=c&d")],
        [("UserName", "Zoë-日本"), ("Empty", "")],
        [("Tag", "b"), ("Tag", "a"), ("Tag", "a")],
        [("Key With Space", "value*with(reserved)!'")],
    ],
    ids=["space-slash", "tilde-plus-equals", "unicode-empty", "repeated-keys", "reserved"],
)
def test_get_with_query_characters_that_need_encoding_verifies(params):
    verify(signed("GET", params=params), secret_for=secrets, now=SIGNED_AT)


def test_query_written_into_the_url_verifies():
    url = IAM + "?UserName=a%20b&Path=%2Fx%2F&Tilde=~&Empty=&UserName=%C3%A9"
    verify(signed("GET", url), secret_for=secrets, now=SIGNED_AT)


def test_header_values_with_extra_spaces_and_repeats_verify():
    headers = {"X-Amz-Meta-Note": "  two   spaces\tand a tab  ", **FORM}
    request = signed(body=LIST_USERS, headers=headers)

    assert "x-amz-meta-note" in verify(request, secret_for=secrets, now=SIGNED_AT).signed_headers


def test_session_token_is_returned_and_signed():
    request = signed(body=LIST_USERS, headers=FORM, token="FwoGZXIvYXdzEXAMPLE//token+=")

    credential = verify(request, secret_for=secrets, now=SIGNED_AT)

    assert credential.session_token == "FwoGZXIvYXdzEXAMPLE//token+="
    assert "x-amz-security-token" in credential.signed_headers
    assert refused(with_header(request, "X-Amz-Security-Token", "other")).code == "SignatureDoesNotMatch"


@pytest.mark.parametrize(
    "path", ["/a b/c", "/documents and settings/", "/a%20b/%2Fx", "/x/./y/../z", "//double//slash", "/ü/~"]
)
def test_paths_verify_as_botocore_double_encodes_them(path):
    verify(signed("GET", "https://iam.amazonaws.com" + path), secret_for=secrets, now=SIGNED_AT)


def test_canonical_path_encodes_the_received_path_once_more():
    # AWS's example: "/documents and settings/" travels as %20 and is signed as %2520.
    assert canonical_path("/documents%20and%20settings/") == "/documents%2520and%2520settings/"
    assert canonical_path("") == "/"
    assert canonical_path("/a/./b/../c//d") == "/a/c/d"


def test_payload_hash_header_is_used_and_must_name_the_body():
    request = signed(body=LIST_USERS, headers={"X-Amz-Content-SHA256": _sha(LIST_USERS), **FORM})
    verify(request, secret_for=secrets, now=SIGNED_AT)

    lying = signed(body=b"Action=DeleteUser", headers={"X-Amz-Content-SHA256": _sha(LIST_USERS), **FORM})
    assert refused(lying).message == MISMATCH


def test_unsigned_payload_is_reported_to_the_caller():
    request = signed(body=LIST_USERS, headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD", **FORM})

    assert verify(request, secret_for=secrets, now=SIGNED_AT).payload_signed is False


def test_date_header_instead_of_x_amz_date_verifies():
    request = signed(body=LIST_USERS, headers={"Date": "whatever botocore replaces", **FORM})

    assert "x-amz-date" not in request.headers
    assert verify(request, secret_for=secrets, now=SIGNED_AT).signed_at == SIGNED_AT


def test_presigned_url_verifies_with_its_token():
    request = presigned(token="session-token/+=")

    credential = verify(request, secret_for=secrets, now=SIGNED_AT + timedelta(minutes=30))

    assert credential.presigned
    assert credential.session_token == "session-token/+="
    assert credential.signed_headers == ("host",)


# --- refusals --------------------------------------------------------------------------------------------


def test_tampered_body_is_refused():
    request = signed(body=LIST_USERS, headers=FORM)

    error = refused(replace(request, body=b"Action=DeleteUser&Version=2010-05-08"))

    assert (error.code, error.message, error.status) == ("SignatureDoesNotMatch", MISMATCH, 403)


def test_tampered_signed_header_is_refused():
    request = signed(body=LIST_USERS, headers=FORM)

    assert refused(with_header(request, "Content-Type", "text/plain")).code == "SignatureDoesNotMatch"


def test_tampered_query_and_path_are_refused():
    request = signed("GET", params=[("Action", "ListUsers")])

    assert refused(replace(request, query_string="Action=ListRoles")).code == "SignatureDoesNotMatch"
    assert refused(replace(request, path="/other")).code == "SignatureDoesNotMatch"


def test_wrong_secret_is_refused():
    request = signed(body=LIST_USERS, headers=FORM)

    with pytest.raises(SignatureError) as caught:
        verify(request, secret_for=lambda key: SECRET[:-1] + "X", now=SIGNED_AT)

    assert caught.value.message == MISMATCH


def test_unknown_key_is_refused():
    with pytest.raises(SignatureError) as caught:
        verify(signed(body=LIST_USERS), secret_for=lambda key: None, now=SIGNED_AT)

    assert (caught.value.code, caught.value.message, caught.value.status) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
    )


def test_signature_older_than_fifteen_minutes_has_expired():
    error = refused(signed(body=LIST_USERS), now=SIGNED_AT + timedelta(minutes=30))

    assert error.code == "SignatureDoesNotMatch"
    assert error.message == (
        "Signature expired: 20261202T120000Z is now earlier than 20261202T121500Z (20261202T123000Z - 15 min.)"
    )


def test_signature_from_more_than_fifteen_minutes_ahead_is_not_yet_current():
    error = refused(signed(body=LIST_USERS), now=SIGNED_AT - timedelta(minutes=30))

    assert error.message == (
        "Signature not yet current: 20261202T120000Z is still later than 20261202T114500Z (20261202T113000Z + 15 min.)"
    )


def test_fifteen_minutes_exactly_is_still_accepted():
    request = signed(body=LIST_USERS)

    verify(request, secret_for=secrets, now=SIGNED_AT + timedelta(minutes=15))
    verify(request, secret_for=secrets, now=SIGNED_AT - timedelta(minutes=15))


def test_presigned_url_expires_after_its_lifetime():
    error = refused(presigned(expires=90), now=SIGNED_AT + timedelta(seconds=91))

    assert error.code == "SignatureDoesNotMatch"
    assert error.message == (
        "Signature expired: 20261202T120000Z is now earlier than 20261202T120001Z (20261202T120131Z - 90 sec.)"
    )


def test_presigned_url_signature_is_checked():
    request = presigned()

    tampered = replace(request, query_string=request.query_string.replace("ListUsers", "ListRoles"))

    assert refused(tampered).message == MISMATCH


def test_missing_authentication_is_refused():
    request = with_header(signed(body=LIST_USERS), "Authorization", None)

    error = refused(request)

    assert (error.code, error.message, error.status) == (
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
        403,
    )


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (
            "AWS4-HMAC-SHA256",
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
            "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/iam/aws4_request, Signature=ab",
            "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders",
            "'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: "
            "'AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders'",
        ),
        ("AWS AKIAIOSFODNN7EXAMPLE:signature", "Unsupported AWS 'algorithm': 'AWS'."),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/iam, SignedHeaders=host, "
            "Signature=ab",
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
            "got 'AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/iam'",
        ),
    ],
    ids=["bare", "no-signed-headers", "no-equals", "sigv2", "four-part-credential"],
)
def test_malformed_authorization_is_an_incomplete_signature(authorization, message):
    error = refused(with_header(signed(body=LIST_USERS), "Authorization", authorization))

    assert (error.code, error.message, error.status) == ("IncompleteSignature", message, 400)


def test_missing_date_is_named_with_the_missing_parameters():
    request = with_header(signed(body=LIST_USERS), "X-Amz-Date", None)

    error = refused(request)

    assert error.message == (
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=AWS4-HMAC-SHA256"
    )


def test_unreadable_date_is_refused():
    error = refused(with_header(signed(body=LIST_USERS), "X-Amz-Date", "2026-12-02 12:00"))

    assert error.message == (
        "Date must be in ISO-8601 'basic format'. Got '2026-12-02 12:00'. See http://en.wikipedia.org/wiki/ISO_8601"
    )


def test_scope_with_another_date_or_terminator_is_refused():
    request = signed(body=LIST_USERS)
    authorization = request.headers["Authorization"]

    wrong = authorization.replace("/20261202/", "/20261201/").replace("aws4_request", "aws5_request")
    error = refused(with_header(request, "Authorization", wrong))

    assert error.code == "SignatureDoesNotMatch"
    assert error.message == (
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        "'20261201' != '20261202', from '20261202T120000Z'."
    )


def test_host_must_be_signed():
    request = signed(body=LIST_USERS)
    authorization = request.headers["Authorization"].replace(
        "SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date"
    )

    error = refused(with_header(request, "Authorization", authorization))

    assert error.message == "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."


def test_presigned_url_missing_parameters_is_refused():
    error = refused(SignedRequest("GET", "/", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261202T120000Z"))

    assert (error.code, error.status) == ("IncompleteSignature", 400)
    assert error.message == (
        "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must "
        "include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "Re-examine the query-string parameters."
    )


def test_both_header_and_presigned_forms_at_once_is_refused():
    request = presigned()

    error = refused(with_header(request, "Authorization", signed().headers["Authorization"]))

    assert error.code == "SignatureDoesNotMatch"


# --- properties ------------------------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    segments=st.lists(_text.filter(lambda s: s not in (".", "..")), max_size=3),
    params=st.lists(st.tuples(_text, _text), max_size=4),
    body=st.binary(min_size=1, max_size=64),
    flip=st.data(),
)
def test_any_botocore_signed_request_verifies_and_any_body_byte_change_fails(segments, params, body, flip):
    from_path = "/" + "/".join(quote_segment(s) for s in segments)
    request = signed("POST", "https://iam.amazonaws.com" + from_path, body=body, params=params)

    verify(request, secret_for=secrets, now=SIGNED_AT)

    index = flip.draw(st.integers(0, len(body) - 1))
    changed = bytearray(body)
    changed[index] ^= flip.draw(st.integers(1, 255))
    with pytest.raises(SignatureError):
        verify(replace(request, body=bytes(changed)), secret_for=secrets, now=SIGNED_AT)


def quote_segment(segment):
    # How botocore's serializers put a path parameter into the URL (botocore.utils.percent_encode).
    return percent_encode(segment, safe="")


def _sha(data):
    return sha256(data).hexdigest()
