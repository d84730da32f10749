"""Existing policies with the organization's SCPs and RCPs: listed with a checkbox each, weighed at
their levels, named in the results.

The organizations app (organizations/selectors.py) is being built alongside; the simulator reads
the organization through `accounts.authorization.organization_policies`, the same reading the
console's enforcement uses. Until that app lands these tests stand an organization in for it there;
the shape is the interface's: one list of parsed documents per level, root → OUs → account.
"""

import json

import pytest
from django.urls import reverse

from policies import simulator
from policies.models import InlinePolicy, SimulationRun
from policies.services.permissions import inline_policy_put
from policies.services.simulator import who_can
from tests.accounts.factories import IAMUserFactory

from .permissions_helpers import make_role, statement_policy

URL = reverse("policies:simulator")
HX = {"HX-Request": "true", "HX-Target": "simulator-form"}

FULL_AWS_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
PROTECT_REPORTS = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ProtectReports", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}],
}
NO_TLS_NO_S3 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "EnforceSecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
        }
    ],
}


@pytest.fixture
def organization(monkeypatch, account):
    """The account is a member: FullAWSAccess at the root, ProtectReports at an OU, FullAWSAccess on it."""
    levels = {
        "scps": [[FULL_AWS_ACCESS], [FULL_AWS_ACCESS, PROTECT_REPORTS], [FULL_AWS_ACCESS]],
        "rcps": None,
    }

    def organization_policies(of):
        return (levels["scps"], levels["rcps"]) if of.pk == account.pk else (None, None)

    monkeypatch.setattr("accounts.authorization.organization_policies", organization_policies)
    return levels


@pytest.fixture
def alice(account, root_acting):
    alice = IAMUserFactory(account=account, name="alice")
    inline_policy_put(name="S3All", document=statement_policy("s3:*"), user=alice, acting=root_acting)
    return alice


def test_without_an_organization_no_scp_is_listed(root_client, alice):
    html = root_client.post(
        URL, {"op": "refresh", "principal": f"user:{alice.pk}"}, headers=HX
    ).content.decode()
    assert "S3All" in html and "SCP at level" not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_the_organizations_scps_are_listed_with_a_checkbox_each(root_client, alice, organization, htmx):
    response = root_client.post(
        URL, {"op": "refresh", "principal": f"user:{alice.pk}"}, headers=HX if htmx else {}
    )
    html = response.content.decode()
    for n in range(1, 5):
        assert f'aria-label="Include SCP {n}"' in html
    assert (
        "SCP at level 0 (root)" in html
        and "SCP at level 1 (OU)" in html
        and "SCP at level 2 (account)" in html
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_an_scp_of_the_organization_denies_and_is_named(root_client, alice, organization, htmx):
    response = root_client.post(
        URL,
        {"op": "run", "principal": f"user:{alice.pk}", "action": ["s3:GetObject", "s3:DeleteObject"]},
        headers=HX if htmx else {},
    )
    html = response.content.decode()
    deleted = html.split('data-testid="result-s3:DeleteObject"', 1)[1].split("</tr>", 1)[0]
    fetched = html.split('data-testid="result-s3:GetObject"', 1)[1].split("</tr>", 1)[0]
    assert "denied explicitly" in deleted and ">SCP at level 1</td>" in deleted
    assert "Show statement: SCP 3 (ProtectReports) · SCP at level 1 (OU)" in deleted
    assert ">allowed<" in fetched
    assert ">SCP at level 0, SCP at level 1, SCP at level 2, Identity-based policy</td>" in fetched


def test_leaving_the_denying_scp_out(root_client, alice, organization):
    keep = [p.id for p in simulator.policies_for(alice)] + ["scp:0:0", "scp:1:0", "scp:2:0"]
    html = root_client.post(
        URL,
        {
            "op": "run",
            "principal": f"user:{alice.pk}",
            "include-present": "1",
            "include": keep,
            "action": "s3:DeleteObject",
        },
        headers=HX,
    ).content.decode()
    assert ">allowed<" in html and "denied explicitly" not in html


def test_leaving_out_every_scp_of_a_level_denies_implicitly(root_client, alice, organization):
    keep = [p.id for p in simulator.policies_for(alice)] + ["scp:0:0", "scp:1:0", "scp:1:1"]
    html = root_client.post(
        URL,
        {
            "op": "run",
            "principal": f"user:{alice.pk}",
            "include-present": "1",
            "include": keep,
            "action": "s3:GetObject",
        },
        headers=HX,
    ).content.decode()
    assert "denied implicitly" in html and ">SCP at level 2</td>" in html


def test_the_organizations_rcps_are_weighed_too(root_client, alice, organization):
    organization["rcps"] = [[NO_TLS_NO_S3]]
    html = root_client.post(
        URL,
        {
            "op": "run",
            "principal": f"user:{alice.pk}",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::my-bucket/report.csv",
            "ctx:aws:SecureTransport": "false",
        },
        headers=HX,
    ).content.decode()
    assert 'aria-label="Include RCP 1"' in html and "RCP at level 0 (root)" in html
    assert "denied explicitly" in html and ">RCP at level 0</td>" in html


def test_simulate_principal_policy_weighs_the_organization(account, alice, organization):
    [result] = simulator.simulate_principal_policy(
        account=account, principal=alice, actions=["s3:DeleteObject"], resource_arns=["*"]
    )
    assert (result.decision, result.decided_by) == ("explicitDeny", "SCP at level 1")


def test_a_service_linked_role_is_not_under_scps(account, organization):
    role = make_role(
        account=account, name="AWSServiceRoleForSupport", path="/aws-service-role/support.amazonaws.com/"
    )
    # AWS writes a service-linked role's policies; no service lets a customer do it.
    InlinePolicy.objects.create(name="S3All", document=statement_policy("s3:*"), role=role)
    [result] = simulator.simulate_principal_policy(
        account=account, principal=role, actions=["s3:DeleteObject"], resource_arns=["*"]
    )
    assert result.decision == "allowed"


def test_who_can_weighs_the_organization(account, alice, organization):
    assert [p.name for p, _ in who_can(account=account, action="s3:GetObject", resource="*")] == ["alice"]
    assert who_can(account=account, action="s3:DeleteObject", resource="*") == []


def test_a_whole_service_run_weighs_the_organization(
    root_client, alice, organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        root_client.post(
            URL, {"op": "run-service", "principal": f"user:{alice.pk}", "service": "s3"}, headers=HX
        )
    run = SimulationRun.objects.get()
    decided = {row[0]: (row[2], row[3]) for row in run.results}
    assert decided["s3:DeleteObject"] == ("explicitDeny", "SCP at level 1")
    assert decided["s3:GetObject"][0] == "allowed"


def test_custom_mode_ignores_the_organization(root_client, organization):
    """Custom mode weighs only what is pasted: its own SCPs, or none."""
    policy = json.dumps(FULL_AWS_ACCESS)
    html = root_client.post(
        URL, {"op": "run", "mode": "custom", "policy": policy, "action": "s3:DeleteObject"}, headers=HX
    ).content.decode()
    assert ">allowed<" in html and "SCP at level" not in html


def test_queries_stay_bounded_with_an_organization(
    root_client, alice, organization, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        root_client.post(
            URL,
            {"op": "run", "principal": f"user:{alice.pk}", "action": ["s3:GetObject", "s3:PutObject"]},
            headers=HX,
        )
