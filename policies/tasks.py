"""Celery tasks of the policies app: thin wrappers that load by id and call a service."""

from celery import shared_task

from policies.services.last_accessed import last_accessed_job_run
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


@shared_task
def take_last_accessed_report(job_pk):
    """A GenerateServiceLastAccessedDetails job, after the request that started it has committed."""
    return last_accessed_job_run(job_pk=job_pk)
