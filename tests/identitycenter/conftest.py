"""Personas: alice's account manages the organization and enables Identity Center (root_acting); dave's
account is its member; charlie's account stays outside."""

import pytest

from identitycenter import flows, services
from organizations import flows as organizations_flows
from organizations import services as organizations_services
from tests.accounts.conftest import *  # noqa: F403

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


@pytest.fixture
def organization(root_acting):
    return organizations_services.organization_create(acting=root_acting)


@pytest.fixture
def member(organization, root_acting):
    """dave's account, created in the organization."""
    return organizations_flows.account_create_with_access_role(
        organization=organization, name="Dave's workload", email="dave@example.com", acting=root_acting
    ).account


@pytest.fixture
def instance(organization, root_acting):
    return services.instance_create(organization=organization, name="main", acting=root_acting)


@pytest.fixture
def permission_set(instance, root_acting):
    return services.permission_set_create(instance=instance, name="DeveloperAccess", acting=root_acting)


@pytest.fixture
def dana(instance, root_acting):
    return services.user_create(
        instance=instance,
        user_name="dana",
        display_name="Dana",
        given_name="Dana",
        family_name="Doe",
        emails=[{"Value": "dana@example.com", "Primary": True}],
        acting=root_acting,
    )


@pytest.fixture
def developers(instance, dana, root_acting):
    group = services.group_create(instance=instance, display_name="developers", acting=root_acting)
    services.membership_create(group=group, user=dana, acting=root_acting)
    return group


@pytest.fixture
def developer_access(instance, member, developers, root_acting):
    """DeveloperAccess (ReadOnlyAccess, 8 hours) assigned to the group developers in dave's account."""
    permission_set = services.permission_set_create(
        instance=instance, name="DeveloperAccess", session_duration="PT8H", acting=root_acting
    )
    flows.managed_policy_attach(permission_set=permission_set, arn=READ_ONLY, acting=root_acting)
    request = flows.assignment_create(
        permission_set=permission_set,
        account_id=member.id,
        principal_type="GROUP",
        principal_id=developers.id,
        acting=root_acting,
    )
    assert request.status == "SUCCEEDED"
    return permission_set
