"""Existing policies with the organization's SCPs and RCPs: listed by name with a checkbox each,
weighed at their levels (root → OU → account), named in the results.

alice's account manages the organization; dave's account is a member in the OU Workloads, whose
ProtectReports SCP denies s3:DeleteObject. The simulator reads the organization as the console's
enforcement does (access.authorization.organization_policies).
"""

import json

import pytest
from django.urls import reverse

from access.acting import Acting
from organizations import flows as organizations_flows
from organizations import services as org
from organizations.models import RCP, SCP, Membership
from policies.models import InlinePolicy, SimulationRun
from policies.selectors import simulation
from policies.services.permissions import inline_policy_put
from policies.services.simulation_runs import who_can
from tests.accounts.factories import IAMUserFactory
from tests.queries import assert_constant_queries

from .permissions_helpers import make_role, statement_policy

URL = reverse("policies:simulator")
HX = {"HX-Request": "true", "HX-Target": "simulator-form"}

PROTECT_REPORTS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ProtectReports", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
        ],
    }
)
SECURE_TRANSPORT = json.dumps(
    {
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
)


@pytest.fixture
def organization(root_acting):
    organization = org.organization_create(acting=root_acting)
    return org.policy_type_enable(organization=organization, policy_type=SCP, acting=root_acting)


@pytest.fixture
def workloads(organization, root_acting):
    """dave's account in the OU Workloads, which has ProtectReports besides FullAWSAccess."""
    ou = org.ou_create(
        organization=organization, parent_id=organization.root_id, name="Workloads", acting=root_acting
    )
    membership = organizations_flows.account_create_with_access_role(
        organization=organization, name="Dave's workload", email="dave@example.com", acting=root_acting
    )
    org.account_move(membership=membership, destination_id=ou.id, acting=root_acting)
    protect = org.policy_create(
        organization=organization,
        policy_type=SCP,
        name="ProtectReports",
        content=PROTECT_REPORTS,
        acting=root_acting,
    )
    org.policy_attach(organization=organization, policy=protect, target_id=ou.id, acting=root_acting)
    return membership.account


@pytest.fixture
def dave(workloads):
    dave = IAMUserFactory(account=workloads, name="dave")
    acting = Acting(account=workloads, source_ip="198.51.100.8", user_agent="pytest")
    inline_policy_put(name="S3All", document=statement_policy("s3:*"), user=dave, acting=acting)
    return dave


@pytest.fixture
def dave_client(client, workloads, sign_in_as):
    """A browser signed in as the root user of dave's account."""
    return sign_in_as(client, workloads)


def test_the_organization_is_read_with_names_and_levels(workloads):
    in_play = simulation.organization_in_play(workloads)
    assert in_play["scp_names"] == [["FullAWSAccess"], ["FullAWSAccess", "ProtectReports"], ["FullAWSAccess"]]
    assert in_play["level_names"] == ["root", "OU Workloads", "account Dave's workload"]
    assert in_play["rcps"] is None  # RCPs are not enabled


def test_the_management_account_is_not_under_scps(root_client, account, workloads, root_acting):
    """SCPs never restrict the management account: its users are simulated without them."""
    bob = IAMUserFactory(account=account, name="bob")
    assert simulation.organization_in_play(account) == {"scps": None, "rcps": None}
    html = root_client.post(
        URL, {"op": "refresh", "principal": f"user:{bob.pk}"}, headers=HX
    ).content.decode()
    assert "SCP at level" not in html


def test_outside_any_organization_no_scp_is_listed(charlie_client, charlie_account):
    carol = IAMUserFactory(account=charlie_account, name="carol")
    html = charlie_client.post(
        URL, {"op": "refresh", "principal": f"user:{carol.pk}"}, headers=HX
    ).content.decode()
    assert "carol has no policies" in html and "SCP at level" not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_the_organizations_scps_are_listed_with_a_checkbox_each(dave_client, dave, htmx):
    response = dave_client.post(
        URL, {"op": "refresh", "principal": f"user:{dave.pk}"}, headers=HX if htmx else {}
    )
    html = response.content.decode()
    assert html.count('aria-label="Include FullAWSAccess"') == 3
    assert 'aria-label="Include ProtectReports"' in html
    assert "SCP at level 0 (root)" in html and "SCP at level 1 (OU Workloads)" in html
    assert "SCP at level 2 (account Dave&#x27;s workload)" in html


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_an_scp_of_the_organization_denies_and_is_named(dave_client, dave, htmx):
    response = dave_client.post(
        URL,
        {"op": "run", "principal": f"user:{dave.pk}", "action": ["s3:GetObject", "s3:DeleteObject"]},
        headers=HX if htmx else {},
    )
    html = response.content.decode()
    deleted = html.split('data-testid="result-s3:DeleteObject"', 1)[1].split("</tr>", 1)[0]
    fetched = html.split('data-testid="result-s3:GetObject"', 1)[1].split("</tr>", 1)[0]
    assert "Explicitly denied" in deleted and ">SCP at level 1</td>" in deleted
    assert "Show statement: ProtectReports (ProtectReports) · SCP at level 1 (OU Workloads)" in deleted
    assert ">Allowed<" in fetched
    assert ">SCP at level 0, SCP at level 1, SCP at level 2, Identity-based policy</td>" in fetched


def test_leaving_the_denying_scp_out(dave_client, dave):
    keep = [p.id for p in simulation.policies_for(dave)] + ["scp:0:0", "scp:1:0", "scp:2:0"]
    html = dave_client.post(
        URL,
        {
            "op": "run",
            "principal": f"user:{dave.pk}",
            "include-present": "1",
            "include": keep,
            "action": "s3:DeleteObject",
        },
        headers=HX,
    ).content.decode()
    assert ">Allowed<" in html and "Explicitly denied" not in html


def test_leaving_out_every_scp_of_a_level_denies_implicitly(dave_client, dave):
    keep = [p.id for p in simulation.policies_for(dave)] + ["scp:0:0", "scp:1:0", "scp:1:1"]
    html = dave_client.post(
        URL,
        {
            "op": "run",
            "principal": f"user:{dave.pk}",
            "include-present": "1",
            "include": keep,
            "action": "s3:GetObject",
        },
        headers=HX,
    ).content.decode()
    assert "Implicitly denied" in html and ">SCP at level 2</td>" in html


def test_the_organizations_rcps_are_weighed_too(dave_client, dave, organization, root_acting):
    org.policy_type_enable(organization=organization, policy_type=RCP, acting=root_acting)
    tls = org.policy_create(
        organization=organization,
        policy_type=RCP,
        name="EnforceSecureTransport",
        content=SECURE_TRANSPORT,
        acting=root_acting,
    )
    org.policy_attach(
        organization=organization, policy=tls, target_id=organization.root_id, acting=root_acting
    )
    html = dave_client.post(
        URL,
        {
            "op": "run",
            "principal": f"user:{dave.pk}",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::my-bucket/report.csv",
            "ctx:aws:SecureTransport": "false",
        },
        headers=HX,
    ).content.decode()
    assert 'aria-label="Include EnforceSecureTransport"' in html and "RCP at level 0 (root)" in html
    assert "Explicitly denied" in html and ">RCP at level 0</td>" in html


def test_simulate_principal_policy_weighs_the_organization(workloads, dave):
    [result] = simulation.simulate_principal_policy(
        account=workloads, principal=dave, actions=["s3:DeleteObject"], resource_arns=["*"]
    )
    assert (result.decision, result.decided_by) == ("explicitDeny", "SCP at level 1")
    assert [(m.policy, m.source) for m in result.matched] == [
        ("ProtectReports", "SCP at level 1 (OU Workloads)")
    ]


def test_a_service_linked_role_is_not_under_scps(workloads):
    role = make_role(
        account=workloads, name="AWSServiceRoleForSupport", path="/aws-service-role/support.amazonaws.com/"
    )
    # AWS writes a service-linked role's policies; no service lets a customer do it.
    InlinePolicy.objects.create(name="S3All", document=statement_policy("s3:*"), role=role)
    [result] = simulation.simulate_principal_policy(
        account=workloads, principal=role, actions=["s3:DeleteObject"], resource_arns=["*"]
    )
    assert result.decision == "allowed"


def test_who_can_weighs_the_organization(workloads, dave):
    # The role the management account reaches its members through has AdministratorAccess.
    allowed = [p.name for p, _ in who_can(account=workloads, action="s3:GetObject", resource="*")]
    assert allowed == ["dave", "OrganizationAccountAccessRole"]
    assert who_can(account=workloads, action="s3:DeleteObject", resource="*") == []


def test_a_whole_service_run_weighs_the_organization(dave_client, dave, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dave_client.post(
            URL, {"op": "run-service", "principal": f"user:{dave.pk}", "service": "s3"}, headers=HX
        )
    run = SimulationRun.objects.get()
    decided = {row[0]: (row[2], row[3]) for row in run.results}
    assert decided["s3:DeleteObject"] == ("explicitDeny", "SCP at level 1")
    assert decided["s3:GetObject"][0] == "allowed"


def test_custom_mode_weighs_only_what_is_pasted(dave_client, dave):
    policy = statement_policy("*")
    html = dave_client.post(
        URL, {"op": "run", "mode": "custom", "policy": policy, "action": "s3:DeleteObject"}, headers=HX
    ).content.decode()
    assert ">Allowed<" in html and "SCP at level" not in html


def test_queries_do_not_grow_with_the_organizations_policies(
    dave_client, dave, workloads, organization, root_acting
):
    """dave's account's root (bounded by the SCPs itself) simulates dave under 1, then 9, more SCPs
    spread over the root, the OU and the account (AWS attaches at most ten to each)."""
    ou_id = Membership.objects.get(account=workloads).parent_id
    targets = [organization.root_id, ou_id, workloads.id]

    def add_row(index):
        scp = org.policy_create(
            organization=organization,
            policy_type=SCP,
            name=f"Extra{index}",
            content=statement_policy(f"s3:Op{index}", effect="Deny"),
            acting=root_acting,
        )
        target = targets[index % 3]
        org.policy_attach(organization=organization, policy=scp, target_id=target, acting=root_acting)
        return f"Extra{index}"

    data = {"op": "run", "principal": f"user:{dave.pk}", "action": ["s3:GetObject", "s3:PutObject"]}
    html = assert_constant_queries(dave_client, URL, add_row, data=data, headers=HX, sizes=(1, 9))
    assert html.count(">Allowed<") == 2
