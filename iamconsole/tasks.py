from celery import shared_task
from django.utils.dateparse import parse_datetime

from .models import Heartbeat


@shared_task(bind=True)
def record_heartbeat(self, requested_at):
    """Write a heartbeat row from the worker and return its id (the health probe's round trip)."""
    heartbeat = Heartbeat.objects.create(
        requested_at=parse_datetime(requested_at),
        worker="" if self.request.is_eager else (self.request.hostname or ""),
    )
    return heartbeat.pk
