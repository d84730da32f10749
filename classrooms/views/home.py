"""A person's home (their seats; an instructor's classrooms, templates and accounts), Open console,
and joining a classroom by link or code."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from classrooms.errors import ClassroomError
from classrooms.forms import JoinCodeForm
from classrooms.models import Classroom, Seat
from classrooms.selectors.portal import (
    instructor_classrooms,
    instructor_links,
    instructor_templates,
    person_seats,
)
from classrooms.services.people import invitation_accept, is_instructor
from classrooms.services.seats import seat_join
from console.http import http_methods
from console.session import sign_in

from .common import form_page, person_required

SEAT_SESSION_KEY = "classroom_seat"  # the console's "Labs" link: this browser opened a seat's console


@person_required
@http_methods("GET")
def home(request):
    person = request.user
    context = {"seats": person_seats(person), "instructor": is_instructor(person)}
    if context["instructor"]:
        context["classrooms"] = instructor_classrooms(person)
        context["templates"] = instructor_templates(person)
        context["links"] = instructor_links(person)
    return render(request, "classrooms/home.html", context)


@person_required
@http_methods("POST")
def open_console(request, seat_id):
    """Sign this browser in to the seat's console as its root user (the seat's own student only)."""
    seat = (
        Seat.objects.filter(pk=seat_id, student=request.user).select_related("account", "classroom").first()
    )
    if seat is None:
        raise Http404
    if seat.status in (Seat.Status.PROVISIONING, Seat.Status.RESETTING, Seat.Status.FAILED):
        messages.error(
            request, f"Your seat is not ready ({seat.get_status_display().lower()}). Try again soon."
        )
        return redirect("portal:home")
    sign_in(request, account=seat.account)
    request.session[SEAT_SESSION_KEY] = seat.account_id
    if seat.classroom.status == Classroom.Status.CLOSED:
        messages.info(request, "This classroom is closed: its console is read-only.")
    return redirect("dashboard")


def _join(request, classroom):
    try:
        with transaction.atomic():
            seat_join(classroom=classroom, student=request.user)
            invitation_accept(classroom=classroom, person=request.user)
    except ClassroomError as error:
        return error.message
    messages.success(request, f"You joined {classroom.name}. Open your seat's console when you are ready.")
    return ""


def _joinable(code):
    return Classroom.objects.filter(join_code=code, join_enabled=True).first()


BAD_CODE = "This join code is not valid. Check it with your instructor: the code may have been renewed."


@never_cache
@person_required
@http_methods("GET", "POST")
def join_link(request, code):
    classroom = _joinable(code)
    error = "" if classroom else BAD_CODE
    if request.method == "POST" and classroom is not None:
        error = _join(request, classroom)
        if not error:
            return redirect("portal:home")
    held = classroom is not None and classroom.seats.filter(student=request.user).exists()
    context = {"classroom": classroom, "error": error, "code": code, "held": held}
    return render(request, "classrooms/join.html", context, status=422 if error else 200)


@never_cache
@person_required
@http_methods("GET", "POST")
def join_code(request):
    form = JoinCodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        classroom = _joinable(form.cleaned_data["code"])
        error = _join(request, classroom) if classroom else BAD_CODE
        if not error:
            return redirect("portal:home")
        form.add_error("code", error)
    return form_page(request, "classrooms/join_code.html", {"form": form})
