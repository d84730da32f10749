"""Instructors' pages: linked accounts, templates, classrooms (join code, jobs, invitations), the class
matrix with its CSV export, a seat's reset and its Event history. Only the instructor's own things:
anything else is 404."""

import csv

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.selectors.events import event_list
from accounts.services.signin import Client
from classrooms.errors import ClassroomError
from classrooms.flows import account_link_verify
from classrooms.forms import AccountLinkForm, ClassroomForm, InviteForm, ProvisionForm, TemplateForm
from classrooms.models import Job, Seat, Template
from classrooms.selectors.portal import class_matrix, classroom_labs, instructor_links, owned_classroom
from classrooms.services.people import classroom_save, invitations_create, join_code_renew, template_delete
from classrooms.services.seats import (
    classroom_close,
    seat_reset,
    seats_provision,
    seats_reset_all,
    template_create,
)
from console.dialogs import confirmation_error
from console.htmx import render_htmx
from console.http import http_methods

from .common import form_page, instructor_required

FINISHED = (Job.Status.SUCCEEDED, Job.Status.FAILED)


def _classroom_or_404(request, pk):
    classroom = owned_classroom(request.user, pk)
    if classroom is None:
        raise Http404
    return classroom


# --- accounts and templates ------------------------------------------------------------------------


@never_cache
@instructor_required
@http_methods("GET", "POST")
def account_link(request):
    form = AccountLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = account_link_verify(
                person=request.user,
                email=data["email"],
                password=data["password"],
                mfa_code=data["mfa_code"],
                client=Client.from_request(request),
            )
        except ClassroomError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Account {link.account.name} ({link.account_id}) is linked.")
            return redirect("portal:home")
    return form_page(request, "classrooms/account_link.html", {"form": form})


@instructor_required
@http_methods("GET", "POST")
def template_create_view(request):
    links = list(instructor_links(request.user))
    form = TemplateForm(request.POST or None, links=links)
    if request.method == "POST" and form.is_valid():
        try:
            template = template_create(
                person=request.user, account=form.cleaned_data["account"], name=form.cleaned_data["name"]
            )
        except ClassroomError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Template {template.name} holds {template.entity_count} entities.")
            return redirect("portal:home")
    return form_page(request, "classrooms/template_create.html", {"form": form, "links": links})


@instructor_required
@http_methods("POST")
def template_delete_view(request, pk):
    template = get_object_or_404(Template, pk=pk, owner=request.user)
    try:
        template_delete(person=request.user, template=template)
    except ClassroomError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Template {template.name} deleted.")
    return redirect("portal:home")


# --- classrooms ---------------------------------------------------------------------------------


def _classroom_form_page(request, classroom=None):
    initial = {}
    chosen = []
    if classroom is not None:
        initial = {
            "name": classroom.name,
            "seat_limit": classroom.seat_limit,
            "ends_at": classroom.ends_at,
            "template": classroom.template_id,
        }
        chosen = [lab.pk for lab in classroom_labs([classroom.pk]).get(classroom.pk, [])]
    form = ClassroomForm(request.POST or None, person=request.user, initial=initial)
    if request.method == "POST":
        chosen = [int(key) for key in request.POST.getlist("lab") if key.isdigit()]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            classroom = classroom_save(
                person=request.user,
                classroom=classroom,
                name=data["name"],
                seat_limit=data["seat_limit"],
                ends_at=data["ends_at"],
                template=data["template"],
                labs=data["labs"],
            )
        except ClassroomError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Classroom {classroom.name} saved.")
            return redirect("portal:classroom_detail", pk=classroom.pk)
    # The chosen labs first, in their order, then the others.
    order = {pk: index for index, pk in enumerate(chosen)}
    labs = sorted(form.available_labs, key=lambda lab: (order.get(lab.pk, len(order)), lab.title))
    context = {"form": form, "classroom": classroom, "labs": labs, "chosen": set(chosen)}
    return render(request, "classrooms/classroom_form.html", context, status=422 if form.errors else 200)


@instructor_required
@http_methods("GET", "POST")
def classroom_create(request):
    return _classroom_form_page(request)


@instructor_required
@http_methods("GET", "POST")
def classroom_edit(request, pk):
    return _classroom_form_page(request, _classroom_or_404(request, pk))


def _detail_context(request, classroom, **extra):
    return {
        "classroom": classroom,
        "labs": classroom_labs([classroom.pk]).get(classroom.pk, []),
        "seat_counts": {
            "total": classroom.seats.count(),
            "taken": classroom.seats.filter(student__isnull=False).count(),
        },
        "join_url": request.build_absolute_uri(reverse("portal:join_link", args=[classroom.join_code])),
        "jobs": _with_rows(classroom, list(classroom.jobs.order_by("-created_at")[:5])),
        "provision_form": extra.pop("provision_form", None) or ProvisionForm(initial={"count": 1}),
        "invite_form": extra.pop("invite_form", None) or InviteForm(),
        "finished": FINISHED,
        "retention_days": settings.CLASSROOM_RETENTION_DAYS,
        **extra,
    }


@instructor_required
@http_methods("GET")
def classroom_detail(request, pk):
    classroom = _classroom_or_404(request, pk)
    return render(request, "classrooms/classroom_detail.html", _detail_context(request, classroom))


@instructor_required
@http_methods("POST")
def classroom_join_code(request, pk):
    """Revoke joining (`action=revoke`) or issue a new code and link (`action=renew`)."""
    classroom = _classroom_or_404(request, pk)
    enabled = request.POST.get("action") != "revoke"
    join_code_renew(person=request.user, classroom=classroom, enabled=enabled)
    messages.success(
        request,
        "A new join code is ready."
        if enabled
        else "Joining is revoked: the old link and code no longer work.",
    )
    return redirect("portal:classroom_detail", pk=classroom.pk)


def _job_started(request, classroom, start, **extra):
    try:
        job = start()
    except ClassroomError as error:
        context = _detail_context(request, classroom, page_error=error.message, **extra)
        return render(request, "classrooms/classroom_detail.html", context, status=422)
    messages.success(request, f"{job.get_kind_display()}: started.")
    return redirect(f"{reverse('portal:classroom_detail', args=[classroom.pk])}#job-{job.pk}")


@instructor_required
@http_methods("POST")
def classroom_provision(request, pk):
    classroom = _classroom_or_404(request, pk)
    form = ProvisionForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, classroom, provision_form=form)
        return render(request, "classrooms/classroom_detail.html", context, status=422)
    count = form.cleaned_data["count"]
    return _job_started(
        request,
        classroom,
        lambda: seats_provision(classroom=classroom, count=count, person=request.user),
        provision_form=form,
    )


@instructor_required
@http_methods("POST")
def classroom_reset_all(request, pk):
    classroom = _classroom_or_404(request, pk)
    return _job_started(request, classroom, lambda: seats_reset_all(classroom=classroom, person=request.user))


@instructor_required
@http_methods("GET", "POST")
def classroom_close_view(request, pk):
    classroom = _classroom_or_404(request, pk)
    error = ""
    if request.method == "POST":
        error = confirmation_error(request, classroom.name, "the classroom name", verb="closing")
        if not error:
            return _job_started(
                request, classroom, lambda: classroom_close(classroom=classroom, person=request.user)
            )
    context = {"classroom": classroom, "error": error}
    return render(request, "classrooms/classroom_close.html", context, status=422 if error else 200)


@instructor_required
@http_methods("GET")
def job_progress(request, pk, job_id):
    classroom = _classroom_or_404(request, pk)
    job = get_object_or_404(Job, pk=job_id, classroom=classroom)
    _with_rows(classroom, [job])
    # The panel's polling swaps the panel; its address opened in a tab is a page of the portal.
    template = "classrooms/job.html" if request.htmx else "classrooms/job_page.html"
    return render(request, template, {"classroom": classroom, "job": job, "finished": FINISHED})


def _with_rows(classroom, jobs):
    """Each job's per-seat results as rows naming the seat (one query for the seats of all)."""
    seats = {str(seat.pk): seat for seat in classroom.seats.select_related("student")}
    for job in jobs:
        job.rows = [
            {"seat": seats.get(key), "seat_id": key, **value}
            for key, value in sorted((job.results or {}).items())
        ]
    return jobs


@instructor_required
@http_methods("POST")
def classroom_invite(request, pk):
    classroom = _classroom_or_404(request, pk)
    form = InviteForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _detail_context(request, classroom, invite_form=form)
        return render(request, "classrooms/classroom_detail.html", context, status=422)
    join_url = request.build_absolute_uri(reverse("portal:join_link", args=[classroom.join_code]))
    try:
        created = invitations_create(
            person=request.user, classroom=classroom, emails=form.cleaned_data["file"], join_url=join_url
        )
    except ClassroomError as error:
        form.add_error("file", error.message)
        context = _detail_context(request, classroom, invite_form=form, page_error=error.message)
        return render(request, "classrooms/classroom_detail.html", context, status=422)
    skipped = len(form.cleaned_data["file"]) - len(created)
    context = _detail_context(request, classroom, invited=created, skipped=skipped, bad_rows=form.bad_rows)
    return render(request, "classrooms/classroom_detail.html", context)


# --- the class matrix -------------------------------------------------------------------------------


def _matrix_filters(request):
    sort = request.GET.get("sort", "name")
    return {
        "student": request.GET.get("student", "")[:254],
        "lab_id": request.GET.get("lab", "") if request.GET.get("lab", "").isdigit() else "",
        "sort": sort if sort in ("name", "score") else "name",
    }


@instructor_required
@http_methods("GET")
def classroom_matrix(request, pk):
    classroom = _classroom_or_404(request, pk)
    filters = _matrix_filters(request)
    labs, rows = class_matrix(classroom, **filters)
    context = {
        "classroom": classroom,
        "labs": labs,
        "all_labs": classroom_labs([classroom.pk]).get(classroom.pk, []),
        "rows": rows,
        "filters": filters,
        "query": request.GET.urlencode(),
    }
    return render_htmx(request, "classrooms/matrix.html", context, "class-matrix")


@instructor_required
@http_methods("GET")
def classroom_matrix_csv(request, pk):
    classroom = _classroom_or_404(request, pk)
    labs, rows = class_matrix(classroom, **_matrix_filters(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="classroom-{classroom.pk}-scores.csv"'
    writer = csv.writer(response)
    header = ["student", "account"]
    for lab in labs:
        header += [f"{lab.slug} score", f"{lab.slug} max", f"{lab.slug} passed"]
    writer.writerow([*header, "total", "max", "percent"])
    for row in rows:
        line = [row["seat"].student.username, row["seat"].account_id]
        for cell in row["cells"]:
            run = cell["run"]
            line += [run.score, run.max_score, "yes" if run.passed else "no"] if run else ["", "", ""]
        writer.writerow([*line, row["score"], row["max_score"], row["percent"]])
    return response


def _seat_or_404(request, pk, seat_id):
    classroom = _classroom_or_404(request, pk)
    return get_object_or_404(
        Seat.objects.select_related("student", "account"), pk=seat_id, classroom=classroom
    )


@instructor_required
@http_methods("POST")
def seat_reset_view(request, pk, seat_id):
    seat = _seat_or_404(request, pk, seat_id)
    try:
        job = seat_reset(seat=seat, person=request.user)
    except ClassroomError as error:
        messages.error(request, error.message)
        return redirect("portal:classroom_matrix", pk=pk)
    messages.success(request, f"Resetting the seat of {seat.student or seat.account_id}.")
    return redirect(f"{reverse('portal:classroom_detail', args=[pk])}#job-{job.pk}")


@instructor_required
@http_methods("GET")
def seat_events(request, pk, seat_id):
    seat = _seat_or_404(request, pk, seat_id)
    page = Paginator(event_list(account=seat.account), 50).get_page(request.GET.get("page"))
    return render(
        request, "classrooms/seat_events.html", {"seat": seat, "classroom": seat.classroom, "page": page}
    )
