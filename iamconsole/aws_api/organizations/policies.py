"""SCPs and RCPs: the policies, their attachments, the policy types of the root, effective policies,
and tags on the organization's resources."""

import json

from aws import management_policies
from aws.organizations_errors import (
    EffectivePolicyNotFoundException,
    PolicyNotFoundException,
    RootNotFoundException,
    TargetNotFoundException,
)
from organizations import selectors, services
from organizations.models import ResourceTag

from .common import (
    administered,
    managed,
    operation,
    organization_of,
    page,
    policy_shape,
    policy_summary,
    root_shape,
    tag_pairs,
    target_arn,
)

# DescribePolicy's words for a missing policy as AWS answers them (boto3 against AWS, quoted in moto's
# pull request 6955), which differ from the API reference's that the writes answer.
MISSING_POLICY = "You specified a policy that doesn't exist."


def _policy(organization, policy_id, *, read=False):
    policy = (
        selectors.usable_policies(organization).filter(id=policy_id).select_related("organization").first()
    )
    if policy is None:
        raise PolicyNotFoundException(MISSING_POLICY) if read else PolicyNotFoundException()
    return policy


def _target(organization, target_id):
    if not services.target_exists(organization, target_id):
        raise TargetNotFoundException()
    return target_id


@operation("CreatePolicy")
def create_policy(acting, params):
    policy = services.policy_create(
        organization=managed(acting),
        policy_type=params["Type"],
        name=params["Name"],
        description=params["Description"],
        content=params["Content"],
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"Policy": policy_shape(policy)}


@operation("DescribePolicy", read_only=True)
def describe_policy(acting, params):
    return {"Policy": policy_shape(_policy(administered(acting), params["PolicyId"], read=True))}


@operation("UpdatePolicy")
def update_policy(acting, params):
    policy = services.policy_update(
        policy=_policy(managed(acting), params["PolicyId"]),
        name=params.get("Name"),
        description=params.get("Description"),
        content=params.get("Content"),
        acting=acting,
    )
    return {"Policy": policy_shape(policy)}


@operation("DeletePolicy")
def delete_policy(acting, params):
    services.policy_delete(policy=_policy(managed(acting), params["PolicyId"]), acting=acting)
    return {}


@operation("ListPolicies", read_only=True)
def list_policies(acting, params):
    # In the order they were created (AWS's own first), as AWS lists them; the console sorts by name.
    policies = sorted(
        selectors.policies_of(administered(acting), params["Filter"]),
        key=lambda policy: (policy.created_at, policy.id),
    )
    return page([policy_summary(policy) for policy in policies], params, "Policies")


@operation("ListPoliciesForTarget", read_only=True)
def list_policies_for_target(acting, params):
    organization = administered(acting)
    target_id = _target(organization, params["TargetId"])
    policies = selectors.policies_for_target(organization, target_id, params["Filter"])
    return page([policy_summary(policy) for policy in policies], params, "Policies")


@operation("ListTargetsForPolicy", read_only=True)
def list_targets_for_policy(acting, params):
    organization = administered(acting)
    policy = _policy(organization, params["PolicyId"], read=True)
    kinds = {"Root": "ROOT", "Organizational unit": "ORGANIZATIONAL_UNIT", "Account": "ACCOUNT"}
    targets = [
        {"TargetId": target_id, "Arn": target_arn(organization, target_id), "Name": name, "Type": kinds[kind]}
        for target_id, name, kind in selectors.policy_targets(organization, policy)
    ]
    return page(targets, params, "Targets")


@operation("AttachPolicy")
def attach_policy(acting, params):
    organization = managed(acting)
    services.policy_attach(
        organization=organization,
        policy=_policy(organization, params["PolicyId"]),
        target_id=params["TargetId"],
        acting=acting,
    )
    return {}


@operation("DetachPolicy")
def detach_policy(acting, params):
    organization = managed(acting)
    services.policy_detach(
        organization=organization,
        policy=_policy(organization, params["PolicyId"]),
        target_id=params["TargetId"],
        acting=acting,
    )
    return {}


# Policy types


def _root(acting, root_id):
    organization = managed(acting)
    if root_id != organization.root_id:
        raise RootNotFoundException()
    return organization


@operation("EnablePolicyType")
def enable_policy_type(acting, params):
    organization = services.policy_type_enable(
        organization=_root(acting, params["RootId"]), policy_type=params["PolicyType"], acting=acting
    )
    return {"Root": root_shape(organization)}


@operation("DisablePolicyType")
def disable_policy_type(acting, params):
    organization = services.policy_type_disable(
        organization=_root(acting, params["RootId"]), policy_type=params["PolicyType"], acting=acting
    )
    return {"Root": root_shape(organization)}


@operation("DescribeEffectivePolicy", read_only=True)
def describe_effective_policy(acting, params):
    # SCPs and RCPs are not in the model's EffectivePolicyType, so the request's validation refuses them
    # (InvalidInputException, INVALID_ENUM_POLICY_TYPE): effective policies are management policies'.
    organization = organization_of(acting)
    policy_type = params["PolicyType"]
    target_id = params.get("TargetId", acting.account.id)
    if target_id != acting.account.id:
        # Another account's effective policy is the management account's (or a delegated
        # administrator's) to read; a root or an OU has none.
        organization = administered(acting)
        _target(organization, target_id)
    membership = (
        organization.memberships.select_related("account", "organization")
        .filter(account_id=target_id)
        .first()
    )
    if membership is None or policy_type not in management_policies.TYPES:
        raise EffectivePolicyNotFoundException()
    levels = selectors.effective_chain(membership, policy_type)
    documents = [[json.loads(policy.content) for policy in level.policies] for level in levels]
    content = management_policies.effective(policy_type, documents)
    if content is None:
        raise EffectivePolicyNotFoundException()
    updated = max(policy.updated_at for level in levels for policy in level.policies)
    return {
        "EffectivePolicy": {
            "PolicyContent": json.dumps(content, separators=(",", ":")),
            "LastUpdatedTimestamp": updated,
            "TargetId": target_id,
            "PolicyType": policy_type,
        }
    }


# Tags


def _tags(organization, resource_id):
    return [
        {"Key": tag.key, "Value": tag.value}
        for tag in ResourceTag.objects.filter(organization=organization, resource_id=resource_id)
    ]


@operation("TagResource")
def tag_resource(acting, params):
    services.resource_tag(
        organization=managed(acting), resource_id=params["ResourceId"], tags=tag_pairs(params), acting=acting
    )
    return {}


@operation("UntagResource")
def untag_resource(acting, params):
    services.resource_untag(
        organization=managed(acting), resource_id=params["ResourceId"], keys=params["TagKeys"], acting=acting
    )
    return {}


@operation("ListTagsForResource", read_only=True)
def list_tags_for_resource(acting, params):
    organization = administered(acting)
    if not services.resource_exists(organization, params["ResourceId"]):
        raise TargetNotFoundException()
    # AWS pages tags with NextToken only (no MaxResults).
    return page(_tags(organization, params["ResourceId"]), {**params, "MaxResults": 50}, "Tags")
