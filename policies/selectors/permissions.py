"""Which policies apply to a user, group or role, and how: directly, from a group, inline, as a boundary.

One reading serves the Permissions tabs and the enforcement that feeds the policy engine, so what a
trainee sees on a tab is what decides a request. A fixed number of queries, whatever the counts.
"""

import json
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import OuterRef, Q, Subquery

from accounts.models import Group, GroupMembership, UserTag
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment, PolicyVersion, RoleTag

# A boundary naming a policy that no longer exists still bounds: it allows nothing.
EMPTY_BOUNDARY = '{"Version": "2012-10-17", "Statement": []}'


def _pretty(text):
    """A document as the console shows it: indented JSON (as stored when it does not parse)."""
    try:
        return json.dumps(json.loads(text), indent=4)
    except (TypeError, ValueError):
        return text or ""


def policy_type_label(policy):
    """The console's Type column for a managed policy (its "Filter by Type" words)."""
    if policy.is_job_function:
        return "AWS managed - job function"
    return "AWS managed" if policy.is_aws_managed else "Customer managed"


@dataclass
class PermissionRow:
    """One line of a Permissions tab."""

    name: str
    type: str
    attached_via: str  # "Directly", "Inline" or "Group NAME"
    arn: str | None  # None for an inline policy
    document: str
    policy: ManagedPolicy | None = None
    inherited: bool = False  # from a group: removed on the group, not here
    denied: str = ""  # the read (iam:GetPolicyVersion …) refused for its document, if one was
    group: Group | None = None  # the group it comes from, when inherited

    @property
    def key(self):
        """The value a Remove checkbox posts."""
        return f"managed:{self.arn}" if self.arn else f"inline:{self.name}"

    @property
    def pretty_document(self):
        return _pretty(self.document)


@dataclass
class EntityPermissions:
    rows: list
    boundary: ManagedPolicy | None  # with `document` annotated
    boundary_arn: str

    @property
    def boundary_pretty(self):
        return _pretty(self.boundary.document) if self.boundary is not None else ""

    @property
    def boundary_document(self):
        if not self.boundary_arn:
            return None
        return self.boundary.document if self.boundary is not None else EMPTY_BOUNDARY


def _default_document(policy_ref, number_ref):
    return Subquery(
        PolicyVersion.objects.filter(policy=OuterRef(policy_ref), number=OuterRef(number_ref)).values(
            "document"
        )[:1]
    )


def _of_user(model, user):
    """The user's own rows and its groups': a UNION of two index scans. PostgreSQL cannot use the
    user_id and group_id indexes for `user_id = … OR group_id IN (subquery)` and scans the table."""
    groups = GroupMembership.objects.filter(user=user).values("group")
    own = model.objects.filter(user=user).values("pk")
    return Q(pk__in=own.union(model.objects.filter(group__in=groups).values("pk"), all=True))


def _managed(q):
    return (
        PolicyAttachment.objects.filter(q)
        .select_related("policy", "group")
        .annotate(document=_default_document("policy_id", "policy__default_version_number"))
    )


def _boundary(arn):
    if not arn:
        return None
    return (
        ManagedPolicy.objects.filter(arn=arn)
        .annotate(document=_default_document("pk", "default_version_number"))
        .first()
    )


def _order(attached_via, name):
    order = 0 if attached_via == "Directly" else 1 if attached_via == "Inline" else 2
    return (order, attached_via.lower(), name.lower())


def _sort_key(row):
    return _order(row.attached_via, row.name)


def entity_permissions(*, user=None, group=None, role=None):
    """Every policy of one user, group or role, with how it applies, and its boundary (3 queries at most)."""
    if user is not None:
        managed_q, inline_q = _of_user(PolicyAttachment, user), _of_user(InlinePolicy, user)
        entity = user
    elif group is not None:
        managed_q = inline_q = Q(group=group)
        entity = group
    elif role is not None:
        managed_q = inline_q = Q(role=role)
        entity = role
    else:
        raise TypeError("pass one of user, group or role")
    rows = [_managed_row(attachment, user is not None) for attachment in _managed(managed_q)]
    rows += [
        _inline_row(inline, user is not None)
        for inline in InlinePolicy.objects.filter(inline_q).select_related("group")
    ]
    rows.sort(key=_sort_key)
    boundary_arn = getattr(entity, "permissions_boundary_arn", "")
    return EntityPermissions(rows=rows, boundary=_boundary(boundary_arn), boundary_arn=boundary_arn)


def _managed_row(attachment, of_user):
    """An attached policy's row; `of_user`: a group's attachment is then inherited from the group."""
    inherited = of_user and attachment.group_id is not None
    return PermissionRow(
        name=attachment.policy.name,
        type=policy_type_label(attachment.policy),
        attached_via=f"Group {attachment.group.name}" if inherited else "Directly",
        arn=attachment.policy.arn,
        document=attachment.document or "",
        policy=attachment.policy,
        inherited=inherited,
    )


def _inline_row(inline, of_user):
    inherited = of_user and inline.group_id is not None
    return PermissionRow(
        name=inline.name,
        type="Customer inline",
        attached_via=f"Group {inline.group.name}" if inherited else "Inline",
        arn=None,
        document=inline.document,
        inherited=inherited,
        group=inline.group if inherited else None,
    )


def policies_in_play(*, user=None, role=None):
    """The documents the engine weighs for a user or role.

    {"identity": [(source, name, arn or None, document)], "boundary": document or None}; source is
    "Directly", "Inline" or "Group NAME", as the Permissions tab shows it.
    """
    if (user is None) == (role is None):
        raise TypeError("pass exactly one of user or role")
    return _in_play(entity_permissions(user=user, role=role))


# principal_in_play's one query: each row (kind, group name, name, ARN, document); a tag is (TAG, None,
# key, None, value), the boundary (BOUNDARY, None, ARN, None, its default version's document).
DIRECT, FROM_GROUP, INLINE, GROUP_INLINE, TAG, BOUNDARY = range(6)


def _principal_sql(of_user, with_boundary):
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (PolicyAttachment, ManagedPolicy, PolicyVersion, InlinePolicy, GroupMembership, Group)
    }
    tags = connection.ops.quote_name((UserTag if of_user else RoleTag)._meta.db_table)
    owner = "user_id" if of_user else "role_id"
    managed = (
        f"JOIN {table[ManagedPolicy]} p ON p.id = a.policy_id LEFT JOIN {table[PolicyVersion]} v"
        " ON v.policy_id = p.id AND v.number = p.default_version_number"
    )
    parts = [
        f"SELECT {DIRECT}, NULL, p.name, p.arn, v.document FROM {table[PolicyAttachment]} a {managed}"
        f" WHERE a.{owner} = %(id)s",
        f"SELECT {INLINE}, NULL, i.name, NULL, i.document FROM {table[InlinePolicy]} i WHERE i.{owner} = %(id)s",
        f"SELECT {TAG}, NULL, t.key, NULL, t.value FROM {tags} t WHERE t.{owner} = %(id)s",
    ]
    if of_user:
        groups = f"{table[GroupMembership]} m JOIN {table[Group]} g ON g.id = m.group_id"
        parts += [
            f"SELECT {FROM_GROUP}, g.name, p.name, p.arn, v.document FROM {groups}"
            f" JOIN {table[PolicyAttachment]} a ON a.group_id = m.group_id {managed} WHERE m.user_id = %(id)s",
            f"SELECT {GROUP_INLINE}, g.name, i.name, NULL, i.document FROM {groups}"
            f" JOIN {table[InlinePolicy]} i ON i.group_id = m.group_id WHERE m.user_id = %(id)s",
        ]
    if with_boundary:
        parts.append(
            f"SELECT {BOUNDARY}, NULL, p.arn, NULL, v.document FROM {table[ManagedPolicy]} p"
            f" LEFT JOIN {table[PolicyVersion]} v ON v.policy_id = p.id AND v.number = p.default_version_number"
            " WHERE p.arn = %(boundary)s"
        )
    return " UNION ALL ".join(parts)


def principal_in_play(*, user=None, role=None):
    """policies_in_play of a user or role with its tags ({"tags": [(key, value)]} beside), in one query:
    what the engine weighs for every call the principal makes, read without the Permissions tab's rows."""
    if (user is None) == (role is None):
        raise TypeError("pass exactly one of user or role")
    entity = user if user is not None else role
    boundary_arn = entity.permissions_boundary_arn
    with connection.cursor() as cursor:
        cursor.execute(
            _principal_sql(user is not None, bool(boundary_arn)), {"id": entity.pk, "boundary": boundary_arn}
        )
        rows = cursor.fetchall()
    identity, tags, boundary = [], [], EMPTY_BOUNDARY if boundary_arn else None
    for kind, group, name, arn, document in rows:
        if kind == TAG:
            tags.append((name, document))
        elif kind == BOUNDARY:
            boundary = document
        else:
            via = {DIRECT: "Directly", INLINE: "Inline"}.get(kind) or f"Group {group}"
            identity.append((via, name, arn, document or ""))
    identity.sort(key=lambda row: _order(row[0], row[1]))
    tags.sort()
    return {"identity": identity, "boundary": boundary, "tags": tags}


def _in_play(permissions):
    return {
        "identity": [(row.attached_via, row.name, row.arn, row.document) for row in permissions.rows],
        "boundary": permissions.boundary_document,
    }


def policies_in_play_of_all(*, users=(), roles=()):
    """policies_in_play of many users and roles, in four queries whatever their number (the simulator's
    "Who can?" weighs every principal of the account): {user or role: in play}."""
    users, roles = list(users), list(roles)
    members = defaultdict(list)  # group pk: its users' pks
    for user_id, group_id in GroupMembership.objects.filter(user__in=users).values_list("user", "group"):
        members[group_id].append(user_id)
    owned = Q(user__in=users) | Q(group__in=list(members)) | Q(role__in=roles)
    rows = defaultdict(list)  # ("user" or "role", pk): rows

    def add(row_of, item):
        if item.user_id is not None:
            rows["user", item.user_id].append(row_of(item, True))
        elif item.role_id is not None:
            rows["role", item.role_id].append(row_of(item, False))
        else:
            for user_id in members[item.group_id]:
                rows["user", user_id].append(row_of(item, True))

    for attachment in _managed(owned):
        add(_managed_row, attachment)
    for inline in InlinePolicy.objects.filter(owned).select_related("group"):
        add(_inline_row, inline)
    arns = {principal.permissions_boundary_arn for principal in users + roles} - {""}
    boundaries = {
        policy.arn: policy
        for policy in ManagedPolicy.objects.filter(arn__in=arns).annotate(
            document=_default_document("pk", "default_version_number")
        )
    }
    in_play = {}
    for kind, principals in (("user", users), ("role", roles)):
        for principal in principals:
            arn = principal.permissions_boundary_arn
            permissions = EntityPermissions(
                rows=sorted(rows[kind, principal.pk], key=_sort_key),
                boundary=boundaries.get(arn),
                boundary_arn=arn,
            )
            in_play[principal] = _in_play(permissions)
    return in_play
