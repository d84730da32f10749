"""The console's Labs page of a seat (namespace `classrooms`): a console page, in enforcement's OPEN
(it shows only the seat's own classroom's labs and 404s for any other account)."""

from django.urls import path

from .views import console

app_name = "classrooms"

urlpatterns = [
    path("classroom-labs/", console.labs, name="labs"),
    path("classroom-labs/<int:lab_id>/check/", console.lab_check, name="lab_check"),
]
