"""IAM Identity Center's administration API on the wire (sso-admin, JSON 1.1, signed as "sso"):
the instance, permission sets and their policies, account assignments and provisioning, tags. Writes
go through identitycenter's services and flows; reads are authorized and recorded."""

from access.operations import SSO_SOURCE
from aws.identitycenter_errors import ResourceNotFoundException, ValidationException
from iamconsole.aws_api.identitycenter import (
    instance_named,
    invalid_input,
    page,
    refused,
    registry,
    tag_pairs,
)
from identitycenter import flows, selectors, services
from identitycenter.models import ProvisioningRequest, ResourceTag
from organizations.selectors import managed_organization

MODEL = "sso-admin"
HANDLERS = {}
operation = registry(HANDLERS, SSO_SOURCE)

__all__ = ["HANDLERS", "MODEL", "invalid_input", "refused"]


def _instance_shape(instance):
    return {
        "InstanceArn": instance.arn,
        "IdentityStoreId": instance.identity_store_id,
        "IdentityStoreArn": instance.identity_store_arn,
        "OwnerAccountId": instance.owner_account_id,
        "Name": instance.name or None,
        "CreatedDate": instance.created_at,
        "Status": instance.status,
        "PrimaryRegion": instance.region,
    }


def _permission_set_shape(permission_set):
    return {
        "Name": permission_set.name,
        "PermissionSetArn": permission_set.arn,
        "Description": permission_set.description or None,
        "CreatedDate": permission_set.created_at,
        "SessionDuration": permission_set.session_duration,
        "RelayState": permission_set.relay_state or None,
    }


def _assignment_status(request):
    return {
        "Status": request.status,
        "RequestId": request.request_id,
        "FailureReason": request.failure_reason or None,
        "TargetId": request.target_id,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": request.permission_set_arn,
        "PrincipalType": request.principal_type,
        "PrincipalId": request.principal_id,
        "CreatedDate": request.created_at,
    }


def _provisioning_status(request):
    return {
        "Status": request.status,
        "RequestId": request.request_id,
        "AccountId": request.target_id or None,
        "PermissionSetArn": request.permission_set_arn,
        "FailureReason": request.failure_reason or None,
        "CreatedDate": request.created_at,
    }


def _permission_set(instance, arn):
    permission_set = selectors.permission_set_by_arn(instance, arn)
    if permission_set is None:
        raise services.permission_set_not_found(arn)
    return permission_set


def _named(acting, params):
    """(instance, permission set) the request names."""
    instance = instance_named(acting, params["InstanceArn"])
    return instance, _permission_set(instance, params["PermissionSetArn"])


# The instance


@operation("CreateInstance")
def create_instance(acting, params):
    instance = services.instance_create(
        organization=managed_organization(acting.account),
        name=params.get("Name", ""),
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"InstanceArn": instance.arn}


@operation("ListInstances", read_only=True)
def list_instances(acting, params, check):
    check()
    instance = selectors.instance_of(acting.account)
    return page([_instance_shape(instance)] if instance else [], params, "Instances")


@operation("DescribeInstance", read_only=True)
def describe_instance(acting, params, check):
    instance = instance_named(acting, params["InstanceArn"])
    check(instance=instance)
    return _instance_shape(instance)


@operation("UpdateInstance")
def update_instance(acting, params):
    instance = instance_named(acting, params["InstanceArn"])
    if "Name" in params:
        services.instance_update(instance=instance, name=params["Name"], acting=acting)
    return {}


# Permission sets


@operation("CreatePermissionSet")
def create_permission_set(acting, params):
    permission_set = services.permission_set_create(
        instance=instance_named(acting, params["InstanceArn"]),
        name=params["Name"],
        description=params.get("Description", ""),
        session_duration=params.get("SessionDuration", "PT1H"),
        relay_state=params.get("RelayState", ""),
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"PermissionSet": _permission_set_shape(permission_set)}


@operation("DescribePermissionSet", read_only=True)
def describe_permission_set(acting, params, check):
    instance, permission_set = _named(acting, params)
    check(permission_set=permission_set)
    return {"PermissionSet": _permission_set_shape(permission_set)}


@operation("UpdatePermissionSet")
def update_permission_set(acting, params):
    _, permission_set = _named(acting, params)
    services.permission_set_update(
        permission_set=permission_set,
        description=params.get("Description"),
        session_duration=params.get("SessionDuration"),
        relay_state=params.get("RelayState"),
        acting=acting,
    )
    return {}


@operation("DeletePermissionSet")
def delete_permission_set(acting, params):
    _, permission_set = _named(acting, params)
    services.permission_set_delete(permission_set=permission_set, acting=acting)
    return {}


@operation("ListPermissionSets", read_only=True)
def list_permission_sets(acting, params, check):
    instance = instance_named(acting, params["InstanceArn"])
    check(instance=instance)
    arns = [permission_set.arn for permission_set in selectors.permission_sets_of(instance)]
    return page(arns, params, "PermissionSets")


# Policies of a permission set


@operation("AttachManagedPolicyToPermissionSet")
def attach_managed_policy(acting, params):
    _, permission_set = _named(acting, params)
    flows.managed_policy_attach(permission_set=permission_set, arn=params["ManagedPolicyArn"], acting=acting)
    return {}


@operation("DetachManagedPolicyFromPermissionSet")
def detach_managed_policy(acting, params):
    _, permission_set = _named(acting, params)
    services.managed_policy_detach(
        permission_set=permission_set, arn=params["ManagedPolicyArn"], acting=acting
    )
    return {}


@operation("ListManagedPoliciesInPermissionSet", read_only=True)
def list_managed_policies(acting, params, check):
    _, permission_set = _named(acting, params)
    check(permission_set=permission_set)
    attached = [{"Name": each.name, "Arn": each.arn} for each in permission_set.managed_policies.all()]
    return page(attached, params, "AttachedManagedPolicies")


def _reference(params):
    reference = params["CustomerManagedPolicyReference"]
    return reference["Name"], reference.get("Path", "/")


@operation("AttachCustomerManagedPolicyReferenceToPermissionSet")
def attach_customer_policy(acting, params):
    _, permission_set = _named(acting, params)
    name, path = _reference(params)
    services.customer_policy_attach(permission_set=permission_set, name=name, path=path, acting=acting)
    return {}


@operation("DetachCustomerManagedPolicyReferenceFromPermissionSet")
def detach_customer_policy(acting, params):
    _, permission_set = _named(acting, params)
    name, path = _reference(params)
    services.customer_policy_detach(permission_set=permission_set, name=name, path=path, acting=acting)
    return {}


@operation("ListCustomerManagedPolicyReferencesInPermissionSet", read_only=True)
def list_customer_policies(acting, params, check):
    _, permission_set = _named(acting, params)
    check(permission_set=permission_set)
    references = [{"Name": each.name, "Path": each.path} for each in permission_set.customer_policies.all()]
    return page(references, params, "CustomerManagedPolicyReferences")


@operation("PutInlinePolicyToPermissionSet")
def put_inline_policy(acting, params):
    _, permission_set = _named(acting, params)
    flows.inline_policy_set(permission_set=permission_set, document=params["InlinePolicy"], acting=acting)
    return {}


@operation("GetInlinePolicyForPermissionSet", read_only=True)
def get_inline_policy(acting, params, check):
    _, permission_set = _named(acting, params)
    check(permission_set=permission_set)
    return {"InlinePolicy": permission_set.inline_policy}


@operation("DeleteInlinePolicyFromPermissionSet")
def delete_inline_policy(acting, params):
    _, permission_set = _named(acting, params)
    services.inline_policy_delete(permission_set=permission_set, acting=acting)
    return {}


@operation("PutPermissionsBoundaryToPermissionSet")
def put_boundary(acting, params):
    _, permission_set = _named(acting, params)
    boundary = params["PermissionsBoundary"]
    reference = boundary.get("CustomerManagedPolicyReference") or {}
    flows.boundary_set(
        permission_set=permission_set,
        managed_arn=boundary.get("ManagedPolicyArn", ""),
        name=reference.get("Name", ""),
        path=reference.get("Path", "/"),
        acting=acting,
    )
    return {}


@operation("GetPermissionsBoundaryForPermissionSet", read_only=True)
def get_boundary(acting, params, check):
    _, permission_set = _named(acting, params)
    check(permission_set=permission_set)
    if permission_set.boundary_managed_arn:
        return {"PermissionsBoundary": {"ManagedPolicyArn": permission_set.boundary_managed_arn}}
    if permission_set.boundary_name:
        reference = {"Name": permission_set.boundary_name, "Path": permission_set.boundary_path}
        return {"PermissionsBoundary": {"CustomerManagedPolicyReference": reference}}
    # unconfirmed
    raise ResourceNotFoundException("The permission set has no permissions boundary.")


@operation("DeletePermissionsBoundaryFromPermissionSet")
def delete_boundary(acting, params):
    _, permission_set = _named(acting, params)
    services.boundary_delete(permission_set=permission_set, acting=acting)
    return {}


# Account assignments and provisioning


def _assignment_arguments(acting, params):
    _, permission_set = _named(acting, params)
    return {
        "permission_set": permission_set,
        "account_id": params["TargetId"],  # TargetType: AWS_ACCOUNT, its only value
        "principal_type": params["PrincipalType"],
        "principal_id": params["PrincipalId"],
        "acting": acting,
    }


@operation("CreateAccountAssignment")
def create_account_assignment(acting, params):
    request = flows.assignment_create(**_assignment_arguments(acting, params))
    return {"AccountAssignmentCreationStatus": _assignment_status(request)}


@operation("DeleteAccountAssignment")
def delete_account_assignment(acting, params):
    request = flows.assignment_delete(**_assignment_arguments(acting, params))
    return {"AccountAssignmentDeletionStatus": _assignment_status(request)}


def _request(acting, params, member, kind, check):
    instance = instance_named(acting, params["InstanceArn"])
    check(instance=instance)
    request = selectors.request_in(instance, params[member], kind)
    if request is None:
        raise ResourceNotFoundException(f"Could not find request with id {params[member]}.")  # unconfirmed
    return request


@operation("DescribeAccountAssignmentCreationStatus", read_only=True)
def describe_creation_status(acting, params, check):
    request = _request(
        acting,
        params,
        "AccountAssignmentCreationRequestId",
        ProvisioningRequest.Kind.ASSIGNMENT_CREATION,
        check,
    )
    return {"AccountAssignmentCreationStatus": _assignment_status(request)}


@operation("DescribeAccountAssignmentDeletionStatus", read_only=True)
def describe_deletion_status(acting, params, check):
    request = _request(
        acting,
        params,
        "AccountAssignmentDeletionRequestId",
        ProvisioningRequest.Kind.ASSIGNMENT_DELETION,
        check,
    )
    return {"AccountAssignmentDeletionStatus": _assignment_status(request)}


@operation("ListAccountAssignments", read_only=True)
def list_account_assignments(acting, params, check):
    _, permission_set = _named(acting, params)
    check(permission_set=permission_set)
    assignments = [
        {
            "AccountId": assignment.account_id,
            "PermissionSetArn": permission_set.arn,
            "PrincipalType": assignment.principal_type,
            "PrincipalId": assignment.principal_id,
        }
        for assignment in selectors.assignments(permission_set, params["AccountId"])
    ]
    return page(assignments, params, "AccountAssignments")


@operation("ProvisionPermissionSet")
def provision_permission_set(acting, params):
    _, permission_set = _named(acting, params)
    target_type = params["TargetType"]
    if target_type == "AWS_ACCOUNT" and not params.get("TargetId"):
        raise ValidationException("TargetId is required when TargetType is AWS_ACCOUNT.")  # unconfirmed
    account_id = params["TargetId"] if target_type == "AWS_ACCOUNT" else ""
    request = flows.provision(permission_set=permission_set, account_id=account_id, acting=acting)
    return {"PermissionSetProvisioningStatus": _provisioning_status(request)}


@operation("DescribePermissionSetProvisioningStatus", read_only=True)
def describe_provisioning_status(acting, params, check):
    request = _request(
        acting,
        params,
        "ProvisionPermissionSetRequestId",
        ProvisioningRequest.Kind.PERMISSION_SET_PROVISIONING,
        check,
    )
    return {"PermissionSetProvisioningStatus": _provisioning_status(request)}


@operation("ListAccountsForProvisionedPermissionSet", read_only=True)
def list_accounts_for_permission_set(acting, params, check):
    _, permission_set = _named(acting, params)
    check(permission_set=permission_set)
    accounts = selectors.provisioned_accounts(permission_set, params.get("ProvisioningStatus"))
    return page(accounts, params, "AccountIds")


@operation("ListPermissionSetsProvisionedToAccount", read_only=True)
def list_permission_sets_for_account(acting, params, check):
    instance = instance_named(acting, params["InstanceArn"])
    check(instance=instance)
    permission_sets = selectors.provisioned_to_account(
        instance, params["AccountId"], params.get("ProvisioningStatus")
    )
    return page([each.arn for each in permission_sets], params, "PermissionSets")


# Tags


def _tagged(acting, params):
    """(instance, the ARN of the instance or permission set the request names)."""
    instance = instance_named(acting, params.get("InstanceArn", ""))
    arn = params["ResourceArn"]
    if arn != instance.arn:
        _permission_set(instance, arn)
    return instance, arn


@operation("TagResource")
def tag_resource(acting, params):
    instance, arn = _tagged(acting, params)
    services.resource_tag(instance=instance, resource_arn=arn, tags=tag_pairs(params), acting=acting)
    return {}


@operation("UntagResource")
def untag_resource(acting, params):
    instance, arn = _tagged(acting, params)
    services.resource_untag(instance=instance, resource_arn=arn, keys=params["TagKeys"], acting=acting)
    return {}


@operation("ListTagsForResource", read_only=True)
def list_tags(acting, params, check):
    instance, arn = _tagged(acting, params)
    check(instance=instance)
    tags = [{"Key": tag.key, "Value": tag.value} for tag in ResourceTag.objects.filter(resource_arn=arn)]
    return page(tags, params, "Tags")


# Request histories and a principal's assignments


def _requests(acting, params, kind, member, check):
    """The instance's requests of `kind` (newest first), filtered by Status, as status metadata."""
    instance = instance_named(acting, params["InstanceArn"])
    check(instance=instance)
    requests = instance.requests.filter(kind=kind).order_by("-created_at")
    status = (params.get("Filter") or {}).get("Status")
    if status:
        requests = requests.filter(status=status)
    metadata = [
        {"Status": request.status, "RequestId": request.request_id, "CreatedDate": request.created_at}
        for request in requests
    ]
    return page(metadata, params, member)


@operation("ListAccountAssignmentCreationStatus", read_only=True)
def list_creation_status(acting, params, check):
    kind = ProvisioningRequest.Kind.ASSIGNMENT_CREATION
    return _requests(acting, params, kind, "AccountAssignmentsCreationStatus", check)


@operation("ListAccountAssignmentDeletionStatus", read_only=True)
def list_deletion_status(acting, params, check):
    kind = ProvisioningRequest.Kind.ASSIGNMENT_DELETION
    return _requests(acting, params, kind, "AccountAssignmentsDeletionStatus", check)


@operation("ListPermissionSetProvisioningStatus", read_only=True)
def list_provisioning_status(acting, params, check):
    kind = ProvisioningRequest.Kind.PERMISSION_SET_PROVISIONING
    return _requests(acting, params, kind, "PermissionSetsProvisioningStatus", check)


@operation("ListAccountAssignmentsForPrincipal", read_only=True)
def list_assignments_for_principal(acting, params, check):
    instance = instance_named(acting, params["InstanceArn"])
    check(instance=instance)
    assignments = selectors.assignments_of_principal(instance, params["PrincipalType"], params["PrincipalId"])
    account_id = (params.get("Filter") or {}).get("AccountId")
    if account_id:
        assignments = assignments.filter(account_id=account_id)
    found = [
        {
            "AccountId": assignment.account_id,
            "PermissionSetArn": assignment.permission_set.arn,
            "PrincipalId": assignment.principal_id,
            "PrincipalType": assignment.principal_type,
        }
        for assignment in assignments
    ]
    return page(found, params, "AccountAssignments")
