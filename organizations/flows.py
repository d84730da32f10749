"""AWS Organizations' flows: what combines its services with IAM's, for the console and the AWS API alike."""

from access.acting import Acting
from access.audit import all_or_nothing
from aws.organizations_errors import DuplicateAccountException
from organizations.services import (
    ACCESS_ROLE_NAME,
    ORGANIZATIONS,
    access_role_trust_policy,
    account_create,
    account_request_record,
)
from policies.aws_managed.loader import aws_managed_policy
from policies.services.permissions import policy_attach
from policies.services.roles import role_create


@all_or_nothing
def account_create_with_access_role(
    *, organization, name, email, role_name=ACCESS_ROLE_NAME, tags=(), acting
):
    """CreateAccount as Organizations does it: the account joins the organization with
    OrganizationAccountAccessRole (or the request's RoleName: AdministratorAccess, trusted by the
    management account) in it, all of it or nothing."""
    membership = account_create(organization=organization, name=name, email=email, tags=tags, acting=acting)
    access_role_create(account=membership.account, organization=organization, name=role_name)
    return membership


def account_create_requested(*, organization, name, email, role_name=ACCESS_ROLE_NAME, tags=(), acting):
    """CreateAccount on the wire: the account made as the console makes it, and the request's status
    recorded for DescribeCreateAccountStatus: SUCCEEDED, or FAILED with EMAIL_ALREADY_EXISTS as AWS
    reports an address already in use (the call itself succeeds)."""
    try:
        membership = account_create_with_access_role(
            organization=organization, name=name, email=email, role_name=role_name, tags=tags, acting=acting
        )
    except DuplicateAccountException:
        return account_request_record(
            organization=organization, name=name, failure_reason="EMAIL_ALREADY_EXISTS"
        )
    return account_request_record(organization=organization, name=name, membership=membership)


def access_role_create(*, account, organization, name=ACCESS_ROLE_NAME):
    """OrganizationAccountAccessRole in a new member account: AdministratorAccess, trusted by the
    management account, so that its identities can switch into the member account."""
    # Organizations creates the role inside the new account, as an AWS service that no SCP bounds;
    # its events are recorded there.
    service = Acting(account=account, user_agent=ORGANIZATIONS, invoked_by=ORGANIZATIONS)
    role = role_create(
        account=account,
        name=name,
        trust_policy=access_role_trust_policy(organization.management_account_id),
        acting=service,
    )
    policy_attach(policy=aws_managed_policy("AdministratorAccess"), role=role, acting=service)
    return role
