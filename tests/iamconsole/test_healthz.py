import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_with_database_and_inline_tasks(client):
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
