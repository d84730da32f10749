"""The one place that decides between a whole page and one of its partials."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect


def render_htmx(request, template, context, partial, *, status=200, push_url=None):
    """The whole page, or only `partial` when an HTMX request aims at it (its id is the partial's name).

    `status` is the response's (422 for a form refused inline); `push_url` is the address an HTMX
    swap puts in the browser's bar (a wizard's step), so that a reload shows what was swapped in.
    """
    if request.htmx and request.htmx.target == partial:
        response = render(request, f"{template}#{partial}", context, status=status)
    else:
        response = render(request, template, context, status=status)
    if push_url is not None and request.htmx:
        response["HX-Push-Url"] = push_url
    return response


def htmx_redirect(request, url):
    """A redirect the browser follows whether the request was HTMX's (the whole page changes) or not."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def swap_or_redirect(request, render_part, url, *, error=""):
    """After a POST: HTMX swaps the changed part in (`render_part()`, which shows `error` itself); a
    plain form is redirected to `url`, with `error` as a flash message."""
    if request.htmx:
        return render_part()
    if error:
        messages.error(request, error)
    return redirect(url)
