"""The classroom portal (namespace `portal`, its own sign-in for people; iamconsole/enforcement.py leaves
its authorization to its views, which check the person) and the console's "Check my work" pages."""

from django.urls import path  # noqa: F401

app_name = "portal"

urlpatterns = []
