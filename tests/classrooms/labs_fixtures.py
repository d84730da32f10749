"""What the shipped labs' seats start from: a fresh account of the product, with the few AWS managed
policies the labs attach, and for the SCP lab the organization its instructions ask of the template."""

from access.acting import Acting
from organizations import flows as organizations_flows
from organizations import services as organizations_services
from policies.aws_managed.loader import read_data_file, sync_catalog
from tests.accounts.factories import AccountFactory

MANAGED = {"AmazonS3ReadOnlyAccess", "IAMReadOnlyAccess", "AdministratorAccess"}


def load_managed_policies():
    sync_catalog([entry for entry in read_data_file() if entry["name"] in MANAGED and entry["path"] == "/"])


def organization_seat():
    """A seat as the SCP lab's template makes it: the management account of an organization with SCPs
    enabled, the OU Sandbox, and a member account in it."""
    account = AccountFactory(name="Seat")
    root = Acting(account=account)
    organization = organizations_services.organization_create(acting=root)
    organization = organizations_services.policy_type_enable(
        organization=organization, policy_type="SERVICE_CONTROL_POLICY", acting=root
    )
    sandbox = organizations_services.ou_create(
        organization=organization, parent_id=organization.root_id, name="Sandbox", acting=root
    )
    membership = organizations_flows.account_create_with_access_role(
        organization=organization,
        name="Sandbox account",
        email=f"sandbox-{account.id}@example.com",
        acting=root,
    )
    organizations_services.account_move(membership=membership, destination_id=sandbox.id, acting=root)
    return account


def fresh_seat(lab):
    if any(check["type"] == "scp_denies" for check in lab["checks"]):
        return organization_seat()
    return AccountFactory(name="Seat")
