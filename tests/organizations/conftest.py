"""Personas: alice's account manages the organization (root_acting), dave's account is created in it
as a member, charlie's account stays outside (the identity tests' personas serve here too)."""

import json

import pytest

from access.acting import Acting
from organizations import flows as organizations_flows
from organizations import services
from organizations.models import SCP
from tests.accounts.conftest import *  # noqa: F403


def document(effect, action, resource="*"):
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]}
    )


@pytest.fixture
def organization(root_acting):
    return services.organization_create(acting=root_acting)


@pytest.fixture
def scp_organization(organization, root_acting):
    """alice's organization with service control policies enabled."""
    return services.policy_type_enable(organization=organization, policy_type=SCP, acting=root_acting)


@pytest.fixture
def member(scp_organization, root_acting):
    """dave's account, created in the organization under its root."""
    return organizations_flows.account_create_with_access_role(
        organization=scp_organization, name="Dave's workload", email="dave@example.com", acting=root_acting
    )


@pytest.fixture
def member_acting(member):
    return Acting(account=member.account, source_ip="198.51.100.8", user_agent="pytest")


@pytest.fixture
def make_scp(scp_organization, root_acting):
    def make(name, effect, action):
        return services.policy_create(
            organization=scp_organization,
            policy_type=SCP,
            name=name,
            content=document(effect, action),
            acting=root_acting,
        )

    return make
