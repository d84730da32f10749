from django.db import models


class Heartbeat(models.Model):
    """A row a Celery worker writes when the health probe asks it to: proof the round trip works."""

    requested_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    worker = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"Heartbeat from {self.worker or 'inline'} at {self.recorded_at:%Y-%m-%d %H:%M:%S}"
