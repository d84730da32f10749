"""Reads for the managed policy pages: what an account sees (its own policies and AWS's), in a fixed
number of queries per page."""

import difflib
import json
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Lower

from accounts.models import Group, IAMUser
from aws.errors import NoSuchEntity
from aws.job_functions import JOB_FUNCTION_POLICY_ARNS
from policies.models import ManagedPolicy, PolicyAttachment, Role

# The console's "Filter by Type" choices: (query value, label); the Type column uses the same words.
TYPE_AWS = "aws"
TYPE_CUSTOMER = "customer"
TYPE_JOB_FUNCTION = "job_function"
POLICY_TYPES = [
    (TYPE_AWS, "AWS managed"),
    (TYPE_CUSTOMER, "Customer managed"),
    (TYPE_JOB_FUNCTION, "AWS managed - job function"),
]
TYPE_LABELS = dict(POLICY_TYPES)


def visible_policies(account):
    """Every managed policy the account can see: AWS managed ones and its own."""
    return ManagedPolicy.objects.filter(Q(account__isnull=True) | Q(account=account))


def aws_managed_policy_count():
    """How many AWS managed policies the database holds (`load_aws_managed_policies` loads them)."""
    return ManagedPolicy.objects.filter(account__isnull=True).count()


def policy_type(policy):
    if policy.account_id is not None:
        return TYPE_CUSTOMER
    return TYPE_JOB_FUNCTION if policy.is_job_function else TYPE_AWS


def of_type(policies, kind, *, account):
    """The policies of one "Filter by Type" choice (TYPE_AWS, TYPE_CUSTOMER, TYPE_JOB_FUNCTION)."""
    if kind == TYPE_CUSTOMER:
        return policies.filter(account=account)
    if kind == TYPE_AWS:
        return policies.filter(account__isnull=True).exclude(arn__in=JOB_FUNCTION_POLICY_ARNS)
    if kind == TYPE_JOB_FUNCTION:
        return policies.filter(account__isnull=True, arn__in=JOB_FUNCTION_POLICY_ARNS)
    return policies


def policy_type_label(policy):
    return TYPE_LABELS[policy_type(policy)]


def policy_list(*, account, search="", kind=""):
    """The account's view of managed policies, filtered by type and name, ordered by name."""
    policies = of_type(visible_policies(account), kind, account=account)
    if search:
        policies = policies.filter(name__icontains=search)
    # The description is short; documents live in PolicyVersion and never load for a list.
    return policies.order_by(Lower("name"), "pk")


@dataclass
class PolicyRow:
    """One line of the policies list."""

    policy: ManagedPolicy
    type_label: str
    attachment_count: int
    boundary_count: int

    @property
    def used_as(self):
        uses = []
        if self.attachment_count:
            uses.append(f"Permissions policy ({self.attachment_count})")
        if self.boundary_count:
            uses.append(f"Permissions boundary ({self.boundary_count})")
        return ", ".join(uses)


def _in_account(account):
    return Q(user__account=account) | Q(group__account=account) | Q(role__account=account)


def policy_rows(policies, *, account):
    """Rows for one page of policies: three queries for the whole page, whatever its length."""
    policies = list(policies)
    ids = [policy.pk for policy in policies]
    arns = [policy.arn for policy in policies]
    attached = dict(
        PolicyAttachment.objects.filter(_in_account(account), policy_id__in=ids)
        .values_list("policy_id")
        .annotate(count=Count("pk"))
    )
    boundaries = {}
    for model in (IAMUser, Role):
        for arn, count in (
            model.objects.filter(account=account, permissions_boundary_arn__in=arns)
            .values_list("permissions_boundary_arn")
            .annotate(count=Count("pk"))
        ):
            boundaries[arn] = boundaries.get(arn, 0) + count
    return [
        PolicyRow(
            policy=policy,
            type_label=policy_type_label(policy),
            attachment_count=attached.get(policy.pk, 0),
            boundary_count=boundaries.get(policy.arn, 0),
        )
        for policy in policies
    ]


def policy_get(*, account, arn):
    """The managed policy an ARN names when the account can see it; NoSuchEntity as IAM words it."""
    policy = visible_policies(account).filter(arn=arn).first()
    if policy is None:
        raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
    return policy


def default_version(policy):
    return policy.versions.filter(number=policy.default_version_number).first()


@dataclass
class PolicyEntity:
    """A user, group or role that uses a policy, as the "Entities attached" tab lists it."""

    name: str
    kind: str  # "User", "Group", "Role"
    attached_as: str  # "Permissions policy" or "Permissions boundary"
    url_name: str


def policy_entities(*, policy, account):
    """Users, groups and roles of the account using the policy, as permissions policy or boundary."""
    # Names only, not rows: a policy may be attached to thousands of entities.
    attached = PolicyAttachment.objects.filter(_in_account(account), policy=policy).values_list(
        "user__name", "group__name", "role__name"
    )
    entities = []
    for user, group, role in attached:
        if user is not None:
            entities.append(PolicyEntity(user, "User", "Permissions policy", "user"))
        elif group is not None:
            entities.append(PolicyEntity(group, "Group", "Permissions policy", "group"))
        else:
            entities.append(PolicyEntity(role, "Role", "Permissions policy", "role"))
    for name in IAMUser.objects.filter(account=account, permissions_boundary_arn=policy.arn).values_list(
        "name", flat=True
    ):
        entities.append(PolicyEntity(name, "User", "Permissions boundary", "user"))
    for name in Role.objects.filter(account=account, permissions_boundary_arn=policy.arn).values_list(
        "name", flat=True
    ):
        entities.append(PolicyEntity(name, "Role", "Permissions boundary", "role"))
    return sorted(entities, key=lambda entity: (entity.name.lower(), entity.kind, entity.attached_as))


ATTACHABLE = {"user": (IAMUser, "User"), "group": (Group, "Group"), "role": (Role, "Role")}


def attach_candidates(*, policy, account, search=""):
    """The users, groups and roles of the account the policy is not attached to (service-linked roles
    take no policies), as the Attach page lists them: three queries, by name."""
    rows = []
    for kind, (model, label) in ATTACHABLE.items():
        entities = model.objects.filter(account=account).exclude(attachments__policy=policy)
        if kind == "role":
            entities = entities.exclude(path__startswith="/aws-service-role/")
        if search:
            entities = entities.filter(name__icontains=search)
        rows.extend(PolicyEntity(name, label, "", kind) for name in entities.values_list("name", flat=True))
    return sorted(rows, key=lambda entity: (entity.name.lower(), entity.kind))


def entities_named(*, account, keys):
    """The (kind, entity) pairs that form keys ("user:alice", "role:auditor") name in the account."""
    wanted = {}
    for key in keys:
        kind, _, name = key.partition(":")
        if kind in ATTACHABLE and name:
            wanted.setdefault(kind, []).append(name)
    found = []
    for kind, names in wanted.items():
        model = ATTACHABLE[kind][0]
        found.extend((kind, entity) for entity in model.objects.filter(account=account, name__in=names))
    return found


def version_list(policy):
    """The policy's versions, newest first, without their documents (AWS keeps 150 of ReadOnlyAccess)."""
    versions = list(policy.versions.defer("document"))
    for version in versions:
        version.policy = policy
    return versions


def shown_version(policy, version_id):
    """One version with its document, pretty-printed for an AWS managed policy (stored compact)."""
    number = version_id.removeprefix("v")
    if not (number.isascii() and number.isdigit()):
        return None
    version = policy.versions.filter(number=int(number)).first()
    if version is not None and policy.is_aws_managed:
        version.document = pretty_document(version.document)
    return version


def _version_span(first, last):
    return f"v{first}" if first == last else f"v{first}\u2013v{last}"


def unrecorded_versions_note(policy, versions):
    """What the Policy versions tab says of an AWS managed policy's history where it has holes: the
    catalog holds the versions a public record kept, not always every one AWS published."""
    if not policy.is_aws_managed:
        return ""
    numbers = {version.number for version in versions}
    if numbers == {policy.default_version_number} and policy.default_version_number > 1:
        return "No earlier versions were recorded for this policy."
    spans, start = [], None
    for number in range(1, policy.default_version_number + 1):
        if number not in numbers and start is None:
            start = number
        elif number in numbers and start is not None:
            spans.append((start, number - 1))
            start = None
    if not spans:
        return ""
    names = [_version_span(first, last) for first, last in spans]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    single = len(spans) == 1 and spans[0][0] == spans[0][1]
    return f"Version {listed} was not recorded." if single else f"Versions {listed} were not recorded."


def pretty_document(text):
    """The document as the console's JSON view shows it: four-space indent, keys as written."""
    try:
        return json.dumps(json.loads(text), indent=4)
    except ValueError:
        return text


@dataclass
class DiffRow:
    left_number: int | None
    left: str
    right_number: int | None
    right: str
    change: str  # "equal", "replace", "delete" (left only), "insert" (right only)


def document_diff(left_text, right_text):
    """A side-by-side line diff of two documents, pretty-printed first so that layout never differs."""
    left = pretty_document(left_text).splitlines()
    right = pretty_document(right_text).splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        span = max(i2 - i1, j2 - j1)
        for offset in range(span):
            i, j = i1 + offset, j1 + offset
            in_left, in_right = i < i2, j < j2
            change = tag
            if tag == "replace" and not in_right:
                change = "delete"
            elif tag == "replace" and not in_left:
                change = "insert"
            rows.append(
                DiffRow(
                    left_number=i + 1 if in_left else None,
                    left=left[i] if in_left else "",
                    right_number=j + 1 if in_right else None,
                    right=right[j] if in_right else "",
                    change=change,
                )
            )
    return rows
