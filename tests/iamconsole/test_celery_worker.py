"""The Celery round trip through the real Redis and a real worker process.

A live worker cannot see SQLite's in-memory test database or rows inside a test transaction, so these
tests are marked `postgres`: CI's PostgreSQL pass runs them as transactional tests against the test
database; the SQLite pass leaves them out by design.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from access.acting import Acting
from accounts.models import CredentialReport
from accounts.services.credential_report import credential_report_generate
from iamconsole.celery import app as project_app
from iamconsole.models import Heartbeat
from iamconsole.tasks import record_heartbeat
from policies.models import InlinePolicy, LastAccessedJob
from policies.services.last_accessed import last_accessed_job_create
from tests.accounts.factories import AccountFactory, IAMUserFactory
from tests.policies.permissions_helpers import statement_policy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]


def _test_database_url():
    db = connection.settings_dict
    assert db["ENGINE"] == "django.db.backends.postgresql", "the live-worker tests need PostgreSQL"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def live_worker(settings, celery_test_broker):
    """A real worker process on the real Redis, and an app in this process that talks to it, both on
    this run's own Redis database and queue (tests/conftest.py).

    The project's app is configured for inline tasks in tests (and has built its pools for that), so
    the test makes a fresh app for the broker and makes it current; shared tasks resolve through it.
    """
    broker, queue = celery_test_broker.url, celery_test_broker.queue
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "iamconsole",
            "worker",
            "--pool=solo",
            "-n",
            name,
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=warning",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    app = Celery("iamconsole-test", broker=broker, backend=broker, set_as_current=False)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    app.set_current()
    settings.CELERY_BROKER_URL = broker
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0):
            if worker.poll() is not None:
                output = worker.stdout.read().decode(errors="replace")
                pytest.fail(f"the Celery worker exited with {worker.returncode}:\n{output}")
            if time.monotonic() > deadline:
                pytest.fail("the Celery worker did not answer a ping within 60 seconds")
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        project_app.set_current()
        app.close()


def test_task_goes_through_redis_to_a_worker_that_writes_the_test_database(live_worker):
    result = record_heartbeat.delay("2026-11-22T12:00:00+00:00")

    heartbeat_id = result.get(timeout=30)

    heartbeat = Heartbeat.objects.get(pk=heartbeat_id)
    assert heartbeat.worker.startswith("test-")  # written by the worker process, not inline
    assert heartbeat.requested_at.isoformat() == "2026-11-22T12:00:00+00:00"


def test_healthz_worker_probe_round_trips_through_the_live_worker(client, live_worker):
    response = client.get("/healthz?worker=1")

    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert checks["broker"] == {"status": "ok", "mode": "redis"}
    assert checks["worker"]["status"] == "ok"
    assert checks["worker"]["worker"].startswith("test-")


def _wait_for(read, *, timeout=30):
    """Poll `read()` until it returns something true (the worker writes in its own process)."""
    deadline = time.monotonic() + timeout
    while not (value := read()):
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.2)
    return value


def test_the_credential_report_is_built_by_the_worker(live_worker):
    account = AccountFactory()
    IAMUserFactory(account=account, name="bob")

    assert credential_report_generate(account=account, acting=Acting(account=account)).state == "STARTED"

    report = _wait_for(
        lambda: CredentialReport.objects.filter(
            account=account, state=CredentialReport.State.COMPLETE
        ).first()
    )
    assert [line.split(",")[0] for line in report.content.split("\n")] == ["user", "<root_account>", "bob"]


def test_a_last_accessed_job_is_taken_by_the_worker(live_worker):
    account = AccountFactory()
    bob = IAMUserFactory(account=account, name="bob")
    InlinePolicy.objects.create(user=bob, name="sts", document=statement_policy("sts:*"))

    job = last_accessed_job_create(entity=bob, granularity="SERVICE_LEVEL", acting=Acting(account=account))

    job = _wait_for(lambda: LastAccessedJob.objects.filter(pk=job.pk).exclude(status="IN_PROGRESS").first())
    assert job.status == "COMPLETED"
    assert [service["ServiceNamespace"] for service in job.services] == ["sts"]
