"""Query guards: a list page must not grow its query count with its rows (STYLE habit 10).

`assert_constant_queries(client, url, add_row)` builds 2 rows, requests the page, builds 18 more and
requests it again, and fails unless both requests made the same number of queries. A fixed cap on one
dataset cannot tell a page that needs 5 queries from one that needs 5 plus one per row; two sizes can.
`add_row(index)` creates the index-th row with its related objects (groups, keys, attachments, tags)
and returns the text the page shows for it, so that a guard never measures a page that lost its rows
(a refusal, a redirect, an empty filter).

Guards run twice: as the root user (`sign_in_root`) and as an IAM user whose policy allows the reads
and refuses some on tagged resources (`sign_in_reader`), so that the engine's per-row checks are
counted too: the caller is described once per request and each row's tags come prefetched.

Each app's test_queries.py is a table of `ListPage`s (every page, as both personas, full and as its
HTMX fragment); tests/iamconsole/test_query_guards.py holds every page served by GET to a row there
or a reason. `assert_constant_queries_of(call, add_row)` does the same for a selector or a service.
On failure the message names the queries that grew with the rows, then lists them all.
"""

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessKey, Group, GroupMembership, IAMUser, LoginProfile, MFADevice
from console.session import SESSION_KEY
from policies.models import (
    InlinePolicy,
    InstanceProfile,
    ManagedPolicy,
    PolicyAttachment,
    PolicyVersion,
    Role,
)
from tests.grants import grant, statement
from tests.policies.permissions_helpers import EC2_TRUST

SIZES = (2, 20)
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [statement("*")]})

# The tag `add_row` functions put on every other row, and the refusals it brings the reader.
CLASSIFIED = {"Key": "classified", "Value": "yes"}
READER_POLICY = (
    statement(
        [
            "iam:Get*",
            "iam:List*",
            "iam:Simulate*",
            "iam:GenerateServiceLastAccessedDetails",
            "cloudtrail:LookupEvents",
            "organizations:Describe*",
            "organizations:List*",
            "sso:Describe*",
            "sso:Get*",
            "sso:List*",
            "identitystore:Describe*",
            "identitystore:List*",
        ]
    ),
    # Per-row reads the pages make, refused on the classified rows: each row's tags are read.
    statement(
        ["iam:ListAccessKeys", "iam:ListGroupsForUser", "iam:GetPolicyVersion", "iam:GetRole"],
        effect="Deny",
        condition={"StringEquals": {"aws:ResourceTag/classified": "yes"}},
    ),
)


def classified(index):
    """The tags of the index-th row: every other row is classified."""
    return [CLASSIFIED] if index % 2 else []


def sign_in(client, account, user=None):
    """`client` signed in as the account's root user, or as `user`."""
    session = client.session
    session[SESSION_KEY] = {"account": account.id, "user": user.pk if user else None}
    session.save()
    return client


def sign_in_root(client, account):
    """`client` signed in as the account's root user."""
    return sign_in(client, account)


def sign_in_reader(client, account):
    """`client` signed in as the IAM user "reader", allowed the console's reads by its group's policy
    (but refused some of them on classified resources)."""
    reader = IAMUser.objects.create(account=account, name="reader")
    reader.tags.create(key="team", value="audit")
    readers = Group.objects.create(account=account, name="readers")
    GroupMembership.objects.create(user=reader, group=readers)
    grant(*READER_POLICY, group=readers, name="console-reads")
    return sign_in(client, account, reader)


PERSONAS = {"root": sign_in_root, "reader": sign_in_reader}


def signed_in_arn(client, account):
    """The ARN of the identity `client` is signed in as."""
    user = client.session[SESSION_KEY]["user"]
    return account.root_arn if user is None else IAMUser.objects.get(pk=user).arn


def _shape(sql):
    """The statement with its literals blanked, so that the same query on another row counts as one."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\((?:\?, )+\?\)", "(?…)", sql)


def _report(url, sizes, runs):
    small_size, large_size = sizes
    few, many = runs
    grown = Counter(_shape(q["sql"]) for q in many) - Counter(_shape(q["sql"]) for q in few)
    lines = [
        f"{url}: {len(few)} queries with {small_size} rows, {len(many)} with {large_size}.",
        "Queries that grew with the rows (times more):",
        *(f"  +{count} {sql}" for sql, count in grown.most_common()),
        f"All {len(many)} queries with {large_size} rows:",
        *(f"  {index + 1}. {q['sql']}" for index, q in enumerate(many)),
    ]
    return "\n".join(lines)


def _request(client, url, params, data, headers, shown):
    with CaptureQueriesContext(connection) as queries:
        if data is None:
            response = client.get(url, params or {}, headers=headers or {})
        else:
            query = f"?{urlencode(params, doseq=True)}" if params else ""
            response = client.post(f"{url}{query}", data, headers=headers or {})
        # A streamed export reads its rows while it is sent.
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    html = body.decode()
    missing = [text for text in shown if text not in html]
    assert not missing, f"{url} does not show {missing[:5]} of its {len(shown)} rows"
    return list(queries.captured_queries), html


def _compare(label, add_row, measure, sizes):
    """Build sizes[0] rows, measure, build up to sizes[1], measure again: the counts must be equal.
    `measure(shown)` returns (queries, result) and checks the texts `shown` for the rows built."""
    small, large = sizes
    shown = []

    def add(start, stop):
        for index in range(start, stop):
            text = add_row(index)
            if text is not None:
                shown.extend([text] if isinstance(text, str) else text)

    add(0, small)
    measure(shown)  # once unmeasured: the session, per-process caches
    few, _ = measure(shown)
    add(small, large)
    many, result = measure(shown)
    assert len(many) == len(few), _report(label, sizes, (few, many))
    return result


def assert_constant_queries(client, url, add_row, *, params=None, data=None, headers=None, sizes=SIZES):
    """Fail unless `url` takes as many queries with `sizes[1]` rows as with `sizes[0]`.

    `add_row(index)` creates a row and returns the text (or texts) the page shows for it; `params` and
    `headers` go with each GET (an `HX-Target` header measures the fragment), or with a POST of `data`
    when it is given (a form that re-renders its page: the simulator's run). Returns the larger page's
    HTML for the caller's own assertions.
    """
    return _compare(url, add_row, lambda shown: _request(client, url, params, data, headers, shown), sizes)


def assert_constant_queries_of(call, add_row, *, sizes=SIZES):
    """Fail unless `call()` (a selector or service that pages rely on) makes as many queries with
    `sizes[1]` rows as with `sizes[0]`. `add_row(index)` creates a row; what it returns is ignored.
    Returns `call()`'s last result for the caller's own assertions."""

    def measure(shown):
        with CaptureQueriesContext(connection) as queries:
            result = call()
        return list(queries.captured_queries), result

    return _compare(getattr(call, "__name__", repr(call)), add_row, measure, sizes)


# Rows with the related objects the pages list, each named `<kind>-NN` (zero-padded, so that no
# name is a prefix of another in the page).


def user_row(account, index, *, group=None):
    """The user `user-NN`: in two groups of its own (and `group`), with an access key, a console
    password, a virtual MFA device, an attached and an inline policy, and its tags."""
    name = f"user-{index:02d}"
    user = IAMUser.objects.create(account=account, name=name)
    for tag in [{"Key": "team", "Value": f"t{index}"}, *classified(index)]:
        user.tags.create(key=tag["Key"], value=tag["Value"])
    for suffix in ("a", "b"):
        GroupMembership.objects.create(
            user=user, group=Group.objects.create(account=account, name=f"{name}-{suffix}")
        )
    if group is not None:
        GroupMembership.objects.create(user=user, group=group)
    AccessKey.objects.create(
        account=account, user=user, access_key_id=f"AKIAQUERYGUARD{index:06d}", secret_encrypted="x"
    )
    LoginProfile.objects.create(user=user, password="x")
    MFADevice.objects.create(
        account=account, user=user, name=name, seed_encrypted="x", enabled_at=timezone.now()
    )
    PolicyAttachment.objects.create(user=user, policy=policy_row(account, index, prefix="user-policy"))
    InlinePolicy.objects.create(user=user, name=f"{name}-inline", document=ALLOW_ALL)
    return name


def policy_row(account, index, *, prefix="policy", versions=2):
    """The customer managed policy `<prefix>-NN` with `versions` versions and its tags."""
    name = f"{prefix}-{index:02d}"
    now = timezone.now()
    policy = ManagedPolicy.objects.create(
        account=account,
        name=name,
        arn=f"arn:aws:iam::{account.id}:policy/{name}",
        created_at=now,
        updated_at=now,
        default_version_number=versions,
        next_version_number=versions + 1,
    )
    for number in range(1, versions + 1):
        PolicyVersion.objects.create(policy=policy, number=number, document=ALLOW_ALL, created_at=now)
    for tag in classified(index):
        policy.tags.create(key=tag["Key"], value=tag["Value"])
    return policy


def role_row(account, index, *, prefix="role"):
    """The role `<prefix>-NN`: an attached and an inline policy, an instance profile, its tags."""
    name = f"{prefix}-{index:02d}"
    role = Role.objects.create(account=account, name=name, trust_policy=EC2_TRUST)
    for tag in [{"Key": "team", "Value": f"t{index}"}, *classified(index)]:
        role.tags.create(key=tag["Key"], value=tag["Value"])
    PolicyAttachment.objects.create(role=role, policy=policy_row(account, index, prefix=f"{prefix}-policy"))
    InlinePolicy.objects.create(role=role, name=f"{name}-inline", document=ALLOW_ALL)
    InstanceProfile.objects.create(account=account, name=f"{name}-profile", role=role)
    return role


# The list pages, as tables of guards: each app's test_queries.py names its pages and how to fill them.


@dataclass(frozen=True)
class ListPage:
    """A page that lists rows. `build(client, account)` prepares what the page needs (a group whose
    members are the rows, a wizard's draft) and returns (url, add_row), or (url, add_row, data) for a
    list that answers a POST of `data`."""

    name: str  # the URL name, as iamconsole.enforcement.PAGES names it
    build: Callable
    params: dict | None = None
    fragment: str = ""  # the HX-Target of its table: measured too
    personas: tuple = ("root", "reader")
    sizes: tuple = SIZES  # smaller where AWS caps the rows (two access keys, eight MFA devices)
    label: str = ""  # which of the page's lists, when a page has several (its tabs)

    @property
    def id(self):
        return f"{self.name}:{self.label}" if self.label else self.name


def guard_cases(pages):
    """pytest params (page, persona, headers): every page as each persona, full and as its fragment."""
    cases = []
    for page in pages:
        for persona in page.personas:
            cases.append(pytest.param(page, persona, {}, id=f"{page.id}-{persona}"))
            if page.fragment:
                headers = {"HX-Request": "true", "HX-Target": page.fragment}
                cases.append(pytest.param(page, persona, headers, id=f"{page.id}-{persona}-fragment"))
    return cases


def check_page(page, persona, headers, client, account):
    """Sign `client` in as `persona`, build the page and guard it; returns the larger page's HTML."""
    PERSONAS[persona](client, account)
    url, add_row, *data = page.build(client, account)
    data = data[0] if data else None
    return assert_constant_queries(
        client, url, add_row, params=page.params, data=data, headers=headers, sizes=page.sizes
    )
