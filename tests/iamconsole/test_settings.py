"""Settings come from the environment; each case imports settings afresh in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "email": settings.MAILERS["default"]["BACKEND"],
    "hosts": settings.ALLOWED_HOSTS,
    "debug": settings.DEBUG,
    "local_mode": settings.IAMCONSOLE_LOCAL_MODE,
    "local_account": settings.IAMCONSOLE_LOCAL_ACCOUNT,
}))
"""


def _settings(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "EMAIL_HOST",
            "SECURE_HSTS_SECONDS",
            "IAMCONSOLE_LOCAL_MODE",
            "IAMCONSOLE_LOCAL_ACCOUNT",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="iamconsole.settings")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=clean, capture_output=True, text=True
    )
    return proc


def test_local_defaults_are_sqlite_and_inline_tasks():
    proc = _settings(DEBUG="1")

    assert proc.returncode == 0, proc.stderr
    values = json.loads(proc.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("var/db.sqlite3")
    assert values["eager"] is True
    assert values["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["debug"] is True


def test_database_url_selects_postgresql_and_broker_url_turns_off_eager_tasks():
    proc = _settings(
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/iamconsole",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )

    values = json.loads(proc.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "iamconsole"
    assert values["eager"] is False


def test_debug_off_requires_a_secret_key():
    proc = _settings(DEBUG="0")

    assert proc.returncode != 0
    assert "SECRET_KEY must be set in the environment when DEBUG is off." in proc.stderr


def test_debug_off_has_production_safe_defaults():
    proc = _settings(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="iam.example.com")

    assert proc.returncode == 0, proc.stderr
    values = json.loads(proc.stdout)
    assert values["session_secure"] is True
    assert values["csrf_secure"] is True
    assert values["hsts"] == 0  # off unless asked for
    assert values["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["hosts"] == ["iam.example.com"]


def test_hsts_and_smtp_are_settable():
    proc = _settings(
        DEBUG="0", SECRET_KEY="x" * 50, SECURE_HSTS_SECONDS="31536000", EMAIL_HOST="smtp.example.com"
    )

    values = json.loads(proc.stdout)
    assert values["hsts"] == 31536000
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_local_mode_is_off_by_default_and_its_account_is_123456789012_when_unset():
    values = json.loads(_settings(DEBUG="1").stdout)
    assert (values["local_mode"], values["local_account"]) == (False, "123456789012")
    values = json.loads(
        _settings(DEBUG="1", IAMCONSOLE_LOCAL_MODE="1", IAMCONSOLE_LOCAL_ACCOUNT="210987654321").stdout
    )
    assert (values["local_mode"], values["local_account"]) == (True, "210987654321")
