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
    aws_order,
    policy_id_for_arn,
    read_data_file,
    regenerate_data_file,
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


def test_every_aws_managed_policy_stores_exactly_its_default_version(aws_managed_policies):
    assert PolicyVersion.objects.filter(policy__account__isnull=True).count() == aws_managed_policies.count()
    power = ManagedPolicy.objects.get(name="PowerUserAccess", account=None)
    assert [version.number for version in power.versions.all()] == [power.default_version_number]
    assert power.next_version_number == power.default_version_number + 1


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
    # Two reads, then batched inserts (500 rows a batch); never a query per policy.
    assert len(queries) < 20
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


def test_a_policy_no_longer_published_is_removed_unless_still_in_use(aws_managed_policies, account, bob):
    entries = read_data_file()
    kept = [entry for entry in entries if entry["name"] not in ("AdministratorAccess", "ReadOnlyAccess")]
    admin = ManagedPolicy.objects.get(arn="arn:aws:iam::aws:policy/AdministratorAccess")
    PolicyAttachment.objects.create(policy=admin, user=bob)

    result = sync_catalog(kept)

    assert result.removed == 1 and result.kept_attached == 1
    assert not ManagedPolicy.objects.filter(arn="arn:aws:iam::aws:policy/ReadOnlyAccess").exists()
    assert admin.versions.count() == 1  # still usable by bob


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
    document = json.loads(policy.versions.get().document)
    actions = [
        a
        for st in document["Statement"]
        for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
    ]
    expected = {"AmazonS3ReadOnlyAccess": "s3:Get*", "IAMUserChangePassword": "iam:ChangePassword"}[name]
    assert expected in actions
