"""Hostile input to every URL of the console is answered, never a server error (hypothesis).

Every URL pattern of the resolver, filled from the surface account (tests/security/surface.py), gets
GET and POST requests (one or two in a session) with the fields the console's forms post: read from
the templates, the Django forms, and the root user's pages, whose forms and links say which URL
they send which fields and values to; plus the usual suspects. Either all of a URL's fields carry
one hostile value (a number in a value gives way to it: remove_tag_0 becomes remove_tag_²), or a
few random fields carry random ones: digits int() refuses or misreads, numbers past every limit,
inf and nan, very long strings, JSON nested 100,000 deep, NUL bytes, path traversal, markup. With
and without HTMX headers, and now and then with a path keyword bent too. Signed in as the root
user, requests reach the views' parsing; as an IAM user with no policy, they reach the refusals.

Derandomized, without the example database, so that CI runs the same examples every time;
IAMCONSOLE_FUZZ_EXAMPLES=200 fuzzes deeper locally.
"""

import contextlib
import json
import logging
import os
import random
import re
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .surface import filled_patterns, form_fields, htmx_targets, path_for, sign_in, url_cases

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("IAMCONSOLE_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class Named(str):
    """A long hostile value that shows by its recipe in hypothesis' report, not 100,000 characters."""

    def __new__(cls, value, name):
        made = super().__new__(cls, value)
        made.name = name
        return made

    def __repr__(self):
        return self.name


def _policy(statement_json):
    return '{"Version":"2012-10-17","Statement":[' + statement_json + "]}"


# Numbers int() refuses or misreads ("²" passes str.isdigit()), and numbers past every limit.
DIGITS = ["²", "١", "１", "-1", " 1", "1_0", "1.5"]
HUGE = ["99999999999999999999", "9223372036854775808", "1e309", Named("9" * 5000, "'9' * 5000")]
FLOATS = ["inf", "-inf", "Infinity", "nan", "NaN", "1e999"]
DEEP = [
    Named("[" * 100_000, "'[' * 100000"),
    Named("[" * 100_000 + "]" * 100_000, "'[' * 100000 + ']' * 100000"),
    Named('{"a":' * 50_000 + "1" + "}" * 50_000, "'{\"a\":' * 50000 + '1' + '}' * 50000"),
    Named(_policy("[" * 100_000 + "]" * 100_000), "policy with Statement nested 100000 deep"),
]
POLICIES = [
    _policy('{"Effect":"Allow","Action":"s3:*","Resource":"*"}'),
    Named(
        _policy('{"Effect":"Allow","Action":"s3:*","Resource":"*","Sid":' + "1" * 5000 + "}"),
        "policy 5000-digit Sid",
    ),
    Named(
        _policy(
            '{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"'
            + "1" * 4400
            + '"}}}'
        ),
        "policy NumericLessThan 4400 digits",
    ),
    _policy(
        '{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":1e999}}}'
    ),
    _policy(
        '{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"9999999999999999999999"}}}'
    ),
    _policy('{"Effect":"Allow","Action":"iam:*","Resource":"*","Principal":{"AWS":"*"}}'),
    '{"Version":"2012-10-17","Statement":[]}',
    '{"Version":1e400,"Statement":{}}',
    "[]",
    "{}",
    "null",
    '"a"',
]
STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=1",
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "//evil.example.com",
    "https://evil.example.com/",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "{{ 7|add:7 }}{% debug %}",
    "ſ",
    "İı",
    "\u202e\u200b",
    "😀",
    "%",
    "%00",
    "true",
    "on",
    "*",
    Named("A" * 100_000, "'A' * 100000"),
]
# Usual suspects besides the fields the forms post.
SUSPECT_KEYS = [
    "step", "action", "index", "version", "versions", "tab", "page", "sort", "order", "custom_hours",
    "document", "policy", "name", "tag_key_0", "tag_value_0", "tag_key", "tag_value", "left", "right",
    "pk", "id", "device", "next", "q", "ve-op", "ve-block", "ve-0-cond", "ve-meta", "summary_document",
    "policy_type", "field", "principal", "service", "effect", "task_id", "account", "roleName",
]  # fmt: skip


def _surface_values(s):
    return [
        s.user.name, s.group.name, s.role.name, s.caller.name, s.policy.arn, s.policy.name,
        s.instance_profile.name, s.saml_provider.name, s.oidc_provider.url, str(s.oidc_provider.pk),
        s.access_key.access_key_id, str(s.mfa_device.pk), str(s.pending_mfa_device.pk),
        str(s.root_mfa_device.pk), f"user:{s.user.pk}", f"group:{s.group.pk}", f"role:{s.role.pk}",
        "v1", "v2", "v3", s.account.id, s.member.account_id, s.organization.root_id, s.ou.id, s.scp.id,
        s.handshake.id, str(s.simulation_run.pk), "s3", "s3:GetObject", "iam:CreateUser", "*",
        "arn:aws:iam::aws:policy/AdministratorAccess",
    ]  # fmt: skip


class _Forms(HTMLParser):
    """The fields a page's forms post and the URLs they post to (a rough reading, enough to aim)."""

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.pairs = []  # (field, value) of inputs, buttons, options and hx-vals
        self.posts = []  # paths forms and HTMX elements send to
        self.queries = []  # (path, field, value) from the query strings of links and form targets
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "select":
            self.select = attrs.get("name")
        if tag == "option" and self.select:
            self.pairs.append((self.select, attrs.get("value", "")))
        if "name" in attrs:
            self.pairs.append((attrs["name"], attrs.get("value", "")))
        with contextlib.suppress(ValueError):
            vals = json.loads(attrs.get("hx-vals") or "{}")
            self.pairs += [(key, str(value)) for key, value in vals.items()] if isinstance(vals, dict) else []
        for attr in ("action", "hx-post", "hx-get", "href"):
            if attrs.get(attr, "").startswith(("/", "?")):
                target = urlsplit(urljoin(self.page, attrs[attr]))
                if attr != "href":
                    self.posts.append(target.path)
                self.queries += [
                    (target.path, k, v) for k, v in parse_qsl(target.query, keep_blank_values=True)
                ]


class Harvest(dict):
    """{path: {field: {values}}} that the root user's pages send to each URL: their forms' fields
    when a form posts there, the query strings of links and form targets (kept apart as well)."""

    def __init__(self):
        super().__init__()
        self._queries = defaultdict(set)
        self.known = defaultdict(set)

    def add(self, path, field, value, *, query=False):
        self.setdefault(path, defaultdict(set))[field].add(value)
        if query:
            self._queries[path].add(field)

    def queries(self, path):
        return self._queries.get(path, set())


def harvest(surface, cases):
    found = Harvest()
    client = sign_in(Client(), surface.account)
    for _, path in cases:
        with transaction.atomic():
            response = client.get(path)
            transaction.set_rollback(True)
        if response.streaming or "html" not in response.get("Content-Type", ""):
            continue
        forms = _Forms(path)
        forms.feed(response.content.decode(errors="replace"))
        for target in {path, *forms.posts}:
            for field, value in forms.pairs:
                found.add(target, field, value)
        for target, field, value in forms.queries:
            found.add(target, field, value, query=True)
    # Every value any page or template sends a field, for the fields of all URLs.
    for name, values in form_fields().items():
        found.known[name] |= set(values)
    for by_field in found.values():
        for name, values in by_field.items():
            found.known[name] |= values
    return found


CATEGORIES = [DIGITS, HUGE, FLOATS, DEEP, POLICIES, STRINGS]
HOSTILE = st.one_of(*(st.sampled_from(category) for category in CATEGORIES))


_DIGIT = re.compile("[0-9]")


def _bend(value, hostile):
    """The value with its first number replaced by a hostile one (remove_tag_0 -> remove_tag_²), or
    the hostile value in its place."""
    if _DIGIT.search(value) and len(hostile) < 100:
        return re.sub(r"[0-9]+", lambda _: hostile, value, count=1)
    return hostile


@dataclass
class Pools:
    """What the requests to one URL draw from. Each URL shuffles the shared pools its own way, so
    that derandomized runs of one function still send each URL other fields and values."""

    known: dict  # field -> the values the console's forms and pages send it
    own_known: dict  # field -> the values this URL's own forms and links send it
    form: list  # the fields the forms that post to this URL send
    query: list  # the fields of the query strings this URL is linked or posted with
    suspects: list
    everything: list
    anything: list  # surface names, ARNs, IDs
    targets: list

    def value(self, field):
        known = self.known.get(field) or [""]
        one = st.one_of(
            st.sampled_from(known),
            st.tuples(st.sampled_from(known), HOSTILE).map(lambda pair: _bend(*pair)),
            HOSTILE,
            st.sampled_from(self.anything),
            st.text(max_size=20),
        )
        return st.one_of(one, st.lists(one, min_size=2, max_size=3))

    def fields(self, own, max_size):
        """Random fields: this URL's own first, then the usual suspects and any form's."""
        keys = st.one_of(*(st.sampled_from(pool) for pool in (own, self.suspects, self.everything) if pool))
        pairs = st.lists(
            keys.flatmap(lambda key: st.tuples(st.just(key), self.value(key))), max_size=max_size
        )
        return pairs.map(_multidict)

    def flood(self, own, attack):
        """This URL's fields at once under one attack: the number in a value gives way to it
        (remove_tag_0 -> remove_tag_²), values without one stay as a form sends them, so that the
        request still goes where the form's does (action=set_default), and free text is the attack."""
        return st.fixed_dictionaries({field: self._attacked(field, attack) for field in own})

    def _attacked(self, field, attack):
        own = self.own_known.get(field, [])
        numbered = [value for value in self.known.get(field, []) if _DIGIT.search(value)]
        choices = [st.sampled_from(pool) for pool in (own, numbered) if pool]
        value = st.one_of(*choices) if choices else st.just("")
        return value.map(
            lambda known: [known if known and not _DIGIT.search(known) else _bend(known, attack)]
        )


def _multidict(pairs):
    data = defaultdict(list)
    for key, value in pairs:
        data[key] += value if isinstance(value, list) else [value]
    return dict(data)


def _pools(surface, harvested, path):
    shuffle = random.Random(path)

    def shuffled(items):
        items = sorted(items)
        return shuffle.sample(items, len(items))

    own = harvested.get(path, {})
    return Pools(
        known={name: shuffled(values) for name, values in harvested.known.items()},
        own_known={name: shuffled(values) for name, values in own.items()},
        form=shuffled(name for name in own if name not in harvested.queries(path)),
        query=shuffled(harvested.queries(path)),
        suspects=shuffled(SUSPECT_KEYS),
        everything=shuffled(harvested.known),
        anything=shuffled(_surface_values(surface)),
        targets=shuffled(htmx_targets()),
    )


@dataclass
class Request:
    method: str
    path: str
    query: dict
    data: dict
    headers: dict
    urlencoded: bool

    def send(self, client):
        # A URL carries some kilobytes at most (servers refuse longer ones), and percent-encoding
        # 100,000 brackets costs more than the request: long values go in the query cut short, and
        # in a multipart body rather than an urlencoded one.
        query = _cut(self.query if self.method == "POST" else self.data)
        path = f"{self.path}?{urlencode(query, doseq=True)}" if query else self.path
        if self.method == "GET":
            return client.get(path, headers=self.headers)
        if self.urlencoded and _cut(self.data) == self.data:
            body = urlencode(self.data, doseq=True)
            return client.post(
                path, body, content_type="application/x-www-form-urlencoded", headers=self.headers
            )
        return client.post(path, self.data, headers=self.headers)


URL_VALUE_MAX = 4000


def _cut(data):
    return {key: [value[:URL_VALUE_MAX] for value in values] for key, values in data.items()}


PATH_VALUES = [
    value for category in (DIGITS, HUGE, FLOATS, STRINGS) for value in category if 0 < len(value) < 1000
]


@st.composite
def requests(draw, pattern, values, pools):
    """One request to the pattern: GET or POST; this URL's form fields flooded with one hostile
    value, or random fields; HTMX headers or not; now and then a path keyword bent too."""
    values = dict(values)
    if values and draw(st.integers(0, 5)) == 0:
        values[draw(st.sampled_from(sorted(values)))] = draw(st.sampled_from(PATH_VALUES))
    method = draw(st.sampled_from(["GET", "POST"]))
    form = pools.form if method == "POST" else pools.form + pools.query
    if draw(st.booleans()):
        hostile = draw(HOSTILE)
        data = draw(pools.flood(form, hostile))
        query = draw(pools.flood(pools.query, hostile)) if method == "POST" else {}
    else:
        data = draw(pools.fields(form, max_size=5))
        query = draw(pools.fields(pools.query, max_size=2)) if method == "POST" else {}
    htmx = st.one_of(
        st.just({}),
        st.just({"HX-Request": "true"}),
        st.sampled_from(pools.targets).map(lambda target: {"HX-Request": "true", "HX-Target": target}),
    )
    return Request(
        method=method,
        path=path_for(pattern.route, values),
        query=query,
        data=data,
        headers=draw(htmx),
        urlencoded=draw(st.booleans()),
    )


# Server errors this test found in modules that another change owns, reported to it: (module,
# exception). None is left.
OWNED_ELSEWHERE = set()


def _owned_elsewhere(error):
    files = [frame.filename for frame in traceback.extract_tb(error.__traceback__)]
    return any(
        type(error).__name__ == name and any(file.endswith(module) for file in files)
        for module, name in OWNED_ELSEWHERE
    )


def _outcome(response):
    """ "signin" when sent to sign in, "refused" when refused, missing or not allowed that method,
    else "reached": a view parsed the request."""
    if response.status_code == 302 and response["Location"].startswith("/signin"):
        return "signin"
    return "refused" if response.status_code in (403, 404, 405) else "reached"


def _fuzz(surface, harvested, pattern, values, user, examples, outcomes):
    pools = _pools(surface, harvested, path_for(pattern.route, values))

    # A few requests in one session: the wizards keep their steps there.
    @settings(FUZZ, max_examples=examples)
    @given(sequence=st.lists(requests(pattern, values, pools), min_size=1, max_size=2))
    def fuzz(sequence):
        with transaction.atomic():
            client = sign_in(Client(), surface.account, user)
            for request in sequence:
                try:
                    response = request.send(client)
                except Exception as error:
                    if not _owned_elsewhere(error):
                        raise
                    continue
                outcomes[pattern.name][_outcome(response)] += 1
                assert response.status_code < 500, f"{request.method} {request.path}: {response.status_code}"
            transaction.set_rollback(True)

    fuzz()


@pytest.fixture(scope="module")
def harvested(surface, django_db_blocker):
    with django_db_blocker.unblock():
        return harvest(surface, url_cases(surface))


@pytest.fixture
def quiet_request_log():
    # Thousands of 4xx warnings would only slow the run; a 5xx fails the test anyway.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


# Examples per URL case: the root user's requests go deep into the views; the IAM user without a
# policy is refused early, so fewer examples reach everything its refusals do.
IDENTITIES = {"root": 12, "iam_user_without_policy": 4}

# Views that parse numbers, policy JSON or tags: the fuzz must have gone through them.
MUST_REACH = [
    "policies:policy_validate",
    "policies:policy_summary",
    "policies:visual_editor_update",
    "policies:policy_editor",
    "policies:role_edit",
    "policies:role_create",
    "policies:policy_create",
    "policies:policy_versions",
    "policies:simulator",
    "accounts:user_create",
    "accounts:user_tags",
    "organizations:policy_create",
]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_hostile_input_never_answers_a_server_error(surface, harvested, identity, quiet_request_log):
    user = None if identity == "root" else surface.caller
    examples = EXAMPLES or IDENTITIES[identity]
    outcomes = {}
    failures = []
    for pattern, values in filled_patterns(surface):
        outcomes.setdefault(pattern.name, Counter())
        try:
            _fuzz(surface, harvested, pattern, values, user, examples, outcomes)
        except Exception as error:  # noqa: BLE001 - every URL is fuzzed; all failures are reported
            failures.append(f"{pattern.name}:\n{''.join(traceback.format_exception(error))}")
    assert not failures, f"{len(failures)} URL patterns answered a server error:\n\n" + "\n\n".join(failures)

    # Not a no-op: every URL got its examples, signed in, and the root user's got past the URL and
    # the method to the views' parsing (most of them, and surely the views that parse the most).
    total = sum(outcomes.values(), Counter())
    assert all(sum(counts.values()) >= examples for counts in outcomes.values())
    assert total["signin"] < total.total() / 10, total
    if identity == "root":
        reached = [name for name, counts in outcomes.items() if counts["reached"]]
        assert total["reached"] > total.total() / 2, total
        assert len(reached) > len(outcomes) * 0.85, sorted(set(outcomes) - set(reached))
        assert [name for name in MUST_REACH if name not in reached] == []
