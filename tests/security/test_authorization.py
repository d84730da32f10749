"""Default-deny, proven from the URL resolver rather than a list: every URL of the project, filled from
an account that holds one of each entity (tests/security/surface.py), is requested with every method,
with and without HTMX headers and a CSRF token, by an IAM user who may not see what it asks for. No
response may show a marker of what it was refused, and nothing may change but audit events and
sign-in bookkeeping.
"""

import json
from collections import Counter
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from accounts.models import AuditEvent, IAMUser, ServiceLastAccess, SignInFailure, UserTag
from policies.models import InlinePolicy, PolicyTag, RoleTag

from .surface import response_text, sign_in, url_cases

pytestmark = pytest.mark.django_db

METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PROJECT_APPS = {"accounts", "policies", "organizations", "identitycenter", "iamconsole"}
# What a request may change without having been allowed anything: CloudTrail's record of it, its
# last accessed rollup (AWS counts refused attempts as accesses too), and the sign-in throttle's bookkeeping.
BOOKKEEPING = {AuditEvent, ServiceLastAccess, SignInFailure}


def _state():
    """Every row of every model of the project, but the bookkeeping."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and model not in BOOKKEEPING:
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


def _sweep(surface, user):
    """Every URL × method × HTMX or not × CSRF token or not, as `user`: (case, response) pairs."""
    client = Client(enforce_csrf_checks=True)
    for name, path in url_cases(surface):
        for method in METHODS:
            for htmx in (False, True):
                for csrf in (True, False) if method in UNSAFE else (True,):
                    # Each request signs in afresh: a sign-out an earlier one made must not end the sweep.
                    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
                    sign_in(client, surface.account, user)
                    headers = (
                        {"HX-Request": "true", "HX-Current-URL": f"http://testserver{path}"} if htmx else {}
                    )
                    if csrf:
                        token = _get_new_csrf_string()
                        client.cookies[settings.CSRF_COOKIE_NAME] = token
                        headers["X-CSRFToken"] = token
                    response = client.generic(
                        method, path, b"", content_type="application/x-www-form-urlencoded", headers=headers
                    )
                    yield (name, path, method, htmx, csrf), response


def _leaks(surface, user, guarded, exempt=()):
    """The responses that show any of `guarded`, and the status counts of the sweep."""
    leaks, statuses = [], Counter()
    for case, response in _sweep(surface, user):
        statuses[response.status_code] += 1
        assert response.status_code < 500, case
        if case[0] in exempt:
            continue
        text = response_text(response).casefold()
        # A refusal may name what the request itself named (AWS's "… on resource: user NAME").
        asked = unquote(case[1]).casefold()
        shown = [value for value in guarded if value.casefold() in text and value.casefold() not in asked]
        if shown:
            leaks.append((case, shown))
    return leaks, statuses


def _summary(leaks):
    """One line per URL name and method: what showed."""
    lines = {}
    for (name, _path, method, _htmx, _csrf), shown in leaks:
        lines.setdefault((name, method), set()).update(shown)
    return "\n".join(f"{name} {method}: {sorted(shown)}" for (name, method), shown in sorted(lines.items()))


def test_an_iam_user_with_no_policy_sees_nothing_and_changes_nothing(surface):
    before = _state()

    leaks, statuses = _leaks(surface, surface.caller, [*surface.markers, *surface.secrets])

    assert leaks == [], _summary(leaks)
    assert _state() == before
    # Not a sweep of redirects: signed in, the console refused (403), or said 405 for itself.
    assert statuses[403] > 500 and statuses[405] > 1000 and statuses[302] < 100, statuses
    refused = AuditEvent.objects.filter(error_code="AccessDenied", user_identity__arn=surface.caller.arn)
    assert refused.count() > 100


# A user allowed everything except what carries the tag protected=true. AWS's list calls (ListUsers,
# ListRoles, ListPolicies, ListEntitiesForPolicy …) are not on a tagged resource, so names, paths,
# descriptions and trust policies stay listed; what only the tagged entity's own reads return must not
# show: its tags, access key, MFA devices, inline policies and the managed policy's versions.
TAGGED_ONLY = (
    "usertagkey",
    "usertagvalue",
    "userinline",
    "userinlinesid",
    "mfa",
    "pendingmfa",
    "roletagkey",
    "roletagvalue",
    "roleinline",
    "roleinlinesid",
    "policytagkey",
    "policytagvalue",
    "policytagkeytwo",
    "policytagvaluetwo",
    "policyversionone",
    "policyversiontwo",
)
# CloudTrail shows every call's request parameters to whoever may LookupEvents, tags and policy
# documents included: the surface's own creation is in Event history, as it would be in AWS.
EVENT_HISTORY = {"accounts:event_history", "accounts:event_history_download"}


def _kind(marker, prefix="MARKER"):
    return marker.removeprefix(prefix).rstrip("0123456789")


def test_allow_all_but_a_tagged_resource_shows_nothing_of_it_and_changes_nothing(surface):
    admin = IAMUser.objects.create(account=surface.account, name="almost-admin")
    InlinePolicy.objects.create(
        user=admin,
        name="all-but-protected",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                    {
                        "Effect": "Deny",
                        "Action": "*",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:ResourceTag/protected": "true"}},
                    },
                ],
            }
        ),
    )
    UserTag.objects.create(user=surface.user, key="protected", value="true")
    RoleTag.objects.create(role=surface.role, key="protected", value="true")
    PolicyTag.objects.create(policy=surface.policy, key="protected", value="true")
    guarded = [marker for marker in surface.markers if _kind(marker) in TAGGED_ONLY]
    assert len(guarded) == len(TAGGED_ONLY)
    before = _state()

    leaks, statuses = _leaks(surface, admin, [*guarded, *surface.secrets], exempt=EVENT_HISTORY)

    assert leaks == [], _summary(leaks)
    # Download credentials report generates the account's report, which iam:GenerateCredentialReport
    # on "*" allows (the report is on no tagged resource): the one change the sweep may make.
    after = _state()
    assert [row["account_id"] for row in after.pop("accounts.CredentialReport")] == [surface.account.id]
    assert before.pop("accounts.CredentialReport") == []
    assert after == before
    # Allowed everything else, the sweep saw the console's pages, not only refusals.
    assert statuses[200] > 300 and statuses[403] > 50
