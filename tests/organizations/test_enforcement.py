"""SCPs bite: the authorizer (access.authorization) asks organization_policies() for every identity
of a member account, root included, and never for the management account."""

import pytest

from access.acting import Acting
from access.authorization import authorize
from accounts.services.users import user_create
from aws.errors import AccessDenied
from organizations import flows as organizations_flows
from organizations import services
from organizations.models import SCP
from policies.aws_managed.loader import aws_managed_policy
from policies.services.permissions import policy_attach
from tests.accounts.factories import IAMUserFactory


def create_user(acting, name="newbie"):
    """The real service: it asks the authorizer for iam:CreateUser on the new user's ARN."""
    return user_create(account=acting.account, name=name, acting=acting)


def admin_of(account):
    """An IAM user of `account` with AdministratorAccess, acting in the console."""
    user = IAMUserFactory(account=account, name="admin")
    policy_attach(policy=aws_managed_policy("AdministratorAccess"), user=user, acting=Acting(account=account))
    return Acting(account=account, user=user)


@pytest.fixture
def ou(scp_organization, root_acting):
    return services.ou_create(
        organization=scp_organization, parent_id=scp_organization.root_id, name="Sandbox", acting=root_acting
    )


@pytest.fixture
def deny_create_user(make_scp):
    return make_scp("deny-create-user", "Deny", "iam:CreateUser")


def attach(organization, policy, target_id, acting):
    services.policy_attach(organization=organization, policy=policy, target_id=target_id, acting=acting)


def test_deny_list_scp_at_an_ou_stops_the_member_admin_and_root_not_the_management_account(
    scp_organization, root_acting, account, member, member_acting, ou, deny_create_user
):
    services.account_move(membership=member, destination_id=ou.id, acting=root_acting)
    attach(scp_organization, deny_create_user, ou.id, root_acting)

    admin = admin_of(member.account)
    for acting in (admin, member_acting):
        with pytest.raises(AccessDenied) as caught:
            create_user(acting)
        assert caught.value.message.endswith("with an explicit deny in a service control policy")
        assert acting.arn in caught.value.message
    # Other actions are still allowed by FullAWSAccess at every level.
    authorize(acting=admin, action="iam:ListUsers")
    # The management account is never limited by SCPs, even with the SCP at the root.
    attach(scp_organization, deny_create_user, scp_organization.root_id, root_acting)
    create_user(root_acting, "from-root")
    create_user(admin_of(account), "from-admin")


def test_allow_list_at_an_ou_denies_iam_below_it(
    scp_organization, root_acting, member, member_acting, ou, make_scp
):
    services.account_move(membership=member, destination_id=ou.id, acting=root_acting)
    allow_s3 = make_scp("allow-s3", "Allow", "s3:*")
    attach(scp_organization, allow_s3, ou.id, root_acting)
    services.policy_detach(
        organization=scp_organization,
        policy=services.full_access_policy(SCP),
        target_id=ou.id,
        acting=root_acting,
    )

    with pytest.raises(AccessDenied) as caught:
        create_user(member_acting)
    assert "because no service control policy allows the iam:CreateUser action" in caught.value.message
    authorize(acting=member_acting, action="s3:GetObject", resource="arn:aws:s3:::bucket/key")


def test_scp_at_the_root_affects_every_member_account(scp_organization, root_acting, ou, deny_create_user):
    first = organizations_flows.account_create_with_access_role(
        organization=scp_organization, name="A", email="a@example.com", acting=root_acting
    )
    second = organizations_flows.account_create_with_access_role(
        organization=scp_organization, name="B", email="b@example.com", acting=root_acting
    )
    services.account_move(membership=second, destination_id=ou.id, acting=root_acting)
    attach(scp_organization, deny_create_user, scp_organization.root_id, root_acting)

    for membership in (first, second):
        with pytest.raises(AccessDenied, match="service control policy"):
            create_user(Acting(account=membership.account))


def test_moving_an_account_changes_its_scps_at_once(
    scp_organization, root_acting, member, ou, deny_create_user
):
    attach(scp_organization, deny_create_user, ou.id, root_acting)
    create_user(Acting(account=member.account), "first")  # under the root: allowed

    services.account_move(membership=member, destination_id=ou.id, acting=root_acting)
    with pytest.raises(AccessDenied, match="service control policy"):
        create_user(Acting(account=member.account), "second")

    services.account_move(membership=member, destination_id=scp_organization.root_id, acting=root_acting)
    create_user(Acting(account=member.account), "second")


def test_leaving_the_organization_lifts_its_scps(scp_organization, root_acting, member, deny_create_user):
    attach(scp_organization, deny_create_user, member.account_id, root_acting)
    with pytest.raises(AccessDenied):
        create_user(Acting(account=member.account))
    services.account_remove(membership=member, acting=root_acting)
    create_user(Acting(account=member.account))


def test_the_management_account_switches_in_through_the_access_role_and_the_scp_still_bites(
    scp_organization, root_acting, account, member, ou, deny_create_user
):
    from accounts.services.sts import console_switch_role

    services.account_move(membership=member, destination_id=ou.id, acting=root_acting)
    attach(scp_organization, deny_create_user, ou.id, root_acting)
    admin = admin_of(account)

    issued = console_switch_role(
        acting=admin, account_identifier=member.account_id, role_name="OrganizationAccountAccessRole"
    )
    session = Acting(account=member.account, credential=issued.credential)

    # AdministratorAccess lets the session do IAM work the SCP does not deny …
    authorize(acting=session, action="iam:ListUsers")
    # … but not what the OU's SCP denies.
    with pytest.raises(AccessDenied) as caught:
        create_user(session)
    assert "assumed-role/OrganizationAccountAccessRole/admin" in caught.value.message
    assert caught.value.message.endswith("with an explicit deny in a service control policy")


def test_service_linked_roles_are_never_limited_by_scps(
    scp_organization, root_acting, member, ou, deny_create_user
):
    import datetime
    import json

    from django.utils import timezone

    from accounts.services.sts import _issue
    from policies.models import InlinePolicy, Role

    services.account_move(membership=member, destination_id=ou.id, acting=root_acting)
    attach(scp_organization, deny_create_user, ou.id, root_acting)
    linked = Role.objects.create(
        account=member.account, name="AWSServiceRoleForSupport", path="/aws-service-role/", trust_policy="{}"
    )
    ordinary = Role.objects.create(account=member.account, name="ordinary", trust_policy="{}")
    allow_all = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    for role in (linked, ordinary):
        InlinePolicy.objects.create(role=role, name="all", document=allow_all)

    def session_of(role):
        credential = _issue(
            account=member.account,
            duration_seconds=900,
            issued_at=timezone.now() - datetime.timedelta(seconds=1),
            role=role,
            role_session_name="s",
        ).credential
        return Acting(account=member.account, credential=credential)

    create_user(session_of(linked), "by-the-service")
    with pytest.raises(AccessDenied, match="service control policy"):
        create_user(session_of(ordinary), "by-a-person")
