"""Instance profiles: the containers EC2 passes a role through, with at most one role each."""

from django.db import IntegrityError, transaction

from access.audit import audited
from access.entities import ensure_same_account, entity_tags_add, tags_remove
from aws.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from aws.model import constraint
from aws.names import tags_param, validate_name, validate_path, validate_tags
from policies.models import InstanceProfile, InstanceProfileTag, Role

PROFILE_NAME_MAX = constraint("CreateInstanceProfile", "InstanceProfileName", "max")
ROLES_PER_PROFILE = 1


def profile_not_found(name):
    return NoSuchEntity(f"Instance Profile {name} cannot be found.")


def profile_exists(name):
    return EntityAlreadyExists(f"Instance Profile {name} already exists.")


def profile_elements(profile):
    """CloudTrail's `instanceProfile` response element."""
    return {
        "path": profile.path,
        "instanceProfileName": profile.name,
        "instanceProfileId": profile.instance_profile_id,
        "arn": profile.arn,
        "createDate": profile.created_at.isoformat() if profile.created_at else None,
        "roles": [],
    }


@audited(
    "CreateInstanceProfile",
    params=lambda kw: {
        "instanceProfileName": kw["name"],
        "path": kw.get("path", "/"),
        **({"tags": tags_param(kw["tags"])} if kw.get("tags") else {}),
    },
    response=lambda profile: {"instanceProfile": profile_elements(profile)},
)
def instance_profile_create(*, account, name, path="/", tags=(), acting):
    """Create an instance profile; names are unique in the account ignoring case."""
    validate_name(name, field="instanceProfileName", max_length=PROFILE_NAME_MAX)
    validate_path(path)
    tags = validate_tags(tags)
    if InstanceProfile.objects.filter(account=account, name__iexact=name).exists():
        raise profile_exists(name)
    try:
        with transaction.atomic():
            profile = InstanceProfile.objects.create(account=account, name=name, path=path)
    except IntegrityError as exc:  # a concurrent create took the name first
        raise profile_exists(name) from exc
    InstanceProfileTag.objects.bulk_create(
        [InstanceProfileTag(profile=profile, key=key, value=value) for key, value in tags]
    )
    return profile


@audited(
    "TagInstanceProfile",
    params=lambda kw: {"instanceProfileName": kw["profile"].name, "tags": tags_param(list(kw["tags"]))},
)
def instance_profile_tag(*, profile, tags, acting):
    """Add tags or replace the values of existing keys (keys match ignoring case)."""
    ensure_same_account(profile, acting, profile_not_found(profile.name).message)
    entity_tags_add(profile, tags)


@audited(
    "UntagInstanceProfile",
    params=lambda kw: {"instanceProfileName": kw["profile"].name, "tagKeys": list(kw["keys"])},
)
def instance_profile_untag(*, profile, keys, acting):
    """Remove tags by key (ignoring case); unknown keys are ignored, as AWS does."""
    ensure_same_account(profile, acting, profile_not_found(profile.name).message)
    tags_remove(profile.tags, keys)


@audited(
    "AddRoleToInstanceProfile",
    params=lambda kw: {"instanceProfileName": kw["profile"].name, "roleName": kw["role"].name},
)
def instance_profile_add_role(*, profile, role, acting):
    """Put a role in a profile; a profile holds one role at most (LimitExceeded)."""
    ensure_same_account(profile, acting, profile_not_found(profile.name).message)
    ensure_same_account(role, acting, f"The role with name {role.name} cannot be found.")
    # Lock the profile so that two concurrent adds cannot both see it empty.
    locked = InstanceProfile.objects.select_for_update().get(pk=profile.pk)
    if locked.role_id is not None:
        raise LimitExceeded(
            f"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {ROLES_PER_PROFILE}"
        )
    Role.objects.filter(pk=role.pk).select_for_update().first()
    locked.role = role
    locked.save(update_fields=["role"])
    profile.role = role
    return profile


@audited(
    "RemoveRoleFromInstanceProfile",
    params=lambda kw: {"instanceProfileName": kw["profile"].name, "roleName": kw["role"].name},
)
def instance_profile_remove_role(*, profile, role, acting):
    """Take the role out of a profile; NoSuchEntity when the profile does not hold it."""
    ensure_same_account(profile, acting, profile_not_found(profile.name).message)
    locked = InstanceProfile.objects.select_for_update().get(pk=profile.pk)
    if locked.role_id != role.pk:
        raise NoSuchEntity(f"The role with name {role.name} cannot be found.")
    locked.role = None
    locked.save(update_fields=["role"])
    profile.role = None
    return profile


@audited("DeleteInstanceProfile", params=lambda kw: {"instanceProfileName": kw["profile"].name})
def instance_profile_delete(*, profile, acting):
    """Delete an empty instance profile; DeleteConflict while it holds a role."""
    ensure_same_account(profile, acting, profile_not_found(profile.name).message)
    locked = InstanceProfile.objects.select_for_update().get(pk=profile.pk)
    if locked.role_id is not None:
        raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
    locked.delete()
