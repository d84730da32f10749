import pytest
from django.contrib import admin
from django.core.management import call_command

from iamconsole.management.commands.load_demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from iamconsole.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_load_demo_creates_the_readme_superuser_once(client, django_user_model):
    call_command("load_demo")
    call_command("load_demo")  # idempotent: a second `make run` changes nothing

    assert django_user_model.objects.filter(username=DEMO_ADMIN_USERNAME).count() == 1
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": DEMO_ADMIN_USERNAME, "password": DEMO_ADMIN_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_readme_states_the_demo_admin_credentials():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert DEMO_ADMIN_USERNAME in readme
    assert DEMO_ADMIN_PASSWORD in readme


def test_every_model_is_registered_in_the_admin():
    from django.apps import apps

    ours = [m for m in apps.get_models() if m._meta.app_label in {"iamconsole", "accounts", "policies"}]
    assert ours, "expected the project's own models"
    for model in ours:
        assert admin.site.is_registered(model), f"{model.__name__} is not in the admin"
        assert admin.site._registry[model].list_display != ("__str__",), (
            f"{model.__name__} lacks list_display"
        )


def test_heartbeat_changelist_searches(client, admin_user):
    Heartbeat.objects.create(requested_at="2026-11-22T10:00:00Z", worker="w1@host")
    client.force_login(admin_user)

    response = client.get("/admin/iamconsole/heartbeat/?q=w1")

    assert response.status_code == 200
    assert "w1@host" in response.content.decode()


def test_the_admin_index_shows_the_system_status(admin_client):
    # The trainee's dashboard no longer shows it: the operator finds it here and at /healthz.
    html = admin_client.get("/admin/").content.decode()

    assert '<div class="module" id="system-status">' in html
    assert '<th scope="row">Database</th>' in html
    assert "Available" in html
    assert '<a href="/healthz">/healthz</a>' in html
