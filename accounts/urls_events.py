from django.urls import path

from .views import events

urlpatterns = [
    path("event-history/", events.event_history, name="event_history"),
    path("event-history/download/", events.event_history_download, name="event_history_download"),
]
