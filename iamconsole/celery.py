import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")

app = Celery("iamconsole")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
