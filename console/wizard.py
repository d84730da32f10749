"""A console wizard (Create user, Create role, Create policy): its draft lives in the session, so that
the back button and a reload keep what was entered; its steps are addressed `?step=N` of its page, and
an HTMX step swap puts that address in the browser's bar."""

import copy
from dataclasses import dataclass

from django.shortcuts import redirect
from django.urls import reverse

from aws.params import ascii_int
from console.htmx import render_htmx
from console.tags import parse_tags, remove_tag_row


@dataclass(frozen=True)
class Wizard:
    session_key: str
    url_name: str  # the wizard's page; its steps are ?step=N of it
    template: str
    steps: tuple  # ((1, "Specify user details"), (2, "Set permissions"), …)
    blank: dict  # what a new draft holds
    partial: str = "wizard-step"  # the template partial a step swap replaces

    def draft(self, request):
        """The draft of this browser session, or a new one."""
        return request.session.get(self.session_key) or copy.deepcopy(self.blank)

    def save(self, request, draft):
        request.session[self.session_key] = draft

    def discard(self, request):
        request.session.pop(self.session_key, None)

    def step(self, request, last):
        """The step the request asks for (`?step=N`, ASCII digits), between 1 and `last`."""
        return min(max(ascii_int(request.GET.get("step", "1")) or 1, 1), last)

    def url(self, step, args=()):
        """The address of step `step` (`args`: the page's URL arguments, such as the policy's ARN)."""
        return f"{reverse(self.url_name, args=args)}?step={step}"

    def render(self, request, step, context, *, partial=None, status=200, args=()):
        """The step's page (or its partial, for HTMX); a swapped-in step puts its address in the bar.
        `partial` names another part of the page an HTMX request may aim at (a picker's table)."""
        partial = partial or self.partial
        context = {"step": step, "steps": self.steps, **context}
        push_url = self.url(step, args) if partial == self.partial else None
        return render_htmx(request, self.template, context, partial, status=status, push_url=push_url)

    def go_to(self, request, step, render_step, args=()):
        """Move to `step`: HTMX swaps it in (render_step(step)), a plain form is redirected to it."""
        return render_step(step) if request.htmx else redirect(self.url(step, args))

    def tags_step(self, request, draft, step, render_step):
        """The review step's tag editor, its rows kept in the draft: the response to Previous, Edit (a
        review section's button, `edit_N`: back to step N), Add tag, Remove (row N) or to rows AWS
        refuses; None when the step goes on to create."""
        action = request.POST.get("action", "create")
        tags, error = parse_tags(request.POST)
        draft["tags"] = [[key, value] for key, value in tags]
        if action == "add_tag":
            draft["tags"].append(["", ""])
        elif action.startswith("remove_tag_"):
            remove_tag_row(draft["tags"], action)
        self.save(request, draft)
        if action == "previous":
            return self.go_to(request, step - 1, render_step)
        edited = ascii_int(action.removeprefix("edit_")) if action.startswith("edit_") else None
        if edited and edited < step:
            return self.go_to(request, edited, render_step)
        if action == "add_tag" or action.startswith("remove_tag_"):
            return render_step(step)
        if error:
            return render_step(step, status=422, error=error)
        return None


def filled_tags(draft):
    """The draft's tag rows that hold something, as (key, value) pairs for the services."""
    return [(key, value) for key, value in draft["tags"] if key or value]
