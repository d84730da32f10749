"""Whole-service simulation runs: the task, its progress, the page that polls it, the CSV, isolation."""

import csv
import io
import re
import time

import pytest
from django.urls import reverse

from aws.errors import NoSuchEntity
from policies.engine import catalog
from policies.models import SimulationRun
from policies.selectors import simulation
from policies.services import simulation_runs as services
from policies.services.permissions import inline_policy_put, policy_attach
from tests.accounts.factories import IAMUserFactory
from tests.iamconsole.test_celery_worker import live_worker  # noqa: F401 (the real worker on Redis)

from .permissions_helpers import make_policy, statement_policy

URL = reverse("policies:simulator")
HX = {"HX-Request": "true"}
S3_ACTIONS = len(catalog.service("s3").actions)


@pytest.fixture
def alice(account, root_acting):
    alice = IAMUserFactory(account=account, name="alice")
    read = make_policy(name="S3Read", account=account, document=statement_policy("s3:GetObject"))
    policy_attach(policy=read, user=alice, acting=root_acting)
    inline_policy_put(
        name="NoDelete",
        document=statement_policy("s3:DeleteObject", effect="Deny"),
        user=alice,
        acting=root_acting,
    )
    return alice


def _params(alice, service="s3"):
    return {"mode": "existing", "principal": f"user:{alice.pk}", "service": service, "resource": "*"}


def _rows(run):
    return {row[0]: row for row in run.results}


def test_run_simulates_every_action_of_the_service_after_commit(
    alice, root_acting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.simulation_run_start(acting=root_acting, parameters=_params(alice))
    assert run.status == SimulationRun.Status.PENDING and run.total == S3_ACTIONS
    assert len(callbacks) == 1  # enqueued only once the request has committed

    callbacks[0]()

    run.refresh_from_db()
    assert run.status == SimulationRun.Status.SUCCEEDED
    assert run.done == run.total == len(run.results) == S3_ACTIONS
    assert run.started_by == root_acting.arn and run.finished_at is not None
    rows = _rows(run)
    assert rows["s3:GetObject"][2] == "allowed"
    assert rows["s3:GetObject"][5] == "S3Read (statement 1)"
    assert rows["s3:DeleteObject"][2] == "explicitDeny"
    assert rows["s3:ListBucket"][2] == "implicitDeny"


def test_progress_is_saved_chunk_by_chunk_while_the_run_goes(
    alice, root_acting, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []
    real = simulation.simulate

    def spy(**kwargs):
        seen.append(SimulationRun.objects.get().done)
        return real(**kwargs)

    monkeypatch.setattr(services.simulation, "simulate", spy)
    monkeypatch.setattr(services, "CHUNK", 40)
    with django_capture_on_commit_callbacks(execute=True):
        services.simulation_run_start(acting=root_acting, parameters=_params(alice))

    assert seen == list(range(0, S3_ACTIONS, 40))  # a poller sees each chunk land


def test_a_run_is_executed_once(alice, root_acting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_run_start(acting=root_acting, parameters=_params(alice))

    assert services.simulation_run_execute(run_id=run.pk) is None


def test_a_principal_gone_before_the_task_ran_fails_the_run(
    alice, root_acting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.simulation_run_start(acting=root_acting, parameters=_params(alice))
    alice.delete()
    callbacks[0]()

    run.refresh_from_db()
    assert run.status == SimulationRun.Status.FAILED
    assert run.error == "The user, group or role to simulate cannot be found."


def test_all_services_run_covers_the_whole_catalog(alice, root_acting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_run_start(acting=root_acting, parameters=_params(alice, service="*"))

    run.refresh_from_db()
    assert run.status == SimulationRun.Status.SUCCEEDED
    assert run.total == sum(len(s.actions) for s in catalog.services().values()) == len(run.results)
    assert _rows(run)["s3:GetObject"][2] == "allowed"


def test_custom_policies_run(root_acting, django_capture_on_commit_callbacks):
    params = {"mode": "custom", "documents": [statement_policy("s3:Get*")], "service": "s3", "resource": "*"}
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_run_start(acting=root_acting, parameters=params)

    run.refresh_from_db()
    rows = _rows(run)
    assert rows["s3:GetObject"][2] == "allowed" and rows["s3:PutObject"][2] == "implicitDeny"


def test_a_run_of_a_service_the_catalog_lacks_is_no_such_entity(
    alice, root_acting, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(NoSuchEntity) as error,
    ):
        services.simulation_run_start(acting=root_acting, parameters=_params(alice, service="nosuchservice"))

    assert (error.value.code, error.value.message) == (
        "NoSuchEntity",
        "The service nosuchservice is not in the catalog.",
    )
    assert not SimulationRun.objects.exists()
    assert callbacks == []


# --- the page ---------------------------------------------------------------------------------------


def _start(client, alice, op="run-service", headers=None):
    data = {"mode": "existing", "principal": f"user:{alice.pk}", "service": "s3", "resource": "*", "op": op}
    return client.post(URL, data, headers=headers or {})


# Transactional, as a request is in production: the task runs inline as the run's row commits, so the
# page the POST returns already holds the finished result.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("headers", [{}, {**HX, "HX-Target": "simulator-form"}])
def test_page_runs_all_actions_of_the_service_and_shows_the_finished_result(root_client, alice, headers):
    response = _start(root_client, alice, headers=headers)

    assert response.status_code == 200
    html = response.content.decode()
    assert ("<h1>Policy simulator</h1>" in html) is not bool(headers)
    run = SimulationRun.objects.get()
    assert run.status == SimulationRun.Status.SUCCEEDED
    assert 'id="simulator-run"' in html and 'hx-trigger="every 1s"' not in html
    assert f"{S3_ACTIONS} actions simulated: 1 allowed, 1 explicitly denied" in html
    assert 'data-testid="run-result-s3:GetObject"' in html
    assert reverse("policies:simulation_run_csv", args=[run.pk]) in html


def test_page_refuses_a_run_without_a_principal(root_client, alice):
    response = root_client.post(URL, {"mode": "existing", "service": "s3", "op": "run-service"})

    assert "Choose a user, group or role." in response.content.decode()
    assert not SimulationRun.objects.exists()


def test_page_refuses_a_service_run_without_a_service(root_client, alice):
    response = root_client.post(
        URL, {"mode": "existing", "principal": f"user:{alice.pk}", "op": "run-service"}
    )

    assert "Choose a service." in response.content.decode()
    assert not SimulationRun.objects.exists()


def test_pending_run_polls_every_second_with_a_progress_bar(
    root_client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = _start(root_client, alice, op="run-all", headers={**HX, "HX-Target": "simulator-form"})
    run = SimulationRun.objects.get()
    poll = reverse("policies:simulation_run", args=[run.pk])
    html = response.content.decode()
    assert "All actions of all services" in html
    assert f'hx-get="{poll}" hx-trigger="every 1s"' in html
    assert f'max="{run.total}" value="0"' in html

    SimulationRun.objects.filter(pk=run.pk).update(status=SimulationRun.Status.RUNNING, done=120)
    fragment = root_client.get(poll, headers={**HX, "HX-Target": "simulator-run"}).content.decode()
    assert fragment.lstrip().startswith('<div id="simulator-run"')
    assert "<h1>" not in fragment
    assert f"Simulating 120 of {run.total} actions" in fragment and 'value="120"' in fragment
    assert 'hx-trigger="every 1s"' in fragment


def test_poll_page_full_and_finished_stops_polling(
    root_client, alice, root_acting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_run_start(acting=root_acting, parameters=_params(alice))
    url = reverse("policies:simulation_run", args=[run.pk])

    full = root_client.get(url).content.decode()
    fragment = root_client.get(url, headers={**HX, "HX-Target": "simulator-run"}).content.decode()

    assert "<h1>Policy simulator</h1>" in full and "All actions of s3" in full
    for html in (full, fragment):
        assert 'hx-trigger="every 1s"' not in html
        assert f'max="{S3_ACTIONS}" value="{S3_ACTIONS}"' in html


def test_a_run_over_sts_notes_get_caller_identity_on_its_row(
    root_client, root_acting, django_capture_on_commit_callbacks
):
    deny = statement_policy("sts:GetCallerIdentity", effect="Deny")
    params = {"mode": "custom", "documents": [deny], "service": "sts", "resource": "*"}
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_run_start(acting=root_acting, parameters=params)
    url = reverse("policies:simulation_run", args=[run.pk])

    run.refresh_from_db()
    assert _rows(run)["sts:GetCallerIdentity"][2] == "explicitDeny"  # the policy, as written
    for html in (
        root_client.get(url).content.decode(),
        root_client.get(url, headers={**HX, "HX-Target": "simulator-run"}).content.decode(),
    ):
        row = html[html.index('data-testid="run-result-sts:GetCallerIdentity"') :]
        assert simulation.action_note("sts:GetCallerIdentity") in row[: row.index("</tr>")]
        assert html.count('data-testid="note-') == 1


def test_csv_export_is_an_attachment_with_every_row(
    root_client, alice, root_acting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_run_start(acting=root_acting, parameters=_params(alice))

    response = root_client.get(reverse("policies:simulation_run_csv", args=[run.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == f'attachment; filename="simulation-{run.pk}-s3.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == services.CSV_HEADER
    assert len(rows) == S3_ACTIONS + 1
    by_action = {row[0]: row for row in rows[1:]}
    assert by_action["s3:GetObject"][2:4] == ["Allowed", "Identity-based policy"]
    assert by_action["s3:DeleteObject"][2] == "Explicitly denied"


def test_charlie_cannot_see_or_export_alices_run(
    charlie_client, alice, root_acting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.simulation_run_start(acting=root_acting, parameters=_params(alice))

    for name in ("policies:simulation_run", "policies:simulation_run_csv"):
        assert charlie_client.get(reverse(name, args=[run.pk])).status_code == 404
    # nor run against alice's user from his account
    assert _start(charlie_client, alice).status_code == 404


# --- a real worker --------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("live_worker")
def test_a_live_worker_runs_all_services_while_the_page_polls_its_progress(root_client, alice):
    """Started from the page, run by the worker through Redis; the poll shows done grow to total."""
    response = _start(root_client, alice, op="run-all", headers={**HX, "HX-Target": "simulator-form"})
    assert response.status_code == 200
    run = SimulationRun.objects.get()
    poll = reverse("policies:simulation_run", args=[run.pk])

    seen, deadline = [], time.monotonic() + 120
    while True:
        html = root_client.get(poll, headers={**HX, "HX-Target": "simulator-run"}).content.decode()
        done = int(re.search(r'<progress[^>]* value="(\d+)"', html).group(1))
        seen.append((done, 'hx-trigger="every 1s"' in html))
        if not seen[-1][1]:
            break
        assert time.monotonic() < deadline, f"the run did not finish: {seen[-1]}"
        time.sleep(0.05)

    run.refresh_from_db()
    assert run.status == SimulationRun.Status.SUCCEEDED, run.error
    assert seen[-1][0] == run.total == len(run.results)
    assert seen[0][1]  # the page polled while the worker was still at it
    assert any(0 < done < run.total for done, _ in seen)  # and saw the bar part-way
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert f"{run.total} actions simulated" in html
