"""Every view names the HTTP methods it serves; the enforcement middleware refuses the rest (405)
before anything is read, and refuses a view that names none."""

from django.views.decorators.http import require_http_methods


def http_methods(*methods):
    """Serve only `methods` (HEAD comes with GET, as it is GET without the body)."""
    allowed = {method.upper() for method in methods}
    if "GET" in allowed:
        allowed.add("HEAD")

    def decorate(view):
        guarded = require_http_methods(sorted(allowed))(view)
        guarded.http_methods = frozenset(allowed)
        return guarded

    return decorate


def served_methods(view):
    """The methods a view serves, or None when it names none (the middleware then refuses it)."""
    return getattr(view, "http_methods", None)
