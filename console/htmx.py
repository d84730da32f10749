"""The one place that decides between a whole page and one of its partials."""

from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect


def render_htmx(request, template, context, partial):
    """The whole page, or only `partial` when an HTMX request aims at it (its id is the partial's name)."""
    if request.htmx and request.htmx.target == partial:
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)


def htmx_redirect(request, url):
    # An HTMX form swaps a partial; after success the whole page changes.
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
