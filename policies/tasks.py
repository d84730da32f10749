"""Celery tasks of the policies app: thin wrappers that load by id and call a service."""

from celery import shared_task

from policies.services.roles import service_linked_role_deletion_run
from policies.services.simulation_runs import simulation_run_execute


@shared_task
def delete_service_linked_role(deletion_id):
    """DeleteServiceLinkedRole's work, run after the request that started it has committed."""
    return service_linked_role_deletion_run(deletion_id=deletion_id)


@shared_task
def run_simulation(run_id):
    """A whole-service simulation run, after the request that started it has committed."""
    return simulation_run_execute(run_id=run_id)
