"""The organization's integrations: AWS services' trusted access (EnableAWSServiceAccess and its
kin), EnableAllFeatures, and the organization's resource policy."""

from aws.organizations_errors import ResourcePolicyNotFoundException
from organizations import services
from organizations.models import ResourcePolicy, ServiceAccess

from .common import administered, managed, operation, page, tag_pairs


@operation("EnableAWSServiceAccess")
def enable_aws_service_access(acting, params):
    services.service_access_enable(
        organization=managed(acting), service_principal=params["ServicePrincipal"], acting=acting
    )
    return {}


@operation("DisableAWSServiceAccess")
def disable_aws_service_access(acting, params):
    services.service_access_disable(
        organization=managed(acting), service_principal=params["ServicePrincipal"], acting=acting
    )
    return {}


@operation("ListAWSServiceAccessForOrganization", read_only=True)
def list_aws_service_access_for_organization(acting, params):
    enabled = [
        {"ServicePrincipal": access.service_principal, "DateEnabled": access.enabled_at}
        for access in ServiceAccess.objects.filter(organization=administered(acting))
    ]
    return page(enabled, params, "EnabledServicePrincipals")


@operation("EnableAllFeatures")
def enable_all_features(acting, params):
    # Refused: every organization here has all features.
    services.organization_enable_all_features(organization=managed(acting), acting=acting)


def _resource_policy_shape(policy):
    return {"ResourcePolicySummary": {"Id": policy.id, "Arn": policy.arn}, "Content": policy.content}


@operation("PutResourcePolicy")
def put_resource_policy(acting, params):
    policy = services.resource_policy_put(
        organization=managed(acting), content=params["Content"], tags=tag_pairs(params), acting=acting
    )
    return {"ResourcePolicy": _resource_policy_shape(policy)}


@operation("DescribeResourcePolicy", read_only=True)
def describe_resource_policy(acting, params):
    policy = (
        ResourcePolicy.objects.filter(organization=administered(acting))
        .select_related("organization")
        .first()
    )
    if policy is None:
        raise ResourcePolicyNotFoundException()
    return {"ResourcePolicy": _resource_policy_shape(policy)}


@operation("DeleteResourcePolicy")
def delete_resource_policy(acting, params):
    services.resource_policy_delete(organization=managed(acting), acting=acting)
    return {}
