"""Celery tasks: provisioning, resets, closing and purging seats (thin: load by id, call a service)."""

from celery import shared_task

from classrooms.services.seats import closed_seats_purge, job_run


@shared_task
def run_job(job_id, seat_ids=None):
    """A classroom Job (provision, reset, close), enqueued when the request that made it commits; or
    `seat_ids`, its share of a large job."""
    job = job_run(job_id=job_id, seat_ids=seat_ids)
    return {"status": job.status, "done": job.done, "total": job.total}


@shared_task
def purge_closed():
    """Celery beat, daily: closed classrooms' seats go once CLASSROOM_RETENTION_DAYS have passed."""
    return closed_seats_purge()
