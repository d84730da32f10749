"""The console's side of authorization: a page's refusal in AWS's words, and the reads a page, a
section of it or each row of a table makes, authorized with the resource's tags and recorded in Event
history when refused. The shell's enforcement middleware (iamconsole/enforcement.py) registers every
page's reads; views call these for the tables inside their pages.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from django.shortcuts import render
from django.urls import reverse

from access.audit import record_event
from access.authorization import resource_tags_context, unbounded
from access.operations import OPERATIONS, authorize_read
from aws.arns import read_resource_label
from aws.errors import AccessDenied


def anywhere(acting, kw):
    """A read on "*" (the account's settings, a listing of everything)."""
    return "*", None


@dataclass(frozen=True)
class Page:
    """A console page: the reads it makes, for every method its view serves; the resource they are on;
    and its heading and buttons for the denial shown in its place."""

    reads: tuple | Callable = ()
    resource: Callable = anywhere
    title: str = ""
    buttons: tuple = ()  # (label, URL name)
    # A page whose reads depend on the request as a whole (the simulator): a function of (request,
    # url kwargs) giving the reads in the same forms as `reads`.
    dynamic: Callable | None = None


def _event_source(operation):
    service = OPERATIONS[operation].action.partition(":")[0]
    return f"{service}.amazonaws.com"


def render_denial(request, error, page=None):
    """AWS's message in place of the page (or of the fragment an HTMX request asked for)."""
    context = {
        "denial": error.message,
        "page_title": page.title if page else "Access denied",
        "page_buttons": [(label, reverse(name)) for label, name in (page.buttons if page else ())],
    }
    if request.htmx:
        # The fragment's place shows the message; 200 so htmx swaps it in.
        return render(request, "denied.html#denial", context)
    return render(request, "denied.html", context, status=403)


def _named_by(resource, path):
    """Whether the request's path names `resource` (or it names nothing secret: "*", a listing)."""
    if resource == "*" or resource.endswith("/"):
        return True
    label = read_resource_label(resource)
    name = label.split(" ", 1)[1] if label != resource else resource.rsplit("/", 1)[-1]
    return name.casefold() in unquote(path).casefold()


def authorize_page_read(*, acting, operation, resource="*", entity=None, path=None):
    """AccessDenied (recorded in Event history, as CloudTrail records refused reads) unless the acting
    identity may call the read `operation` on `resource`, with `entity`'s tags. The refusal names the
    resource only when the request's `path` did: a key's owner or a provider's URL stays unsaid."""
    if unbounded(acting):
        return
    action = OPERATIONS[operation].action
    try:
        authorize_read(
            acting=acting,
            name=operation,
            resource=resource,
            context=resource_tags_context(action, entity),
            named=path is None or _named_by(resource, path),
        )
    except AccessDenied as error:
        record_event(
            acting=acting,
            event_name=operation,
            request_parameters={"resource": resource} if resource != "*" else None,
            error=error,
            read_only=True,
            event_source=_event_source(operation),
        )
        raise


def read_denial(request, operation, resource="*", entity=None):
    """AWS's message when the page's section that `operation` fills is refused (the section shows it
    in place of its table), or None when it is allowed."""
    try:
        authorize_page_read(
            acting=request.acting, operation=operation, resource=resource, entity=entity, path=request.path
        )
    except AccessDenied as error:
        return error.message
    return None


def allowed_rows(request, operation, entities):
    """The primary keys of the entities whose `operation` the acting identity may call (a list's
    per-row reads, each on its own ARN with its own tags). The console shows a refusal per cell, so
    they are not recorded one by one."""
    acting = request.acting
    if unbounded(acting):
        return {entity.pk for entity in entities}
    action = OPERATIONS[operation].action
    allowed = set()
    for entity in entities:
        try:
            authorize_read(
                acting=acting,
                name=operation,
                resource=entity.arn,
                context=resource_tags_context(action, entity),
            )
        except AccessDenied:
            continue
        allowed.add(entity.pk)
    return allowed


def page_reads(page, request, kwargs):
    """[(operation, resource function)] the page makes for this request."""
    reads = page.reads(request, kwargs) if callable(page.reads) else page.reads
    resolved = []
    for read in reads:
        if isinstance(read, tuple):
            resolved.append(read)
        else:
            resolved.append((read, page.resource))
    return resolved
