"""Requests that hold a NUL character are refused before any view reads them."""

from django.http import HttpResponseBadRequest

# The words of Django's ProhibitNullCharactersValidator, which the console's form fields apply.
NULL_CHARACTERS = "Null characters are not allowed."


def _holds_null(data):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class NullCharactersMiddleware:
    """400 for a NUL in the path, the query string or the form fields.

    No text column of PostgreSQL (nor jsonb, where the audit log keeps request parameters) can hold
    a NUL: a lookup or an audit event with one is a DataError, a server error where "not found" or
    a validation error was due. Form fields refuse NUL already; views also read names from the URL
    and fields from request.GET and request.POST themselves, so the refusal is made here, once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or _holds_null(request.GET)
            or (request.method == "POST" and _holds_null(request.POST))
        ):
            return HttpResponseBadRequest(NULL_CHARACTERS)
        return self.get_response(request)
