"""The AWS managed policy catalog: the project's data file, its regeneration from moto, and its loading.

The data file (`aws_managed_policies.json.gz` beside this module) holds every AWS managed policy with its
name, path, default version ID, dates, description (where we have AWS's text) and default document.
Loading is idempotent and takes a handful of queries whatever the catalog's size.
"""

import base64
import functools
import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.models import IAMUser
from policies.engine.grammar import STATEMENT_ELEMENTS, TOP_LEVEL_ELEMENTS
from policies.models import ManagedPolicy, PolicyAttachment, PolicyVersion, Role
from policies.selectors import aws_managed_policy_count

HERE = Path(__file__).resolve().parent
DATA_FILE = HERE / "aws_managed_policies.json.gz"
DESCRIPTIONS_FILE = HERE / "descriptions.json"
ARN_PREFIX = "arn:aws:iam::aws:policy"


def policy_arn(path, name):
    return f"{ARN_PREFIX}{path}{name}"


def policy_id_for_arn(arn):
    """A stable `ANPA…` unique ID: base32 of the ARN's SHA-256, so every installation agrees."""
    digest = base64.b32encode(hashlib.sha256(arn.encode()).digest()).decode()
    return "ANPA" + digest[:17]


def _ordered(mapping, order):
    known = [key for key in order if key in mapping]
    rest = [key for key in mapping if key not in order]
    return {key: mapping[key] for key in known + rest}


def aws_order(document):
    """The document with its top-level and statement keys in AWS's order.

    AWS prints policy elements in the grammar's order (the reference guide, the console's JSON tab);
    moto's copy has its keys sorted, so regeneration puts them back in AWS's order.
    """
    if not isinstance(document, dict):
        return document
    document = _ordered(document, TOP_LEVEL_ELEMENTS)
    statements = document.get("Statement")
    if isinstance(statements, list):
        document["Statement"] = [
            _ordered(st, STATEMENT_ELEMENTS) if isinstance(st, dict) else st for st in statements
        ]
    elif isinstance(statements, dict):
        document["Statement"] = _ordered(statements, STATEMENT_ELEMENTS)
    return document


def read_data_file(path=DATA_FILE):
    """The catalog's entries: dicts with name, path, default_version_id, create_date, update_date,
    description and document (JSON text, pretty-printed)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)["policies"]


@functools.cache
def expected_count():
    """How many AWS managed policies the data file holds (read once per process)."""
    return len(read_data_file())


# Once loaded, the catalog stays (the command only brings it up to date), so a process that has seen it
# loaded need not ask again. Only that answer is kept: a missing catalog is asked about on every call.
_seen_loaded = False


def catalog_loaded():
    """Whether the database holds the data file's AWS managed policies: one count until it does.

    Any row is not enough: Organizations makes AdministratorAccess alone when the catalog is missing."""
    global _seen_loaded
    if not _seen_loaded:
        _seen_loaded = aws_managed_policy_count() >= expected_count()
    return _seen_loaded


def forget_catalog_loaded():
    """Count again on the next call (tests empty the tables between them)."""
    global _seen_loaded
    _seen_loaded = False


def read_moto_module(source=None):
    """moto's `aws_managed_policies_data` as a dict and a note of where it came from.

    `source` is the path to moto/iam/aws_managed_policies.py; without it, an installed moto's.
    """
    if source is None:
        spec = importlib.util.find_spec("moto.iam.aws_managed_policies")
        if spec is None or spec.origin is None:
            raise FileNotFoundError(
                "moto is not installed: give the path to moto/iam/aws_managed_policies.py "
                "(for instance from `pip download moto --no-deps` and unzip)"
            )
        source = spec.origin
        note = f"moto {importlib.metadata.version('moto')}, moto/iam/aws_managed_policies.py"
    else:
        note = f"moto/iam/aws_managed_policies.py ({source})"
    spec = importlib.util.spec_from_file_location("_moto_aws_managed_policies", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return json.loads(module.aws_managed_policies_data), note


def regenerate_data_file(source=None, *, path=DATA_FILE, origin_note=""):
    """Rewrite the data file from moto's copy of AWS's published policies; returns the entry count."""
    raw, note = read_moto_module(source)
    descriptions = json.loads(DESCRIPTIONS_FILE.read_text(encoding="utf-8"))
    entries = []
    for name in sorted(raw, key=str.lower):
        item = raw[name]
        entries.append(
            {
                "name": name,
                "path": item["Path"],
                "default_version_id": item["DefaultVersionId"],
                "create_date": item["CreateDate"],
                "update_date": item["UpdateDate"],
                "description": descriptions.get(name, ""),
                # Stored as the console shows it (four-space indent), so loading needs no re-encoding.
                "document": json.dumps(aws_order(item["Document"]), indent=4),
            }
        )
    payload = {
        "source": origin_note or note,
        "count": len(entries),
        "policies": entries,
    }
    # mtime=0 keeps the file byte-identical when the content is, so regenerating shows no diff.
    with open(path, "wb") as raw_handle, gzip.GzipFile(fileobj=raw_handle, mode="wb", mtime=0) as handle:
        handle.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return len(entries)


@dataclass
class SyncResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_attached: int = 0


@transaction.atomic
def sync_catalog(entries=None):
    """Bring the AWS managed policies of the database in line with the data file, in a few queries.

    New policies are created, changed ones updated, each keeps one stored version: its default.
    Policies gone from the catalog are removed unless still attached, as AWS keeps a deprecated
    policy for the entities that use it.
    """

    entries = read_data_file() if entries is None else entries
    result = SyncResult(total=len(entries))
    existing = {policy.arn: policy for policy in ManagedPolicy.objects.filter(account__isnull=True)}
    stored_versions = {
        (version.policy_id, version.number): version
        for version in PolicyVersion.objects.filter(policy__account__isnull=True)
    }

    fresh, changed, wanted = [], [], {}
    for entry in entries:
        arn = policy_arn(entry["path"], entry["name"])
        number = int(entry["default_version_id"].removeprefix("v"))
        values = {
            "name": entry["name"],
            "path": entry["path"],
            "policy_id": policy_id_for_arn(arn),
            "description": entry.get("description", ""),
            "default_version_number": number,
            "next_version_number": number + 1,
            "created_at": datetime.fromisoformat(entry["create_date"]),
            "updated_at": datetime.fromisoformat(entry["update_date"]),
        }
        policy = existing.get(arn)
        if policy is None:
            policy = ManagedPolicy(account=None, arn=arn, **values)
            fresh.append(policy)
        elif any(getattr(policy, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(policy, field, value)
            changed.append(policy)
        wanted[arn] = (policy, number, entry["document"], values["updated_at"])

    ManagedPolicy.objects.bulk_create(fresh, batch_size=500)
    if changed:
        ManagedPolicy.objects.bulk_update(
            changed,
            [
                "name",
                "path",
                "policy_id",
                "description",
                "default_version_number",
                "next_version_number",
                "created_at",
                "updated_at",
            ],
            batch_size=200,
        )
    result.created, result.updated = len(fresh), len(changed)

    new_versions, changed_versions, keep_version_ids = [], [], set()
    for policy, number, document, updated_at in wanted.values():
        version = stored_versions.get((policy.pk, number))
        if version is None:
            new_versions.append(
                PolicyVersion(policy=policy, number=number, document=document, created_at=updated_at)
            )
            continue
        keep_version_ids.add(version.pk)
        if version.document != document or version.created_at != updated_at:
            version.document, version.created_at = document, updated_at
            changed_versions.append(version)
            if policy not in changed:
                result.updated += 1
    PolicyVersion.objects.bulk_create(new_versions, batch_size=500)
    if changed_versions:
        PolicyVersion.objects.bulk_update(changed_versions, ["document", "created_at"], batch_size=200)
    # Only the default version of an AWS managed policy is stored.
    wanted_pks = {policy.pk for policy, *_ in wanted.values()}
    stale = [
        version.pk
        for version in stored_versions.values()
        if version.policy_id in wanted_pks and version.pk not in keep_version_ids
    ]
    if stale:
        PolicyVersion.objects.filter(pk__in=stale).delete()

    gone = set(existing) - set(wanted)
    if gone:
        attached = set(
            PolicyAttachment.objects.filter(policy__arn__in=gone).values_list("policy__arn", flat=True)
        )
        attached |= set(
            IAMUser.objects.filter(permissions_boundary_arn__in=gone).values_list(
                "permissions_boundary_arn", flat=True
            )
        )
        attached |= set(
            Role.objects.filter(permissions_boundary_arn__in=gone).values_list(
                "permissions_boundary_arn", flat=True
            )
        )
        result.kept_attached = len(attached)
        deleted = ManagedPolicy.objects.filter(arn__in=gone - attached).delete()[1]
        result.removed = deleted.get("policies.ManagedPolicy", 0)
    return result


def aws_managed_policy(name, path="/"):
    """The AWS managed policy `name`, from the catalog's data file when the catalog is not loaded yet
    (Organizations attaches AdministratorAccess to a new account's role whether it is or not)."""
    arn = policy_arn(path, name)
    policy = ManagedPolicy.objects.filter(arn=arn).first()
    if policy is not None:
        return policy
    entry = next(e for e in read_data_file() if e["name"] == name and e["path"] == path)
    number = int(entry["default_version_id"].removeprefix("v"))
    now = timezone.now()
    policy = ManagedPolicy.objects.create(
        account=None,
        name=name,
        path=path,
        arn=arn,
        policy_id=policy_id_for_arn(arn),
        description=entry.get("description", ""),
        default_version_number=number,
        next_version_number=number + 1,
        created_at=now,
        updated_at=now,
    )
    PolicyVersion.objects.create(policy=policy, number=number, document=entry["document"], created_at=now)
    return policy
