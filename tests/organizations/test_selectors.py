"""organization_policies(account): the SCPs and RCPs the engine gets, per level root → OUs → account."""

import json

from organizations import flows as organizations_flows
from organizations import selectors, services
from organizations.models import RCP
from tests.accounts.factories import AccountFactory
from tests.queries import assert_constant_queries_of

from .conftest import document

FULL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def test_no_organization_and_the_management_account_have_none(account, charlie_account, scp_organization):
    assert selectors.organization_policies(charlie_account) == (None, None)
    assert selectors.organization_policies(account) == (None, None)


def test_scps_disabled_gives_none(organization, root_acting):
    membership = organizations_flows.account_create_with_access_role(
        organization=organization, name="Dave", email="dave@example.com", acting=root_acting
    )
    assert selectors.organization_policies(membership.account) == (None, None)


def test_levels_root_ous_account(scp_organization, root_acting, member, make_scp):
    outer = services.ou_create(
        organization=scp_organization, parent_id=scp_organization.root_id, name="Outer", acting=root_acting
    )
    inner = services.ou_create(
        organization=scp_organization, parent_id=outer.id, name="Inner", acting=root_acting
    )
    services.account_move(membership=member, destination_id=inner.id, acting=root_acting)
    deny = make_scp("deny-create-user", "Deny", "iam:CreateUser")
    services.policy_attach(organization=scp_organization, policy=deny, target_id=outer.id, acting=root_acting)

    scps, rcps = selectors.organization_policies(member.account)

    assert scps == [[FULL], [FULL, json.loads(deny.content)], [FULL], [FULL]]
    assert rcps is None


def test_rcps_list_customer_policies_only(scp_organization, root_acting, member):
    services.policy_type_enable(organization=scp_organization, policy_type=RCP, acting=root_acting)
    rcp = services.policy_create(
        organization=scp_organization,
        policy_type=RCP,
        name="no-outside-s3",
        content=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": "*",
                        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": scp_organization.id}},
                    }
                ],
            }
        ),
        acting=root_acting,
    )
    services.policy_attach(
        organization=scp_organization, policy=rcp, target_id=member.account_id, acting=root_acting
    )
    scps, rcps = selectors.organization_policies(member.account)
    assert rcps == [[], [json.loads(rcp.content)]]
    assert scps == [[FULL], [FULL]]


def test_scps_only_when_rcps_alone_are_enabled(organization, root_acting):
    services.policy_type_enable(organization=organization, policy_type=RCP, acting=root_acting)
    membership = organizations_flows.account_create_with_access_role(
        organization=organization, name="Dave", email="dave@example.com", acting=root_acting
    )
    assert selectors.organization_policies(membership.account) == (None, [[], []])


def test_as_many_queries_five_levels_deep_as_one(scp_organization, root_acting, member, make_scp):
    """Each row: one more OU level above the member (five at most), with an SCP, and an account
    elsewhere in the organization, which does not count."""
    parent = {"id": scp_organization.root_id}

    def add_row(level):
        ou = services.ou_create(
            organization=scp_organization, parent_id=parent["id"], name=f"L{level}", acting=root_acting
        )
        services.policy_attach(
            organization=scp_organization,
            policy=make_scp(f"deny{level}", "Deny", f"s3:Put{level}"),
            target_id=ou.id,
            acting=root_acting,
        )
        services.account_move(membership=member, destination_id=ou.id, acting=root_acting)
        parent["id"] = ou.id
        other = AccountFactory()
        handshake = services.handshake_invite(
            organization=scp_organization, target=other.id, acting=root_acting
        )
        services.handshake_accept(handshake=handshake, acting=type(root_acting)(account=other))

    scps, _ = assert_constant_queries_of(
        lambda: selectors.organization_policies(member.account), add_row, sizes=(1, 5)
    )
    assert len(scps) == 7 and all(len(level) == 2 for level in scps[1:6])
    assert document("Deny", "s3:Put0") == json.dumps(scps[1][1])
