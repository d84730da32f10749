"""The policies app's flows: what combines several services, for the console and the AWS API alike.

Each step goes through its own service, so it is authorized and audited as the call the console makes
on AWS; a flow runs in one transaction, so a refusal half-way changes nothing.
"""

import datetime
import json

from django.utils import timezone

from access.audit import all_or_nothing
from access.entities import ensure_same_account
from policies.models import InlinePolicy, PolicyAttachment, Role
from policies.services.instance_profiles import instance_profile_remove_role
from policies.services.permissions import (
    entity_of,
    inline_policy_delete,
    inline_policy_put,
    permissions_boundary_delete,
    policy_detach,
)
from policies.services.policies import policy_delete, policy_not_found, policy_usage, policy_version_delete
from policies.services.roles import ensure_modifiable, role_delete, role_not_found

REVOKE_POLICY_NAME = "AWSRevokeOlderSessions"


@all_or_nothing
def permissions_remove_all(*, user=None, group=None, role=None, acting):
    """The console's delete of an identity, first part: detach every managed policy, delete every inline one.

    Each removal is its own audited call (Detach…Policy, Delete…Policy), as the console makes them.
    """
    kind, entity = entity_of(user=user, group=group, role=role)
    for attachment in list(PolicyAttachment.objects.filter(**{kind: entity}).select_related("policy")):
        policy_detach(policy=attachment.policy, acting=acting, **{kind: entity})
    for name in list(InlinePolicy.objects.filter(**{kind: entity}).values_list("name", flat=True)):
        inline_policy_delete(name=name, acting=acting, **{kind: entity})


@all_or_nothing
def role_delete_with_dependents(*, role, acting):
    """The console's delete: instance-profile memberships, attached and inline policies, then the role.

    All in one transaction; each removal is recorded as the call the console makes on AWS.
    """
    ensure_same_account(role, acting, role_not_found(role.name).message)
    ensure_modifiable(role)
    Role.objects.select_for_update().filter(pk=role.pk).first()
    for profile in list(role.instance_profiles.all()):
        instance_profile_remove_role(profile=profile, role=role, acting=acting)
    for attachment in list(role.attachments.select_related("policy")):
        policy_detach(policy=attachment.policy, role=role, acting=acting)
    for inline in list(role.inline_policies.all()):
        inline_policy_delete(name=inline.name, role=role, acting=acting)
    role_delete(role=role, acting=acting)


@all_or_nothing
def policy_delete_with_detach(*, policy, acting):
    """The console's delete: detach it everywhere, remove it as boundary, delete the other versions,
    then the policy, in one transaction, each step through its own service as the console's calls."""
    if policy.account_id is not None and policy.account_id != acting.account.id:
        raise policy_not_found(policy.arn)
    attachments, boundary_users, boundary_roles = policy_usage(policy, acting.account)
    for attachment in attachments.select_related("user", "group", "role"):
        entity = {
            "user": attachment.user,
            "group": attachment.group,
            "role": attachment.role,
        }
        policy_detach(policy=policy, acting=acting, **{k: v for k, v in entity.items() if v is not None})
    for user in boundary_users:
        permissions_boundary_delete(user=user, acting=acting)
    for role in boundary_roles:
        permissions_boundary_delete(role=role, acting=acting)
    if policy.account_id is not None:
        for version in list(policy.versions.exclude(number=policy.default_version_number)):
            policy_version_delete(policy=policy, version_id=version.version_id, acting=acting)
    policy_delete(policy=policy, acting=acting)


# Revoke active sessions


def revoke_policy_document(moment):
    """AWS's AWSRevokeOlderSessions: deny everything to sessions issued before `moment`."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": ["*"],
                    "Resource": ["*"],
                    "Condition": {
                        "DateLessThan": {
                            "aws:TokenIssueTime": moment.astimezone(datetime.UTC).strftime(
                                "%Y-%m-%dT%H:%M:%SZ"
                            )
                        }
                    },
                }
            ],
        }
    )


def revoke_role_sessions(*, role, acting, moment=None):
    """Put the inline policy AWSRevokeOlderSessions on the role (a PutRolePolicy, as the console does):
    sessions issued before `moment` (now) are denied everything."""
    document = revoke_policy_document(moment or timezone.now())
    return inline_policy_put(name=REVOKE_POLICY_NAME, document=document, role=role, acting=acting)
