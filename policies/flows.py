"""The policies app's flows: what combines several services, for the console and the AWS API alike.

Each step goes through its own service, so it is authorized and audited as the call the console makes
on AWS; a flow runs in one transaction, so a refusal half-way changes nothing.
"""

import datetime
import json
from functools import partial

from django.utils import timezone

from access.audit import all_or_nothing
from access.entities import ensure_same_account, tags_replace
from accounts.services.groups import group_add_user
from policies.models import InlinePolicy, InstanceProfile, PolicyAttachment, Role
from policies.services.instance_profiles import (
    instance_profile_add_role,
    instance_profile_create,
    instance_profile_remove_role,
)
from policies.services.permissions import (
    entity_of,
    inline_policy_delete,
    inline_policy_put,
    permissions_boundary_delete,
    policy_attach,
    policy_detach,
    policy_for_arn,
)
from policies.services.policies import (
    policy_delete,
    policy_not_found,
    policy_tag,
    policy_untag,
    policy_usage,
    policy_version_create,
    policy_version_delete,
)
from policies.services.roles import (
    ensure_modifiable,
    role_create,
    role_delete,
    role_not_found,
    role_tag,
    role_untag,
)

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
def permissions_remove(*, managed=(), inline=(), user=None, group=None, role=None, acting):
    """The Permissions tab's Remove: detach the managed policies (ARNs), delete the inline ones (names)."""
    kind, entity = entity_of(user=user, group=group, role=role)
    for arn in managed:
        policy_detach(policy=policy_for_arn(account=acting.account, arn=arn), acting=acting, **{kind: entity})
    for name in inline:
        inline_policy_delete(name=name, acting=acting, **{kind: entity})


@all_or_nothing
def permissions_grant(*, groups=(), copy_from=None, policy_arns=(), user=None, group=None, role=None, acting):
    """Add permissions (the Add permissions page, the create user wizard): a user to `groups`; the
    groups, managed and inline policies of the user `copy_from`; the managed policies `policy_arns`."""
    kind, entity = entity_of(user=user, group=group, role=role)
    for each in groups:
        group_add_user(group=each, user=entity, acting=acting)
    if copy_from is not None:
        for membership in copy_from.memberships.select_related("group"):
            group_add_user(group=membership.group, user=entity, acting=acting)
        for attachment in copy_from.attachments.select_related("policy"):
            policy_attach(policy=attachment.policy, user=entity, acting=acting)
        for inline in copy_from.inline_policies.all():
            inline_policy_put(name=inline.name, document=inline.document, user=entity, acting=acting)
    for arn in policy_arns:
        policy_attach(policy=policy_for_arn(account=acting.account, arn=arn), acting=acting, **{kind: entity})


@all_or_nothing
def role_delete_with_dependents(*, role, acting):
    """The console's delete: instance-profile memberships, attached and inline policies, then the role.

    All in one transaction; each removal is recorded as the call the console makes on AWS.
    """
    ensure_same_account(role, acting, role_not_found(role.name).message)
    ensure_modifiable(role, acting)
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


@all_or_nothing
def policy_entities_change(*, policy, entities, attach, acting):
    """The policy's "Entities attached" tab: attach it to (Attach) or detach it from (Detach) each of
    `entities` ((kind, entity) pairs, kind "user", "group" or "role"), all of them or none; each call
    is its own service's (AttachUserPolicy, DetachGroupPolicy …), authorized and audited as AWS's."""
    change = policy_attach if attach else policy_detach
    for kind, entity in entities:
        change(policy=policy, acting=acting, **{kind: entity})


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


@all_or_nothing
def role_create_with_permissions(
    *,
    account,
    name,
    description,
    trust_policy,
    tags,
    permissions_boundary_arn,
    policy_arns,
    instance_profile,
    acting,
):
    """The create role wizard's Create: the role, its managed policies and, when `instance_profile`,
    an instance profile of the role's name holding it (as the console makes for an EC2 role)."""
    role = role_create(
        account=account,
        name=name,
        description=description,
        trust_policy=trust_policy,
        tags=tags,
        permissions_boundary_arn=permissions_boundary_arn,
        acting=acting,
    )
    for arn in policy_arns:
        policy_attach(policy=policy_for_arn(account=account, arn=arn), role=role, acting=acting)
    if instance_profile:
        instance_profile_create_with_role(account=account, name=role.name, role=role, acting=acting)
    return role


@all_or_nothing
def role_tags_replace(*, role, tags, acting):
    """The role's Tags editor saves a whole set: untag what left it, tag the rest (TagRole, UntagRole)."""
    own = {"role": role, "acting": acting}
    tags_replace(role.tags.all(), tags, tag=partial(role_tag, **own), untag=partial(role_untag, **own))


@all_or_nothing
def policy_tags_replace(*, policy, tags, acting):
    """The policy's Tags editor saves a whole set (TagPolicy, UntagPolicy)."""
    own = {"policy": policy, "acting": acting}
    tags_replace(policy.tags.all(), tags, tag=partial(policy_tag, **own), untag=partial(policy_untag, **own))


@all_or_nothing
def policy_versions_delete(*, policy, version_ids, acting):
    """Delete the selected versions of a policy (its Versions tab): all of them or none."""
    for version_id in version_ids:
        policy_version_delete(policy=policy, version_id=version_id, acting=acting)


@all_or_nothing
def policy_version_create_replacing(*, policy, document, set_as_default, replaced=(), acting):
    """Save an edited policy as a new version; at the limit of five, the console first deletes the
    versions the user picked (`replaced`)."""
    policy_versions_delete(policy=policy, version_ids=replaced, acting=acting)
    return policy_version_create(
        policy=policy, document=document, set_as_default=set_as_default, acting=acting
    )


@all_or_nothing
def instance_profile_create_with_role(*, account, name, path="/", role=None, acting):
    """Create an instance profile holding `role` (when given): both or neither."""
    profile = instance_profile_create(account=account, name=name, path=path, acting=acting)
    if role is not None:
        instance_profile_add_role(profile=profile, role=role, acting=acting)
    return profile


@all_or_nothing
def role_add_to_instance_profile(*, role, profile_name, acting):
    """The role page's "Add to instance profile": the account's profile of that name, or a new one."""
    account = acting.account
    profile = InstanceProfile.objects.filter(account=account, name=profile_name).first()
    if profile is None:
        return instance_profile_create_with_role(account=account, name=profile_name, role=role, acting=acting)
    instance_profile_add_role(profile=profile, role=role, acting=acting)
    return profile
