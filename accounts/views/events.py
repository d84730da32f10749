"""Event history: the account's audit events as CloudTrail's console shows them, and their JSON export."""

import json

from django import forms
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import events as selectors_events
from console.htmx import render_htmx
from console.http import http_methods
from console.session import console_login_required

PAGE_SIZE = 50
EXPORT_CHUNK = 500
EVENT_SOURCES = ["iam.amazonaws.com", "sts.amazonaws.com", "signin.amazonaws.com"]
READ_ONLY_CHOICES = [("", "Any"), ("true", "true"), ("false", "false")]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]


class EventFilterForm(forms.Form):
    user_name = forms.CharField(required=False, max_length=128)
    event_name = forms.CharField(required=False, max_length=64)
    resource_name = forms.CharField(required=False, max_length=2048)
    event_source = forms.ChoiceField(
        required=False, choices=[("", "Any")] + [(source, source) for source in EVENT_SOURCES]
    )
    read_only = forms.ChoiceField(required=False, choices=READ_ONLY_CHOICES)
    start = forms.DateTimeField(
        required=False,
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": "Enter a valid start date and time (YYYY-MM-DD hh:mm)."},
    )
    end = forms.DateTimeField(
        required=False,
        input_formats=DATETIME_FORMATS,
        error_messages={"invalid": "Enter a valid end date and time (YYYY-MM-DD hh:mm)."},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date and time must be after the start date and time.")
        return cleaned

    def lookup(self):
        """The selector's keyword arguments; a field with an error filters nothing."""
        data = self.cleaned_data
        read_only = data.get("read_only")
        return {
            "user_name": data.get("user_name", "").strip(),
            "event_name": data.get("event_name", "").strip(),
            "resource_name": data.get("resource_name", "").strip(),
            "event_source": data.get("event_source", ""),
            "read_only": None if not read_only else read_only == "true",
            "start": data.get("start"),
            "end": data.get("end"),
        }


def _filters(request):
    form = EventFilterForm(request.GET)
    form.is_valid()  # errors are shown beside their field; the other filters still apply
    return form, selectors_events.event_list(account=request.acting.account, **form.lookup())


@console_login_required
@http_methods("GET")
def event_history(request):
    form, events = _filters(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "user_name": selectors_events.event_user_name(event),
            "resource_names": selectors_events.event_resource_names(event),
            "record": json.dumps(selectors_events.event_record(event), indent=4),
        }
        for event in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "export_limit": f"{selectors_events.EXPORT_LIMIT:,}",
        "breadcrumbs": [("IAM", reverse("dashboard")), ("Event history", None)],
    }
    return render_htmx(request, "accounts/event_history.html", context, "event-table")


@console_login_required
@http_methods("GET")
def event_history_download(request):
    """The filtered events as one of CloudTrail's log files ({"Records": [...]}), streamed."""
    _form, events = _filters(request)
    events = events[: selectors_events.EXPORT_LIMIT]

    def chunks():
        yield '{"Records": ['
        for index, event in enumerate(events.iterator(chunk_size=EXPORT_CHUNK)):
            yield ("," if index else "") + json.dumps(selectors_events.event_record(event))
        yield "]}\n"

    stamp = timezone.now().strftime("%Y%m%dT%H%MZ")
    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="event_history_{stamp}.json"'
    return response
