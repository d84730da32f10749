"""The policies list stays fast and constant in queries at the console's size: the AWS managed catalog
plus 1,500 customer managed policies, some attached and used as boundaries."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import IAMUser
from policies.models import ManagedPolicy, PolicyAttachment
from tests.accounts.factories import GroupFactory


@pytest.fixture
def many_customer_policies(account, aws_managed_policies):
    now = timezone.now()
    ManagedPolicy.objects.bulk_create(
        ManagedPolicy(
            account=account,
            name=f"team-policy-{i:04}",
            arn=f"arn:aws:iam::{account.id}:policy/team-policy-{i:04}",
            policy_id=f"ANPACUSTOMER{i:09}",
            description=f"Policy number {i}",
            created_at=now,
            updated_at=now,
        )
        for i in range(1500)
    )
    return ManagedPolicy.objects.filter(account=account)


def _queries(client, params=None, headers=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("policies:policy_list"), params or {}, headers=headers or {})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_list_takes_the_same_queries_for_a_few_policies_and_for_thousands(
    root_client, account, bob, many_customer_policies
):
    _queries(root_client)  # the session, per-process caches
    few, _ = _queries(root_client, {"q": "team-policy-000"})  # 10 rows
    # Attachments and boundaries on the first page do not add a query per row.
    group = GroupFactory(account=account)
    for policy in many_customer_policies.order_by("name")[:20]:
        PolicyAttachment.objects.create(policy=policy, group=group)
    IAMUser.objects.filter(pk=bob.pk).update(permissions_boundary_arn=many_customer_policies.first().arn)
    count, html = _queries(root_client, {"type": "customer"})
    assert count == few
    assert "Permissions policy (1)" in html
    count, html = _queries(root_client)
    assert count == few
    assert f"({ManagedPolicy.objects.count()})" in html
    count, html = _queries(
        root_client, {"q": "access", "page": "3"}, {"HX-Request": "true", "HX-Target": "policy-table"}
    )
    assert count == few
    assert html.lstrip().startswith('<div id="policy-table"')


def test_search_by_name_answers_quickly_at_this_size(root_client, many_customer_policies):
    root_client.get(reverse("policies:policy_list"))  # warm caches (templates, session)
    started = time.perf_counter()
    for term in ["s3", "team-policy-14", "ReadOnly", "zzz-none"]:
        root_client.get(
            reverse("policies:policy_list"),
            {"q": term},
            headers={"HX-Request": "true", "HX-Target": "policy-table"},
        )
    elapsed = time.perf_counter() - started
    # Generous: a debounced keystroke must come back well under a second even on a slow CI machine.
    assert elapsed / 4 < 1.0, f"{elapsed / 4:.3f}s per search"


def test_the_catalog_and_customer_policies_are_listed_together_in_name_order(
    root_client, many_customer_policies
):
    _, html = _queries(root_client, {"q": "Access"})
    names = [line.split(">")[1].split("<")[0] for line in html.split('<td><a href="/policies/details/')[1:]]
    assert names == sorted(names, key=str.lower) and len(names) == 25
