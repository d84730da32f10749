import io
import os
import threading
import uuid
from dataclasses import dataclass

import pytest
import redis
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from hypothesis import settings as hypothesis_settings

from policies.aws_managed.loader import forget_catalog_loaded
from policies.models import ManagedPolicy

# CI runs hypothesis derandomized (`.ci/run` sets HYPOTHESIS_PROFILE=ci): the same examples on every
# run, so a failure in CI fails again on a laptop with the same profile. Elsewhere the examples are
# random on every run, and a failure is kept in .hypothesis/ for the next one.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


class OneRequestAtATimeOnSharedConnections(ThreadedWSGIServer):
    """The live server, answering one request at a time when its threads share the test's connection.

    On SQLite the tests' database lives in memory, and every thread of the live server uses the test
    thread's one connection; a browser's parallel requests (a page and its HTMX fragments) then use it
    at the same time, which SQLite refuses at random ("bad parameter or other API misuse"). Each request
    (its response's body and close included) takes a lock; connections stay threaded, so a browser's
    idle keep-alive connection never holds the server. On PostgreSQL every thread has a connection of
    its own and nothing is serialized.
    """

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                result = application(environ, start_response)
                try:
                    body = b"".join(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()
            return [body]

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATimeOnSharedConnections


@pytest.fixture(autouse=True)
def _aws_managed_policies_asked_afresh():
    """Each test starts with its own tables, so a process's "the catalog is loaded" is forgotten."""
    forget_catalog_loaded()


@pytest.fixture
def aws_managed_policies(db):
    """The whole AWS managed catalog, loaded through its management command (as `make run` does)."""
    call_command("load_aws_managed_policies", stdout=io.StringIO())
    return ManagedPolicy.objects.filter(account__isnull=True)


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("alice", "alice@example.com", "correct-horse-battery")


# The live-worker tests (marked `postgres`) talk to a real Redis. Each run (each xdist process) claims
# an empty Redis database of its own among 1-14 and uses a queue named for the run, so that other
# runs (other worktrees, CI) and a developer's `make worker` never take its tasks, answer its pings or
# read its results; it empties the database when it is done. CELERY_TEST_BROKER_URL names a database
# to use instead (neither claimed nor emptied; the queue is still the run's own).
REDIS_URL = "redis://127.0.0.1:6379"
CLAIMABLE_DATABASES = range(1, 15)
CLAIM_KEY = "iamconsole-tests:claimed-by"
CLAIM_SECONDS = 2 * 3600


@dataclass(frozen=True)
class TestBroker:
    url: str  # the Redis database, as the broker's and the result backend's URL
    queue: str


def _claim_empty_database(run):
    """A Redis client on a database that held nothing and now holds this run's claim."""
    for database in CLAIMABLE_DATABASES:
        client = redis.Redis.from_url(f"{REDIS_URL}/{database}")
        if client.set(CLAIM_KEY, run, nx=True, ex=CLAIM_SECONDS):
            if client.dbsize() == 1:
                return client, database
            client.delete(CLAIM_KEY)  # somebody's keys are there: theirs
        client.close()
    pytest.fail(f"no empty Redis database among {CLAIMABLE_DATABASES.start}-{CLAIMABLE_DATABASES.stop - 1}")


@pytest.fixture(scope="session")
def celery_test_broker():
    """This run's Redis database and queue for a live worker."""
    run = f"iamconsole-test-{uuid.uuid4().hex[:12]}"
    if os.environ.get("CELERY_TEST_BROKER_URL"):
        yield TestBroker(os.environ["CELERY_TEST_BROKER_URL"], run)
        return
    client, database = _claim_empty_database(run)
    try:
        yield TestBroker(f"{REDIS_URL}/{database}", run)
    finally:
        if client.get(CLAIM_KEY) == run.encode():
            client.flushdb()
        client.close()
