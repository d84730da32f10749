"""The policy simulator page: full page, HTMX fragments, bad input beside its field, tenant isolation."""

import json

import pytest
from django.urls import reverse

from policies.selectors import simulation
from policies.services.permissions import inline_policy_put, policy_attach
from tests.accounts.factories import IAMUserFactory

from .permissions_helpers import make_policy, make_role, statement_policy

URL = reverse("policies:simulator")
HX = {"HX-Request": "true"}

SOURCE_IP_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "FromOffice",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            }
        ],
    }
)


@pytest.fixture
def alice(account, root_acting):
    alice = IAMUserFactory(account=account, name="alice")
    read = make_policy(name="S3Read", account=account, document=statement_policy("s3:GetObject"))
    policy_attach(policy=read, user=alice, acting=root_acting)
    inline_policy_put(
        name="NoDelete",
        document=statement_policy("s3:DeleteObject", effect="Deny"),
        user=alice,
        acting=root_acting,
    )
    return alice


def _run(client, data, target="simulator-form"):
    return client.post(URL, {"op": "run", **data}, headers={**HX, "HX-Target": target})


def test_page_shows_both_modes(root_client, alice):
    response = root_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Policy simulator</h1>" in html
    assert "Existing policies" in html and "Custom policies" in html
    assert ">alice</option>" in html


def test_nav_shows_the_simulator(root_client):
    assert 'href="/policy-simulator/"' in root_client.get(reverse("accounts:user_list")).content.decode()


def test_choosing_a_user_lists_every_policy_in_play(root_client, alice):
    response = root_client.post(
        URL, {"op": "refresh", "principal": f"user:{alice.pk}"}, headers={**HX, "HX-Target": "simulator-form"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="simulator-form"')
    assert "S3Read" in html and "NoDelete" in html and "Directly" in html and "Inline" in html


def test_running_existing_policies_shows_decisions_and_the_statement(root_client, alice):
    response = _run(
        root_client,
        {
            "principal": f"user:{alice.pk}",
            "service": "s3",
            "action": ["s3:GetObject", "s3:DeleteObject", "s3:PutObject"],
            "resource": "arn:aws:s3:::my-bucket/report.csv",
        },
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="simulator-form"')
    assert "Explicitly denied" in html and "Implicitly denied" in html and ">Allowed<" in html
    assert "<th>Permission</th>" in html  # the column's name in AWS's simulator
    assert "Show statement: S3Read (statement 1) · Directly" in html
    assert "Show statement: NoDelete (statement 1) · Inline" in html
    assert 'class="sim-line-on"' in html


def test_leaving_a_policy_out(root_client, alice):
    response = _run(
        root_client,
        {
            "principal": f"user:{alice.pk}",
            "include-present": "1",
            "include": [p.id for p in simulation.policies_for(alice) if p.name != "NoDelete"],
            "action": ["s3:DeleteObject"],
        },
    )
    html = response.content.decode()
    assert "Implicitly denied" in html and "Explicitly denied" not in html


def test_full_page_post_runs_without_javascript(root_client, alice):
    response = root_client.post(URL, {"op": "run", "principal": f"user:{alice.pk}", "action": "s3:GetObject"})
    html = response.content.decode()
    assert "<h1>Policy simulator</h1>" in html and ">Allowed<" in html


def test_service_actions_fragment(root_client):
    response = root_client.post(
        URL, {"service": "s3", "action_q": "zzzz"}, headers={**HX, "HX-Target": "simulator-actions"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="simulator-actions"')
    assert "0 actions" in html
    response = root_client.post(
        URL, {"service": "s3", "action_q": "GetObjectAcl"}, headers={**HX, "HX-Target": "simulator-actions"}
    )
    assert 'value="s3:GetObjectAcl"' in response.content.decode()


def test_select_all_ticks_every_action_of_the_service(root_client):
    response = root_client.post(
        URL, {"service": "s3", "op": "select-all"}, headers={**HX, "HX-Target": "simulator-actions"}
    )
    html = response.content.decode()
    assert html.count(" checked>") == html.count('name="action"') > 100


def test_custom_policy_context_keys_appear(root_client):
    response = root_client.post(
        URL, {"mode": "custom", "policy": SOURCE_IP_POLICY}, headers={**HX, "HX-Target": "simulator-context"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel" id="simulator-context"')
    assert 'name="ctx:aws:SourceIp"' in html and "IPAddress" in html


def test_custom_policy_with_context_value(root_client):
    data = {"mode": "custom", "policy": SOURCE_IP_POLICY, "action": "s3:GetObject"}
    html = _run(root_client, {**data, "ctx:aws:SourceIp": "203.0.113.9"}).content.decode()
    assert ">Allowed<" in html and "Show statement: Custom policy 1 (FromOffice)" in html
    html = _run(root_client, data).content.decode()
    assert "Implicitly denied" in html and "aws:SourceIp</td>" in html


DENY_CALLER_IDENTITY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Deny", "Action": "sts:GetCallerIdentity", "Resource": "*"},
        ],
    }
)


@pytest.mark.parametrize("headers", [{}, {**HX, "HX-Target": "simulator-form"}])
def test_get_caller_identity_is_noted_as_needing_no_permission(root_client, headers):
    """The policies' verdict as written (denied explicitly), with AWS's exception beside it."""
    data = {"op": "run", "mode": "custom", "policy": DENY_CALLER_IDENTITY}
    data["action"] = ["sts:GetCallerIdentity", "s3:GetObject"]
    html = root_client.post(URL, data, headers=headers).content.decode()
    assert ("<h1>Policy simulator</h1>" in html) is not bool(headers)
    row = html[html.index('data-testid="result-sts:GetCallerIdentity"') :]
    row = row[: row.index("</tr>")]
    assert "Explicitly denied" in row
    assert 'data-testid="note-sts:GetCallerIdentity"' in row
    assert simulation.action_note("sts:GetCallerIdentity") in row
    assert html.count('data-testid="note-') == 1  # s3:GetObject has no note


def test_the_note_is_found_whatever_the_case_of_the_action():
    note = simulation.action_note("sts:GetCallerIdentity")
    assert "needs no permission" in note and "explicitly denies" in note
    assert simulation.action_note("STS:getcalleridentity") == note
    assert simulation.action_note("sts:GetSessionToken") is None


def test_wrong_typed_context_value_is_refused_with_the_format(root_client):
    html = _run(
        root_client,
        {"mode": "custom", "policy": SOURCE_IP_POLICY, "action": "s3:GetObject", "ctx:aws:SourceIp": "nope"},
    ).content.decode()
    assert "Enter an IP address or CIDR block" in html and "Show statement" not in html


def test_custom_document_that_does_not_parse_simulates_nothing(root_client):
    html = _run(
        root_client, {"mode": "custom", "policy": "{not json", "action": "s3:GetObject"}
    ).content.decode()
    assert "Custom policy 1: the policy is not valid JSON" in html
    assert "Implicitly denied" not in html
    assert 'class="field-error"' in html  # the validator's verdict under the editor


def test_malformed_arn_is_flagged_beside_its_field(root_client):
    html = _run(
        root_client,
        {"mode": "custom", "policy": SOURCE_IP_POLICY, "action": "s3:GetObject", "resource": "my-bucket"},
    ).content.decode()
    assert 'id="sim-resource-error"' in html and "The resource ARN is not valid" in html


def test_arn_of_the_wrong_resource_type_is_flagged(root_client):
    html = _run(
        root_client,
        {
            "mode": "custom",
            "policy": SOURCE_IP_POLICY,
            "action": "s3:GetObject",
            "resource": "arn:aws:iam::111122223333:user/bob",
        },
    ).content.decode()
    assert "fits none of the resource types of s3:GetObject" in html


def test_resource_type_hints(root_client):
    html = root_client.post(URL, {"mode": "custom", "action": "s3:GetObject"}).content.decode()
    assert "arn:${Partition}:s3:::${BucketName}/${ObjectName}" in html


def test_role_is_simulated(root_client, account, root_acting):
    role = make_role(account=account, name="app")
    inline_policy_put(name="Read", document=statement_policy("s3:GetObject"), role=role, acting=root_acting)
    html = _run(root_client, {"principal": f"role:{role.pk}", "action": "s3:GetObject"}).content.decode()
    assert ">Allowed<" in html


@pytest.mark.parametrize("kind", ["user", "role"])
def test_another_accounts_principal_is_404(charlie_client, account, alice, kind):
    target = alice if kind == "user" else make_role(account=account, name="app")
    response = charlie_client.post(
        URL, {"op": "run", "principal": f"{kind}:{target.pk}", "action": "s3:GetObject"}
    )
    assert response.status_code == 404
    response = charlie_client.get(URL, {"principal": f"{kind}:{target.pk}"})
    assert response.status_code == 404


def test_charlie_does_not_see_alices_users(charlie_client, charlie_account, alice):
    IAMUserFactory(account=charlie_account, name="carol")

    response = charlie_client.get(URL)

    assert response.status_code == 200
    assert ">carol</option>" in response.content.decode()
    assert ">alice</option>" not in response.content.decode()


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_add_policy_adds_an_editor_and_keeps_the_first(root_client):
    response = root_client.post(
        URL,
        {"mode": "custom", "op": "add-policy", "policy": SOURCE_IP_POLICY},
        headers={**HX, "HX-Target": "simulator-form"},
    )
    html = response.content.decode()
    assert 'data-testid="custom-policy-2"' in html and "aws:SourceIp" in html
    assert "Show statement" not in html  # adding an editor runs nothing


def test_custom_boundary_bounds_and_a_second_policy_counts(root_client):
    data = {
        "mode": "custom",
        "policy": [statement_policy("s3:GetObject"), statement_policy("ec2:RunInstances")],
        "boundary": statement_policy("s3:*"),
        "action": ["s3:GetObject", "ec2:RunInstances"],
    }
    html = _run(root_client, data).content.decode()
    assert ">Allowed<" in html and "Show statement: Permissions boundary (statement 1) · Boundary" in html
    assert "Implicitly denied" in html and ">Permissions boundary</td>" in html


def test_an_unknown_action_in_a_custom_policy_is_a_finding_not_a_refusal(root_client):
    html = _run(
        root_client, {"mode": "custom", "policy": statement_policy("s3:GetObjectt"), "action": "s3:GetObject"}
    ).content.decode()
    assert "Error</span> The action s3:GetObjectt does not exist" in html and "Implicitly denied" in html


@pytest.mark.parametrize("value", ["group:1", "user:999999", "role:999999"])
def test_a_principal_that_is_not_a_user_or_role_of_the_account_is_404(root_client, value):
    assert (
        root_client.post(URL, {"op": "run", "principal": value, "action": "s3:GetObject"}).status_code == 404
    )
