"""The organization and its tree: CreateOrganization, DescribeOrganization, DeleteOrganization,
LeaveOrganization, ListRoots, the OUs, ListChildren and ListParents."""

from aws.organizations_errors import (
    ChildNotFoundException,
    InvalidInputException,
    OrganizationalUnitNotFoundException,
)
from organizations import services
from organizations.models import Membership, OrganizationalUnit

from .common import (
    administered,
    managed,
    operation,
    organization_of,
    ou_shape,
    page,
    root_shape,
    tag_pairs,
)


def _organization_shape(organization):
    management = organization.management_account
    return {
        "Id": organization.id,
        "Arn": organization.arn,
        "FeatureSet": organization.feature_set,
        "MasterAccountArn": (
            f"arn:aws:organizations::{management.id}:account/{organization.id}/{management.id}"
        ),
        "MasterAccountId": management.id,
        "MasterAccountEmail": management.root_email,
        # Deprecated in AWS's model (ListRoots says what the root has enabled), still returned: an
        # organization with all features has SCPs available.
        "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
    }


@operation("CreateOrganization")
def create_organization(acting, params):
    if params.get("FeatureSet", "ALL") != "ALL":
        # The product has organizations with all features only.
        raise InvalidInputException("You specified an invalid value.", reason="INVALID_ENUM")
    # AWS's reference says SCPs are enabled in the new root; AWS does not do it (CloudFormation's and
    # Terraform's users enable them after creating the organization), nor does this.
    organization = services.organization_create(acting=acting)
    return {"Organization": _organization_shape(organization)}


@operation("DescribeOrganization", read_only=True)
def describe_organization(acting, params):
    # Any account of the organization may describe it.
    return {"Organization": _organization_shape(organization_of(acting))}


@operation("DeleteOrganization")
def delete_organization(acting, params):
    services.organization_delete(organization=managed(acting), acting=acting)
    return {}


@operation("LeaveOrganization")
def leave_organization(acting, params):
    services.organization_leave(acting=acting)
    return {}


@operation("ListRoots", read_only=True)
def list_roots(acting, params):
    return page([root_shape(administered(acting))], params, "Roots")


# Organizational units


def _ou(organization, ou_id):
    ou = (
        OrganizationalUnit.objects.filter(organization=organization, id=ou_id)
        .select_related("organization")
        .first()
    )
    if ou is None:
        raise OrganizationalUnitNotFoundException()
    return ou


@operation("CreateOrganizationalUnit")
def create_organizational_unit(acting, params):
    ou = services.ou_create(
        organization=managed(acting),
        parent_id=params["ParentId"],
        name=params["Name"],
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"OrganizationalUnit": ou_shape(ou)}


@operation("DescribeOrganizationalUnit", read_only=True)
def describe_organizational_unit(acting, params):
    return {"OrganizationalUnit": ou_shape(_ou(administered(acting), params["OrganizationalUnitId"]))}


@operation("UpdateOrganizationalUnit")
def update_organizational_unit(acting, params):
    ou = _ou(managed(acting), params["OrganizationalUnitId"])
    ou = services.ou_rename(ou=ou, name=params.get("Name", ou.name), acting=acting)
    return {"OrganizationalUnit": ou_shape(ou)}


@operation("DeleteOrganizationalUnit")
def delete_organizational_unit(acting, params):
    services.ou_delete(ou=_ou(managed(acting), params["OrganizationalUnitId"]), acting=acting)
    return {}


@operation("ListOrganizationalUnitsForParent", read_only=True)
def list_organizational_units_for_parent(acting, params):
    organization = administered(acting)
    parent = services.parent_unit(organization, params["ParentId"])
    # In the order they were created, as AWS lists them.
    units = (
        OrganizationalUnit.objects.filter(organization=organization, parent=parent)
        .select_related("organization")
        .order_by("created_at", "id")
    )
    return page([ou_shape(ou) for ou in units], params, "OrganizationalUnits")


# The tree


@operation("ListChildren", read_only=True)
def list_children(acting, params):
    organization = administered(acting)
    parent = services.parent_unit(organization, params["ParentId"])
    if params["ChildType"] == "ORGANIZATIONAL_UNIT":
        ids = (
            OrganizationalUnit.objects.filter(organization=organization, parent=parent)
            .order_by("created_at", "id")
            .values_list("id", flat=True)
        )
    else:
        ids = (
            Membership.objects.filter(organization=organization, parent=parent)
            .order_by("joined_at", "account_id")
            .values_list("account_id", flat=True)
        )
    children = [{"Id": child_id, "Type": params["ChildType"]} for child_id in ids]
    return page(children, params, "Children")


@operation("ListParents", read_only=True)
def list_parents(acting, params):
    organization = administered(acting)
    child_id = params["ChildId"]
    if child_id.startswith("ou-"):
        child = OrganizationalUnit.objects.filter(organization=organization, id=child_id).first()
    else:
        child = Membership.objects.filter(organization=organization, account_id=child_id).first()
    if child is None:
        raise ChildNotFoundException()
    if child.parent_id is None:
        parent = {"Id": organization.root_id, "Type": "ROOT"}
    else:
        parent = {"Id": child.parent_id, "Type": "ORGANIZATIONAL_UNIT"}
    return page([parent], params, "Parents")
