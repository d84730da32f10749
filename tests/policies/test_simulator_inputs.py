"""The simulator page's further inputs: SCPs and a session policy in custom mode, a role's session
policy and groups in existing mode, a resource ARN per action. Each as a full page and as the
HX-Request fragment."""

import json

import pytest
from django.urls import reverse

from policies.models import SimulationRun
from policies.services.permissions import inline_policy_put, policy_attach
from tests.accounts.factories import GroupFactory, IAMUserFactory
from tests.queries import assert_constant_queries

from .permissions_helpers import make_policy, make_role, statement_policy

URL = reverse("policies:simulator")
HX = {"HX-Request": "true", "HX-Target": "simulator-form"}


def _policy(sid, effect, action, resource="*"):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": sid, "Effect": effect, "Action": action, "Resource": resource}],
        }
    )


ALLOW_ALL = _policy("All", "Allow", "*")
FULL_AWS_ACCESS = _policy("FullAWSAccess", "Allow", "*")
DENY_S3_DELETE = _policy("DenyDelete", "Deny", "s3:DeleteObject")


def _post(client, data, htmx):
    response = client.post(URL, {"op": "run", **data}, headers=HX if htmx else {})
    assert response.status_code == 200
    html = response.content.decode()
    if htmx:
        assert html.lstrip().startswith('<form id="simulator-form"')
    else:
        assert "<h1>Policy simulator</h1>" in html
    return html


both = pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])


# --- SCPs in custom mode --------------------------------------------------------------------------


def test_custom_mode_offers_one_scp_editor(root_client):
    html = root_client.get(URL, {"mode": "custom"}).content.decode()
    assert "Service control policies (optional)" in html
    assert 'data-testid="scp-1"' in html and 'data-testid="scp-2"' not in html
    assert "Add SCP" in html


@both
def test_an_scp_that_denies_is_named_in_the_results(root_client, htmx):
    html = _post(
        root_client,
        {
            "mode": "custom",
            "policy": ALLOW_ALL,
            "scp": [FULL_AWS_ACCESS, DENY_S3_DELETE],
            "action": ["s3:GetObject", "s3:DeleteObject"],
        },
        htmx,
    )
    assert ">SCP at level 0, Identity-based policy</td>" in html
    assert ">SCP at level 0</td>" in html and "Explicitly denied" in html
    assert "Show statement: SCP 2 (DenyDelete) · SCP at level 0" in html


@both
def test_an_allow_list_scp_denies_implicitly_what_it_leaves_out(root_client, htmx):
    html = _post(
        root_client,
        {
            "mode": "custom",
            "policy": ALLOW_ALL,
            "scp": _policy("S3Only", "Allow", "s3:*"),
            "action": "ec2:RunInstances",
        },
        htmx,
    )
    assert "Implicitly denied" in html and ">SCP at level 0</td>" in html


def test_empty_scp_editors_mean_no_organization(root_client):
    html = _post(
        root_client,
        {"mode": "custom", "policy": ALLOW_ALL, "scp": ["", ""], "action": "ec2:RunInstances"},
        True,
    )
    assert ">Allowed<" in html and "SCP at level" not in html


def test_add_scp_adds_an_editor_and_keeps_the_first(root_client):
    response = root_client.post(URL, {"mode": "custom", "op": "add-scp", "scp": DENY_S3_DELETE}, headers=HX)
    html = response.content.decode()
    assert 'data-testid="scp-2"' in html and "DenyDelete" in html
    assert "Show statement" not in html


def test_scps_stop_at_ten_editors(root_client):
    html = root_client.post(
        URL, {"mode": "custom", "op": "add-scp", "scp": [FULL_AWS_ACCESS] * 10}, headers=HX
    ).content.decode()
    assert html.count('name="scp"') == 10 and "Add SCP" not in html


def test_an_scp_that_does_not_parse_is_flagged_and_simulates_nothing(root_client):
    html = _post(
        root_client, {"mode": "custom", "policy": ALLOW_ALL, "scp": "{nope", "action": "s3:GetObject"}, True
    )
    assert "SCP 1: the policy is not valid JSON" in html
    assert 'data-testid="scp-1"' in html and 'class="field-error"' in html
    assert "Implicitly denied" not in html and ">Allowed<" not in html


@pytest.mark.parametrize("op", ["run", "run-service"])
def test_an_scp_iam_would_refuse_shows_the_finding_and_simulates_nothing(root_client, op):
    """An SCP is checked as an SCP: a Principal element, which SCPs do not support, is refused."""
    scp = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}],
        }
    )
    html = _post(
        root_client,
        {
            "op": op,
            "mode": "custom",
            "policy": ALLOW_ALL,
            "scp": scp,
            "service": "s3",
            "action": "s3:GetObject",
        },
        True,
    )
    scp_panel = html.split('data-testid="scp-1"', 1)[1].split("</div>", 1)[0]
    assert "SCPs do not support specifying principals" in scp_panel
    assert "SCP 1: The provided policy document does not meet the requirements" in html
    assert 'data-testid="result-' not in html and not SimulationRun.objects.exists()


def test_an_scps_condition_keys_get_inputs(root_client):
    scp = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "NotAction": "iam:*",
                    "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}},
                }
            ],
        }
    )
    html = root_client.post(
        URL, {"mode": "custom", "scp": scp}, headers={"HX-Request": "true", "HX-Target": "simulator-context"}
    ).content.decode()
    assert 'name="ctx:aws:RequestedRegion"' in html


# --- session policies -----------------------------------------------------------------------------


@both
def test_a_custom_session_policy_bounds_and_is_named(root_client, htmx):
    html = _post(
        root_client,
        {
            "mode": "custom",
            "policy": ALLOW_ALL,
            "session_policy": _policy("ReadOnly", "Allow", "s3:GetObject"),
            "action": ["s3:GetObject", "s3:PutObject"],
        },
        htmx,
    )
    assert ">Identity-based policy, Session policy</td>" in html
    assert "Show statement: Session policy (ReadOnly)" in html
    assert "Implicitly denied" in html and ">Session policy</td>" in html


@pytest.fixture
def reader(account, root_acting):
    role = make_role(account=account, name="reader")
    inline_policy_put(name="S3All", document=statement_policy("s3:*"), role=role, acting=root_acting)
    return role


def test_a_role_offers_a_session_policy_and_a_user_does_not(root_client, account, reader):
    bob = IAMUserFactory(account=account, name="bob")
    role_html = root_client.post(
        URL, {"op": "refresh", "principal": f"role:{reader.pk}"}, headers=HX
    ).content.decode()
    user_html = root_client.post(
        URL, {"op": "refresh", "principal": f"user:{bob.pk}"}, headers=HX
    ).content.decode()
    assert 'name="session_policy"' in role_html
    assert 'name="session_policy"' not in user_html


@both
def test_a_roles_session_policy_bounds_the_session(root_client, reader, htmx):
    """The role allows s3:*; its session only what the session policy allows as well."""
    html = _post(
        root_client,
        {
            "principal": f"role:{reader.pk}",
            "session_policy": _policy("ReadOnly", "Allow", "s3:GetObject"),
            "action": ["s3:GetObject", "s3:PutObject"],
        },
        htmx,
    )
    get_row = html.split('data-testid="result-s3:GetObject"', 1)[1].split("</tr>", 1)[0]
    put_row = html.split('data-testid="result-s3:PutObject"', 1)[1].split("</tr>", 1)[0]
    assert ">Allowed<" in get_row and "Show statement: Session policy (ReadOnly)" in get_row
    assert "Implicitly denied" in put_row and ">Session policy</td>" in put_row


def test_a_session_policy_posted_for_a_user_is_ignored(root_client, account, root_acting):
    """The field is not shown for a user; a hand-made post carrying one changes nothing."""
    bob = IAMUserFactory(account=account, name="bob")
    inline_policy_put(name="Read", document=statement_policy("s3:GetObject"), user=bob, acting=root_acting)
    html = _post(
        root_client,
        {
            "principal": f"user:{bob.pk}",
            "session_policy": _policy("No", "Deny", "*"),
            "action": "s3:GetObject",
        },
        True,
    )
    assert ">Allowed<" in html


def test_session_policy_findings_are_shown(root_client):
    html = root_client.post(URL, {"mode": "custom", "session_policy": "{broken"}, headers=HX).content.decode()
    panel = html.split('id="simulator-session-policy"', 1)[1].split("</div>", 1)[0]
    assert 'class="field-error"' in panel


# --- groups ---------------------------------------------------------------------------------------


@pytest.fixture
def uploaders(account, root_acting):
    group = GroupFactory(account=account, name="uploaders")
    policy_attach(
        policy=make_policy(name="S3Upload", account=account, document=statement_policy("s3:PutObject")),
        group=group,
        acting=root_acting,
    )
    return group


def test_groups_are_offered_and_list_their_policies(root_client, uploaders):
    html = root_client.get(URL).content.decode()
    assert '<optgroup label="Groups">' in html and ">uploaders</option>" in html
    html = root_client.post(
        URL, {"op": "refresh", "principal": f"group:{uploaders.pk}"}, headers=HX
    ).content.decode()
    assert "S3Upload" in html and "A group is simulated with its own policies only" in html
    assert 'name="session_policy"' not in html


@both
def test_a_group_is_simulated(root_client, uploaders, htmx):
    html = _post(
        root_client, {"principal": f"group:{uploaders.pk}", "action": ["s3:PutObject", "s3:GetObject"]}, htmx
    )
    assert ">Allowed<" in html and "Implicitly denied" in html
    assert "Show statement: S3Upload (statement 1) · Directly" in html


def test_another_accounts_group_is_404(charlie_client, uploaders):
    response = charlie_client.post(
        URL, {"op": "run", "principal": f"group:{uploaders.pk}", "action": "s3:GetObject"}
    )
    assert response.status_code == 404


def test_charlie_does_not_see_the_accounts_groups(charlie_client, charlie_account, uploaders):
    GroupFactory(account=charlie_account, name="charlies-team")

    response = charlie_client.get(URL)

    assert response.status_code == 200
    assert ">charlies-team</option>" in response.content.decode()
    assert ">uploaders</option>" not in response.content.decode()


def test_a_group_runs_every_action_of_a_service(root_client, uploaders, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        root_client.post(
            URL, {"op": "run-service", "principal": f"group:{uploaders.pk}", "service": "s3"}, headers=HX
        )
    run = SimulationRun.objects.get()
    assert (run.status, run.parameters["principal"]) == (
        SimulationRun.Status.SUCCEEDED,
        f"group:{uploaders.pk}",
    )
    assert [row[0] for row in run.results if row[2] == "allowed"] == ["s3:PutObject"]


def test_a_custom_run_takes_the_scps_and_session_policy(root_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        root_client.post(
            URL,
            {
                "op": "run-service",
                "mode": "custom",
                "service": "s3",
                "policy": ALLOW_ALL,
                "scp": [FULL_AWS_ACCESS, DENY_S3_DELETE],
                "session_policy": _policy("ReadAndDelete", "Allow", ["s3:GetObject", "s3:DeleteObject"]),
            },
            headers=HX,
        )
    run = SimulationRun.objects.get()
    decided = {row[0]: (row[2], row[3]) for row in run.results}
    assert decided["s3:GetObject"] == ("allowed", "SCP at level 0, Identity-based policy, Session policy")
    assert decided["s3:DeleteObject"] == ("explicitDeny", "SCP at level 0")
    assert decided["s3:PutObject"] == ("implicitDeny", "Session policy")


# --- a resource ARN per action --------------------------------------------------------------------


def test_each_chosen_action_has_its_own_arn_field_and_hints(root_client):
    html = root_client.post(
        URL, {"mode": "custom", "action": ["s3:GetObject", "s3:ListBucket"]}, headers=HX
    ).content.decode()
    get_row = html.split('data-testid="resource-row-s3:GetObject"', 1)[1].split("</tr>", 1)[0]
    list_row = html.split('data-testid="resource-row-s3:ListBucket"', 1)[1].split("</tr>", 1)[0]
    assert 'name="resource:s3:GetObject"' in get_row and "${BucketName}/${ObjectName}" in get_row
    assert 'name="resource:s3:ListBucket"' in list_row and "${ObjectName}" not in list_row


@both
def test_an_actions_own_arn_is_simulated(root_client, htmx):
    html = _post(
        root_client,
        {
            "mode": "custom",
            "policy": statement_policy("s3:*", "arn:aws:s3:::public/*"),
            "action": ["s3:GetObject", "s3:PutObject"],
            "resource": "arn:aws:s3:::public/a.txt",
            "resource:s3:PutObject": "arn:aws:s3:::private/a.txt",
        },
        htmx,
    )
    get_row = html.split('data-testid="result-s3:GetObject"', 1)[1].split("</tr>", 1)[0]
    put_row = html.split('data-testid="result-s3:PutObject"', 1)[1].split("</tr>", 1)[0]
    assert "arn:aws:s3:::public/a.txt" in get_row and ">Allowed<" in get_row
    assert "arn:aws:s3:::private/a.txt" in put_row and "Implicitly denied" in put_row


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        ("private-bucket", "The resource ARN is not valid"),
        ("arn:aws:iam::111122223333:user/bob", "The ARN fits none of the resource types of s3:ListBucket"),
    ],
    ids=["malformed", "wrong-type"],
)
def test_an_actions_bad_arn_is_flagged_beside_its_field(root_client, arn, message):
    html = _post(
        root_client,
        {
            "mode": "custom",
            "policy": ALLOW_ALL,
            "action": ["s3:GetObject", "s3:ListBucket"],
            "resource": "arn:aws:s3:::my-bucket/report.csv",
            "resource:s3:ListBucket": arn,
        },
        True,
    )
    assert f'data-testid="resource-error-s3:ListBucket">{message}' in html
    assert 'data-testid="resource-error-s3:GetObject"' not in html and 'id="sim-resource-error"' not in html
    assert 'data-testid="result-' not in html  # nothing is simulated


def test_an_actions_own_arn_spares_it_the_shared_arns_check(root_client):
    """The ARN for all fits GetObject; ListBucket has its own bucket ARN, so no misfit is reported."""
    html = _post(
        root_client,
        {
            "mode": "custom",
            "policy": ALLOW_ALL,
            "action": ["s3:GetObject", "s3:ListBucket"],
            "resource": "arn:aws:s3:::my-bucket/report.csv",
            "resource:s3:ListBucket": "arn:aws:s3:::my-bucket",
        },
        True,
    )
    assert "fits none" not in html and html.count(">Allowed<") == 2


def test_queries_do_not_grow_with_a_roles_policies_under_a_session_policy(
    root_client, account, reader, root_acting
):
    def add_row(index):
        policy_attach(
            policy=make_policy(name=f"P{index}", account=account, document=statement_policy(f"s3:Op{index}")),
            role=reader,
            acting=root_acting,
        )
        return f"P{index}"

    data = {
        "op": "run",
        "principal": f"role:{reader.pk}",
        "session_policy": FULL_AWS_ACCESS,
        "action": ["s3:GetObject", "s3:PutObject"],
        "resource:s3:PutObject": "arn:aws:s3:::b/k",
    }
    # Ten: AWS's quota of managed policies attached to a role.
    html = assert_constant_queries(root_client, URL, add_row, data=data, headers=HX, sizes=(2, 10))
    assert html.count(">Allowed<") == 2


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("policy", "Custom policy 1"),
        ("boundary", "Permissions boundary"),
        ("session_policy", "Session policy"),
    ],
)
def test_a_pasted_identity_document_iam_would_refuse_simulates_nothing(root_client, field, label):
    """A Principal element has no place in an identity policy: IAM refuses it, so the simulator does too."""
    refused = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}],
        }
    )
    data = {"mode": "custom", "policy": ALLOW_ALL, "action": "s3:GetObject", field: refused}
    html = _post(root_client, data, True)
    assert f"{label}: " in html and 'data-testid="result-' not in html
