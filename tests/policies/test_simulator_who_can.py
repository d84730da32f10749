"""Who can?: every user and role of the account allowed one action on one resource, and why."""

import pytest
from django.urls import reverse

from policies.services.permissions import inline_policy_put, policy_attach
from policies.services.simulation_runs import who_can
from tests.accounts.factories import IAMUserFactory
from tests.queries import assert_constant_queries_of

from .permissions_helpers import make_policy, make_role, statement_policy

URL = reverse("policies:simulator")
HX = {"HX-Request": "true", "HX-Target": "simulator-who-can"}
OBJECT = "arn:aws:s3:::my-bucket/report.csv"


@pytest.fixture
def principals(account, root_acting):
    """alice reads S3 but may not delete; bob has nothing; the app-role may do anything in S3."""
    alice = IAMUserFactory(account=account, name="alice")
    read = make_policy(name="S3Read", account=account, document=statement_policy("s3:GetObject"))
    policy_attach(policy=read, user=alice, acting=root_acting)
    inline_policy_put(
        name="NoDelete",
        document=statement_policy("s3:DeleteObject", effect="Deny"),
        user=alice,
        acting=root_acting,
    )
    bob = IAMUserFactory(account=account, name="bob")
    role = make_role(account=account, name="app-role")
    full = make_policy(name="S3Full", account=account, document=statement_policy("s3:*"))
    policy_attach(policy=full, role=role, acting=root_acting)
    return alice, bob, role


def _names(allowed):
    return [principal.name for principal, _ in allowed]


def test_lists_the_allowed_users_and_roles_with_the_deciding_statements(account, principals):
    allowed = who_can(account=account, action="s3:GetObject", resource=OBJECT)

    assert _names(allowed) == ["alice", "app-role"]
    (_, alice_result), (_, role_result) = allowed
    assert [(m.policy, m.effect) for m in alice_result.matched] == [("S3Read", "Allow")]
    assert [m.policy for m in role_result.matched] == ["S3Full"]


def test_an_explicit_deny_leaves_the_principal_out(account, principals):
    assert _names(who_can(account=account, action="s3:DeleteObject", resource=OBJECT)) == ["app-role"]


def test_nobody_when_no_policy_allows(account, principals):
    assert who_can(account=account, action="iam:CreateUser", resource="*") == []


def test_another_accounts_principals_are_never_listed(charlie_account, principals):
    assert who_can(account=charlie_account, action="s3:GetObject", resource=OBJECT) == []


def test_takes_as_many_queries_for_twenty_principals_as_for_two(account, root_acting, principals):
    def add_row(index):
        user = IAMUserFactory(account=account, name=f"extra-{index}")
        role = make_role(account=account, name=f"extra-role-{index}")
        many = statement_policy(["s3:GetObject", "s3:PutObject", "s3:ListBucket"])
        for entity in ({"user": user}, {"role": role}):
            for m in range(3):
                policy = make_policy(
                    name=f"P{index}-{m}-{next(iter(entity))}", account=account, document=many
                )
                policy_attach(policy=policy, acting=root_acting, **entity)

    allowed = assert_constant_queries_of(
        lambda: who_can(account=account, action="s3:GetObject", resource=OBJECT), add_row
    )
    assert len(allowed) == 2 + 2 * 20


def test_tab_shows_the_form(root_client, principals):
    html = root_client.get(URL, {"mode": "who-can"}).content.decode()

    assert 'aria-selected="true">Who can?</a>' in html
    assert 'id="simulator-who-can"' in html and 'name="who_action"' in html


@pytest.mark.parametrize("headers", [{}, HX])
def test_post_lists_who_can_full_page_and_fragment(root_client, principals, headers):
    response = root_client.post(
        URL, {"mode": "who-can", "who_action": "s3:GetObject", "who_resource": OBJECT}, headers=headers
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert ("<h1>Policy simulator</h1>" in html) is not bool(headers)
    if headers:
        assert html.lstrip().startswith('<form id="simulator-who-can"')
    assert "Allowed principals (2)" in html
    assert 'data-testid="who-alice"' in html and 'data-testid="who-app-role"' in html
    assert 'data-testid="who-bob"' not in html
    assert "Show statement: S3Read (statement 1)" in html


def test_unknown_action_and_bad_arn_are_flagged_beside_their_fields(root_client, principals):
    html = root_client.post(
        URL, {"mode": "who-can", "who_action": "s3:Nope", "who_resource": OBJECT}, headers=HX
    ).content.decode()
    assert "Enter an action of the catalog, service:Action, s3:GetObject." in html
    assert "Allowed principals" not in html

    html = root_client.post(
        URL, {"mode": "who-can", "who_action": "s3:GetObject", "who_resource": "my-bucket"}, headers=HX
    ).content.decode()
    assert "The resource ARN is not valid." in html
    assert "Allowed principals" not in html


def test_charlie_sees_only_his_own_principals(charlie_client, charlie_account, principals):
    IAMUserFactory(account=charlie_account, name="charlie-admin")

    html = charlie_client.post(
        URL, {"mode": "who-can", "who_action": "s3:GetObject", "who_resource": OBJECT}, headers=HX
    ).content.decode()

    assert "Allowed principals (0)" in html
    assert "alice" not in html and "app-role" not in html
