"""People: sign up, sign in (throttled like the console's), sign out, forgotten passwords."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from accounts.services.signin import Client, SignInRefused
from classrooms.errors import ClassroomError
from classrooms.flows import person_authenticate
from classrooms.forms import ForgotPasswordForm, NewPasswordForm, SignInForm, SignUpForm
from classrooms.services.people import (
    person_create,
    person_from_reset_link,
    person_password_reset_request,
    person_password_set,
)
from console.http import http_methods

from .common import form_page, safe_next

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request):
    return request.POST.get("next") or request.GET.get("next") or ""


@never_cache
@http_methods("GET", "POST")
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_create(email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        except ClassroomError as error:
            form.add_error(error.field, error.message)
        else:
            login(request, person, backend=BACKEND)
            messages.success(request, "Welcome! You are signed in to the classroom portal.")
            return redirect(safe_next(request, _next(request)))
    return form_page(request, "classrooms/signup.html", {"form": form, "next": _next(request)})


@never_cache
@http_methods("GET", "POST")
def signin(request):
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(safe_next(request, _next(request)))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_authenticate(
                request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                client=Client.from_request(request),
            )
        except SignInRefused as refused:
            form.add_error(None, refused.message)
        else:
            login(request, person, backend=BACKEND)
            return redirect(safe_next(request, _next(request)))
    return form_page(request, "classrooms/signin.html", {"form": form, "next": _next(request)})


@http_methods("POST")
def signout(request):
    logout(request)
    messages.info(request, "You signed out of the classroom portal.")
    return redirect("portal:signin")


@never_cache
@http_methods("GET", "POST")
def forgot_password(request):
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person_password_reset_request(
            email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/")
        )
        messages.info(
            request, "If a person signed up with this email address, we sent it a link to reset the password."
        )
        return redirect("portal:signin")
    return form_page(request, "classrooms/password_forgot.html", {"form": form})


@never_cache
@http_methods("GET", "POST")
def reset_password(request, uidb64, token):
    person = person_from_reset_link(uidb64=uidb64, token=token)
    if person is None:
        messages.error(request, "This password reset link is invalid or has expired. Ask for a new one.")
        return redirect("portal:forgot_password")
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person_password_set(person=person, password=form.cleaned_data["password"])
        except ClassroomError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Your password has been changed. Sign in with it.")
            return redirect("portal:signin")
    return form_page(request, "classrooms/password_reset.html", {"form": form})
