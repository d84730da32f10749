"""Work a service hands to a Celery worker, once its transaction has committed.

Services name the task instead of importing it: the tasks module sits above the services it calls
(a task loads by id and calls a service), so the services may not import it.
"""

import importlib

from celery import current_app
from django.db import transaction


def enqueue_on_commit(task_name, *args):
    """Run the registered task `task_name` with `args` after the current transaction commits (at
    once, inline, when no broker is configured)."""
    transaction.on_commit(lambda: _task(task_name).delay(*args))


def _task(name):
    if name not in current_app.tasks:
        # The apps' tasks modules load when Celery first looks for them (autodiscovery); an app that
        # does not autodiscover (a test's own app for a live worker) gets the task from its module,
        # whose shared tasks register with every app.
        current_app.loader.import_default_modules()
        importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name]
