"""AWS Signature Version 4, verified the way AWS verifies a request to a non-S3 service.

`verify(request, secret_for=…, now=…)` takes the request as it came off the wire and returns the
`Credential` it was signed with, or raises one `SignatureError` carrying AWS's code, message and HTTP
status. Both forms are read: the `Authorization: AWS4-HMAC-SHA256 …` header and the presigned query
string (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…`). The credential scope names the region
and service; which ones exist is the caller's business, and so is whether a key is active.

The canonical request is built as botocore's `SigV4Auth` signs it (botocore/auth.py), because that is
what boto3 and the aws CLI send:
- the path is the raw, percent-encoded path with its dot segments and empty segments removed, then
  percent-encoded once more (`/a%20b` → `/a%2520b`): AWS's documented double encoding for every service
  but S3, which botocore gets by quoting the already-encoded path;
- the query is split on `&`, each key and value decoded (`+` is a space: botocore's own URL encoder
  writes spaces as `+` while it signs `%20`) and re-encoded with only `A-Za-z0-9-_.~` left bare, then
  sorted by key and value;
- header values are trimmed, runs of whitespace collapsed to one space, repeated headers joined by `,`;
- the payload hash is `X-Amz-Content-SHA256` when sent, else the SHA-256 of the body. Presigned
  requests too: botocore's `SigV4QueryAuth` hashes the (empty) body for every service but S3; only
  `S3SigV4QueryAuth` signs `UNSIGNED-PAYLOAD`.

Where the wording of a message comes from is said beside it. The sources: AWS's common errors pages
(codes and statuses, e.g. https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html),
AWS's "Troubleshoot signed requests" page (docs.aws.amazon.com/IAM/latest/UserGuide/
reference_sigv-troubleshooting.html), error messages quoted from real AWS responses in GitHub issues
(aws/aws-cli#6676 for the skew message), and scratchstack-aws-signature, a Rust verifier whose messages
are taken from AWS's responses.
"""

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote_to_bytes

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
MAX_SKEW = timedelta(minutes=15)
# A presigned URL lives at most a week: the signing key is derived from the scope's date.
MAX_EXPIRES = 7 * 24 * 3600
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

_TIMESTAMP = "%Y%m%dT%H%M%SZ"
_UNRESERVED = "-_.~"  # with A-Z a-z 0-9, the characters SigV4 never percent-encodes

# The messages whose wording is confirmed (see the module docstring for where).
MISSING_TOKEN = "Request is missing Authentication Token"
INVALID_TOKEN = "The security token included in the request is invalid."
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)
HOST_NOT_SIGNED = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."


# What a secret_for answers for a key it accepts without checking the signature (there is no secret).
UNCHECKED = object()


class SignatureError(Exception):
    """A request AWS would refuse before the operation runs: `code`, `message` and HTTP `status`."""

    sender_fault = True

    def __init__(self, code, message, *, status=403):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _incomplete(message):
    # IncompleteSignature is 400 in every service's common errors page; the others here are 403.
    return SignatureError("IncompleteSignature", message, status=400)


def _mismatch(message=MISMATCH):
    return SignatureError("SignatureDoesNotMatch", message)


class Headers(Mapping):
    """HTTP headers looked up without regard to case; a repeated header keeps each of its values.

    Built from a mapping (a value may be a string or a list of strings) or from (name, value) pairs.
    `headers[name]` is the values joined by "," as HTTP folds them; `get_all(name)` gives them apart.
    """

    def __init__(self, headers=()):
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        self._values = {}
        self._names = {}
        for name, value in pairs:
            values = [value] if isinstance(value, str) else list(value)
            self._names.setdefault(name.lower(), name)
            self._values.setdefault(name.lower(), []).extend(values)

    def __getitem__(self, name):
        return ",".join(self._values[name.lower()])

    def __iter__(self):
        return iter(self._names.values())

    def __len__(self):
        return len(self._values)

    def __contains__(self, name):
        return isinstance(name, str) and name.lower() in self._values

    def __eq__(self, other):
        return isinstance(other, Headers) and self._values == other._values

    def __hash__(self):
        return hash(tuple(sorted((k, tuple(v)) for k, v in self._values.items())))

    def __repr__(self):
        return f"Headers({dict(self.items())!r})"

    def get_all(self, name):
        return tuple(self._values.get(name.lower(), ()))


@dataclass(frozen=True)
class SignedRequest:
    """A request as received: `path` and `query_string` raw (still percent-encoded), `body` as bytes."""

    method: str
    path: str
    query_string: str = ""
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    def __post_init__(self):
        if not isinstance(self.headers, Headers):
            object.__setattr__(self, "headers", Headers(self.headers))


@dataclass(frozen=True)
class Credential:
    """Who signed a verified request, and for which scope.

    `payload_signed` is False when the signer sent `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD`: the body
    was then not covered by the signature, and the caller decides whether it accepts that.
    """

    access_key_id: str
    date: str
    region: str
    service: str
    signed_at: datetime
    signed_headers: tuple[str, ...]
    session_token: str | None = None
    presigned: bool = False
    payload_signed: bool = True
    signature_checked: bool = True  # False: secret_for answered UNCHECKED


@dataclass(frozen=True)
class _Auth:
    credential: str
    signature: str
    signed_headers: tuple[str, ...]
    timestamp: str
    session_token: str | None
    expires: int | None
    presigned: bool


def verify(request: SignedRequest, *, secret_for: Callable[[str], str | None], now: datetime) -> Credential:
    """The credential `request` was signed with, checked as AWS checks it; else `SignatureError`."""
    query = _query_pairs(request.query_string)
    auth = _read_auth(request, query)
    signed_at = _parse_timestamp(auth.timestamp)
    try:
        _check_time(signed_at, now.astimezone(UTC).replace(microsecond=0), auth)
    except SignatureError:
        # A key accepted unchecked (local mode) has no signature to expire: moto's suites freeze time.
        if secret_for(auth.credential.split("/", 1)[0]) is not UNCHECKED:
            raise
    access_key_id, date, region, service = _check_scope(auth.credential, signed_at)

    secret = secret_for(access_key_id)
    if secret is None:
        raise SignatureError("InvalidClientTokenId", INVALID_TOKEN)
    if secret is UNCHECKED:
        # A key the caller accepts without a secret (the product's local mode): nothing to check.
        return _credential(request, auth, signed_at, access_key_id, date, region, service, checked=False)

    payload_hash = request.headers.get("x-amz-content-sha256", "").strip() or _sha256(request.body)
    canonical = canonical_request(
        request,
        query,
        signed_headers=auth.signed_headers,
        payload_hash=payload_hash,
        presigned=auth.presigned,
    )
    scope = "/".join((date, region, service, TERMINATOR))
    # The string to sign holds the time in ISO 8601 basic form even when it came as an HTTP Date.
    to_sign = "\n".join((ALGORITHM, _stamp(signed_at), scope, _sha256(canonical.encode())))
    expected = hmac.new(signing_key(secret, date, region, service), to_sign.encode(), hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest().encode(), auth.signature.encode()):
        raise _mismatch()
    # The signature covers the hash the client claimed; the body must be the one that hash names.
    # (S3 answers XAmzContentSHA256Mismatch here; what IAM answers is not documented, so the generic
    # mismatch.)
    if payload_hash != UNSIGNED_PAYLOAD and not hmac.compare_digest(payload_hash, _sha256(request.body)):
        raise _mismatch()

    return _credential(request, auth, signed_at, access_key_id, date, region, service)


def _credential(request, auth, signed_at, access_key_id, date, region, service, *, checked=True):
    payload_hash = request.headers.get("x-amz-content-sha256", "").strip()
    return Credential(
        access_key_id=access_key_id,
        date=date,
        region=region,
        service=service,
        signed_at=signed_at,
        signed_headers=auth.signed_headers,
        session_token=auth.session_token,
        presigned=auth.presigned,
        payload_signed=payload_hash != UNSIGNED_PAYLOAD,
        signature_checked=checked,
    )


def signing_key(secret, date, region, service):
    """The derived key: HMAC chain AWS4+secret → date → region → service → aws4_request."""
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, TERMINATOR):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def canonical_request(request, query, *, signed_headers, payload_hash, presigned):
    """The canonical request of SigV4's first step, for the raw `query` pairs of `request`."""
    lines = [
        request.method.upper(),
        canonical_path(request.path),
        canonical_query(query, presigned=presigned),
    ]
    for name in signed_headers:
        values = (" ".join(value.split()) for value in request.headers.get_all(name))
        lines.append(f"{name}:{','.join(values)}")
    lines += ["", ";".join(signed_headers), payload_hash]
    return "\n".join(lines)


def canonical_path(raw_path):
    """`raw_path` without dot or empty segments, percent-encoded once more (AWS's non-S3 rule)."""
    segments = []
    for segment in raw_path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    path = "/" + "/".join(segments)
    if raw_path.endswith("/") and segments:
        path += "/"
    return quote(path, safe="/~")


def canonical_query(pairs, *, presigned=False):
    """The sorted, uniformly encoded query; a presigned URL's own `X-Amz-Signature` is left out."""
    encoded = sorted(
        (_encode(key), _encode(value)) for key, value in pairs if not (presigned and key == "X-Amz-Signature")
    )
    return "&".join(f"{key}={value}" for key, value in encoded)


def _encode(text):
    return quote(text, safe=_UNRESERVED)


def _query_pairs(query_string):
    """The query's (key, value) pairs, decoded (`+` is a space) to bytes-faithful strings."""
    pairs = []
    for piece in query_string.split("&"):
        if piece:
            key, _, value = piece.partition("=")
            pairs.append((_decode(key), _decode(value)))
    return pairs


def _decode(text):
    # Through bytes, so that a percent-encoded byte that is not UTF-8 is re-encoded as it came.
    return unquote_to_bytes(text.replace("+", " ")).decode("utf-8", "surrogateescape")


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _read_auth(request, query):
    """The signature's parts, from the Authorization header or the presigned query string."""
    header = request.headers.get("authorization")
    algorithm = next((value for key, value in query if key == "X-Amz-Algorithm"), None)
    if header is not None and algorithm is not None:
        # scratchstack-aws-signature answers both-at-once with a bare SignatureDoesNotMatch.
        raise _mismatch()
    if header is not None:
        auth = _from_header(request, header)
    elif algorithm is not None:
        auth = _from_query(query, algorithm)
    else:
        raise SignatureError("MissingAuthenticationToken", MISSING_TOKEN)
    if "host" not in auth.signed_headers and ":authority" not in auth.signed_headers:
        raise _mismatch(HOST_NOT_SIGNED)
    return auth


def _from_header(request, header):
    header = header.strip()
    algorithm, _, rest = header.partition(" ")
    if algorithm != ALGORITHM:
        # Wording from scratchstack-aws-signature; not confirmed against a live IAM response.
        raise _incomplete(f"Unsupported AWS 'algorithm': '{algorithm}'.")
    params = {}
    for piece in rest.split(","):
        piece = piece.strip()
        if not piece:
            continue
        if "=" not in piece:
            raise _incomplete(
                f"'{piece}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'"
            )
        key, _, value = piece.partition("=")
        params[key] = value  # the last of a repeated parameter wins, as in scratchstack

    # All that is missing is named in one message, ending with the algorithm: the API Gateway and
    # Bedrock responses quoted in the wild read exactly so ("… Authorization=AWS4-HMAC-SHA256").
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if name not in params
    ]
    timestamp = request.headers.get("x-amz-date") or request.headers.get("date")
    if not timestamp:
        missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    if missing:
        raise _incomplete(" ".join(missing) + f" Authorization={algorithm}")
    return _Auth(
        credential=params["Credential"],
        signature=params["Signature"],
        signed_headers=_signed_headers(params["SignedHeaders"]),
        timestamp=timestamp.strip(),
        session_token=request.headers.get("x-amz-security-token"),
        expires=None,
        presigned=False,
    )


def _from_query(query, algorithm):
    params = {}
    for key, value in query:
        params.setdefault(key, value)  # the first of a repeated parameter wins, as in scratchstack
    if algorithm != ALGORITHM:
        # scratchstack: a presigned URL of another algorithm is treated as no authentication at all.
        raise SignatureError("MissingAuthenticationToken", MISSING_TOKEN)
    missing = [
        f"AWS query-string parameters must include '{name}'."
        for name in ("X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date")
        if name not in params
    ]
    if missing:
        raise _incomplete(" ".join(missing) + " Re-examine the query-string parameters.")
    return _Auth(
        credential=params["X-Amz-Credential"],
        signature=params["X-Amz-Signature"],
        signed_headers=_signed_headers(params["X-Amz-SignedHeaders"]),
        timestamp=params["X-Amz-Date"],
        session_token=params.get("X-Amz-Security-Token"),
        expires=_parse_expires(params.get("X-Amz-Expires")),
        presigned=True,
    )


def _signed_headers(value):
    return tuple(sorted(name.strip().lower() for name in value.split(";") if name.strip()))


def _parse_expires(value):
    # S3's wordings (AuthorizationQueryParametersError there); what IAM says is not documented.
    if value is None:
        return None
    if value.startswith("-"):
        raise _incomplete("X-Amz-Expires must be non-negative")
    if not value.isdigit():
        raise _incomplete("X-Amz-Expires should be a number")
    if int(value) > MAX_EXPIRES:
        raise _incomplete(
            "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be "
            f"less than {MAX_EXPIRES} seconds"
        )
    return int(value)


def _parse_timestamp(value):
    """X-Amz-Date's ISO 8601 basic format; a `Date` header may also be an HTTP date."""
    try:
        return datetime.strptime(value, _TIMESTAMP).replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None:
        # Wording from scratchstack-aws-signature.
        raise _incomplete(
            f"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
        )
    # botocore writes the Date header with "-0000", which reads as no zone: it means UTC.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _stamp(moment):
    return moment.strftime(_TIMESTAMP)


def _span(delta):
    seconds = int(delta.total_seconds())
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} sec"


def _check_time(signed_at, now, auth):
    """Fifteen minutes either way; a presigned URL instead lasts its X-Amz-Expires from signing.

    The skew messages are AWS's (aws/aws-cli#6676 quotes one from STS). The expired-URL message uses
    the same shape with the URL's lifetime; AWS's wording for non-S3 presigned URLs is not documented
    (S3 answers AccessDenied "Request has expired", and STS is reported to ignore X-Amz-Expires).
    """
    if signed_at > now + MAX_SKEW:
        raise _mismatch(
            f"Signature not yet current: {_stamp(signed_at)} is still later than {_stamp(now + MAX_SKEW)} "
            f"({_stamp(now)} + {_span(MAX_SKEW)}.)"
        )
    lifetime = timedelta(seconds=auth.expires) if auth.presigned and auth.expires is not None else MAX_SKEW
    if signed_at < now - lifetime:
        raise _mismatch(
            f"Signature expired: {_stamp(signed_at)} is now earlier than {_stamp(now - lifetime)} "
            f"({_stamp(now)} - {_span(lifetime)}.)"
        )


def _check_scope(credential, signed_at):
    """The credential's five parts; its terminator and date must be right (region/service: the caller's)."""
    parts = credential.split("/")
    if len(parts) != 5:
        # Wording from scratchstack-aws-signature.
        raise _incomplete(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,"
            f" got '{credential}'"
        )
    access_key_id, date, region, service, terminator = parts
    problems = []
    # AWS's troubleshooting page gives each message's first sentence; the details after it, and the
    # joining of several into one message, are scratchstack-aws-signature's.
    if terminator != TERMINATOR:
        problems.append(
            f"Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'."
        )
    if date != signed_at.strftime("%Y%m%d"):
        problems.append(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{date}' != '{signed_at:%Y%m%d}', from '{_stamp(signed_at)}'."
        )
    if problems:
        raise _mismatch(" ".join(problems))
    return access_key_id, date, region, service
