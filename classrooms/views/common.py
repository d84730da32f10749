"""What the portal's views share: who the person is, and the 404 everyone else gets."""

import functools
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from classrooms.services.people import is_instructor


def safe_next(request, url, default="portal:home"):
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return url
    return reverse(default)


def person_required(view):
    """Send visitors who have not signed in to the portal's sign-in page, then back."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portal:signin')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def instructor_required(view):
    """Instructors only: anyone else signed in gets 404 (nothing tells them the page exists)."""

    @functools.wraps(view)
    @person_required
    def wrapper(request, *args, **kwargs):
        if not is_instructor(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# The one-box form pages (classrooms/person_form.html): heading, button, lead.
FORM_PAGES = {
    "classrooms/signup.html": (
        "Sign up for the classroom portal",
        "Sign up",
        "Your sign-in for classrooms: join your instructor's classroom and open your seat's console.",
    ),
    "classrooms/signin.html": ("Sign in to the classroom portal", "Sign in", ""),
    "classrooms/password_forgot.html": (
        "Forgot password",
        "Send reset link",
        "Enter the email address you signed up with: we send it a link to choose a new password.",
    ),
    "classrooms/password_reset.html": ("Choose a new password", "Change password", ""),
    "classrooms/account_link.html": (
        "Link an account",
        "Link account",
        "Prove that you own an account of this console with its root user's email, password and, when it "
        "has one, MFA code. You can then take classroom templates from it. You stay signed in as yourself.",
    ),
    "classrooms/join_code.html": (
        "Join a classroom",
        "Join",
        "Enter the join code your instructor gave you.",
    ),
    "classrooms/template_create.html": (
        "Create template",
        "Create template",
        "A template is a snapshot of one of your linked accounts: its users, groups, policies, roles "
        "and organization. Every seat of a classroom starts as a copy of it.",
    ),
}


def form_page(request, template, context, *, status=None):
    heading, button, lead = FORM_PAGES[template]
    form = context["form"]
    if status is None:
        status = 422 if form.is_bound and form.errors else 200
    context = {"heading": heading, "button": button, "lead": lead, **context}
    return render(request, template, context, status=status)
