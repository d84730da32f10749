"""The console's Labs page for a seat (the seat's root user): its classroom's labs with their
instructions and "Check my work". Any other account gets 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from classrooms.errors import ClassroomError
from classrooms.models import Lab, Seat
from classrooms.selectors.portal import classroom_labs, latest_check_runs
from classrooms.services.checks import check_run_create
from console.http import http_methods
from console.session import console_login_required

from .labs import rendered


def _seat(request):
    acting = request.acting
    if not acting.is_root or acting.is_role_session:
        raise Http404
    seat = Seat.objects.filter(account=acting.account).select_related("classroom", "student").first()
    if seat is None:
        raise Http404
    return seat


def _page(request, seat, *, error="", checked_lab=None, status=200):
    labs = classroom_labs([seat.classroom_id]).get(seat.classroom_id, [])
    runs = latest_check_runs(seats=[seat])
    items = [
        {"lab": lab, "instructions": rendered(lab.instructions), "run": runs.get((seat.pk, lab.pk))}
        for lab in labs
    ]
    context = {
        "seat": seat,
        "items": items,
        "error": error,
        "checked_lab": checked_lab,
        "breadcrumbs": [("IAM", reverse("dashboard")), ("Labs", None)],
    }
    return render(request, "classrooms/console_labs.html", context, status=status)


@console_login_required
@http_methods("GET")
def labs(request):
    return _page(request, _seat(request))


@console_login_required
@http_methods("POST")
def lab_check(request, lab_id):
    seat = _seat(request)
    lab = get_object_or_404(Lab, pk=lab_id, classrooms=seat.classroom)
    try:
        check_run_create(seat=seat, lab=lab, person=seat.student)
    except ClassroomError as error:
        return _page(request, seat, error=error.message, checked_lab=lab, status=422)
    return redirect(f"{reverse('classrooms:labs')}#lab-{lab.pk}")
