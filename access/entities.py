"""What every write service does to an entity of its account: refuse another account's (to the caller
it does not exist), and merge or remove tags within AWS's limits."""

from aws.errors import NoSuchEntity, ValidationError
from aws.names import MAX_TAGS, constraint_error, tags_param, validate_tags


def ensure_same_account(obj, acting, message):
    """A service never touches another account's object: to the caller it does not exist."""
    if obj.account_id != acting.account.id:
        raise NoSuchEntity(message)


def user_param(user):
    """CloudTrail's `userName` request parameter of a credential's owner (none for the root user)."""
    return {"userName": user.name} if user is not None else {}


def credential_owner(user, acting):
    """Whose credential a call without UserName makes (access keys, signing certificates): the
    caller's own IAM user, or the root user's (None) only when the root user calls, as the API does."""
    if user is None and acting is not None and not acting.is_root:
        if acting.user is None or acting.credential is not None and acting.credential.is_role_session:
            raise ValidationError("Must specify userName when calling with non-User credentials")
        return acting.user
    return user


def tags_merge(manager, tags):
    """Add tags to an entity's tag set (a related manager), or replace the values of existing keys
    (keys match ignoring case); the set stays within AWS's 50 tags. Users, roles and policies share it;
    the caller holds the entity's row lock."""
    tags = validate_tags(tags)
    existing = {tag.key.lower(): tag for tag in manager.all()}
    new_keys = {key.lower() for key, _ in tags} - set(existing)
    if len(existing) + len(new_keys) > MAX_TAGS:
        merged = [{"key": tag.key, "value": tag.value} for tag in existing.values()] + tags_param(tags)
        raise constraint_error(merged, "tags", f"Member must have length less than or equal to {MAX_TAGS}")
    for key, value in tags:
        tag = existing.get(key.lower())
        if tag is None:
            manager.create(key=key, value=value)
        elif tag.value != value or tag.key != key:
            tag.key, tag.value = key, value
            tag.save(update_fields=["key", "value"])


def entity_tags_add(entity, tags):
    """Tag an entity (tags_merge) with its row locked: two calls adding one key must not both see it
    missing and both insert it."""
    type(entity).objects.select_for_update().filter(pk=entity.pk).first()
    tags_merge(entity.tags, tags)


def tags_remove(manager, keys):
    """Remove tags by key, ignoring case; unknown keys are ignored, as AWS does."""
    lowered = {key.lower() for key in keys}
    manager.filter(pk__in=[tag.pk for tag in manager.all() if tag.key.lower() in lowered]).delete()


def tags_replace(current, tags, *, tag, untag):
    """Make an entity's tag set `tags` (the console's Tags editor saves a whole set) with the entity's
    own calls: `untag(keys=…)` for the keys of `current` (its tags) not in the set, then `tag(tags=…)`.
    Keys match ignoring case, as IAM's do. The caller runs both in one transaction (a flow)."""
    keep = {key.lower() for key, _ in tags}
    gone = [existing.key for existing in current if existing.key.lower() not in keep]
    if gone:
        untag(keys=gone)
    if tags:
        tag(tags=tags)
