"""A console wizard (Create user, Create role, Create policy, Modify permissions): its draft lives in
the session, so that the back button and a reload keep what was entered; its steps are addressed
`?step=N`, and an HTMX step swap puts that address in the browser's bar."""

from dataclasses import dataclass, field

from django.shortcuts import redirect
from django.urls import reverse

from aws.params import ascii_int


@dataclass(frozen=True)
class Wizard:
    session_key: str
    url_name: str  # the wizard's page; its steps are ?step=N of it
    steps: tuple  # ((1, "Specify user details"), (2, "Set permissions"), …)
    blank: dict = field(default_factory=dict)  # what a new draft holds

    def draft(self, request):
        """The draft of this browser session, or a new one."""
        return request.session.get(self.session_key) or {**self.blank}

    def save(self, request, draft):
        request.session[self.session_key] = draft

    def discard(self, request):
        request.session.pop(self.session_key, None)

    def step(self, request, last=None):
        """The step the request asks for (`?step=N`, ASCII digits), within 1 and `last` (the last step)."""
        last = last or len(self.steps)
        return min(max(ascii_int(request.GET.get("step", "1")) or 1, 1), last)

    def url(self, step, *args):
        """The address of step `step` (`args` are the page's URL arguments: the policy's ARN …)."""
        return f"{reverse(self.url_name, args=args)}?step={step}"

    def go_to(self, request, step, render_step, *args):
        """Move to `step`: HTMX swaps it in (render_step()), a plain form is redirected to it."""
        return render_step() if request.htmx else redirect(self.url(step, *args))
