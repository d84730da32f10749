"""The labs editor: an instructor's own labs (title, Markdown instructions, checks as YAML validated
against the schema); shipped labs are read-only (view, duplicate)."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from classrooms.checks import render_markdown
from classrooms.errors import ClassroomError
from classrooms.forms import LabForm
from classrooms.models import Lab
from classrooms.selectors.portal import labs_for
from classrooms.services.people import lab_duplicate, lab_save
from console.htmx import render_htmx
from console.http import http_methods

from .common import instructor_required


def _visible_lab(request, pk):
    lab = Lab.objects.filter(Q(owner__isnull=True) | Q(owner=request.user), pk=pk).first()
    if lab is None:
        raise Http404
    return lab


def rendered(text):
    return mark_safe(render_markdown(text))  # the renderer escapes raw HTML and unsafe links


@instructor_required
@http_methods("GET")
def lab_list(request):
    return render(request, "classrooms/lab_list.html", {"labs": labs_for(request.user)})


def _lab_form_page(request, lab=None):
    initial = {}
    if lab is not None:
        initial = {
            "title": lab.title,
            "instructions": lab.instructions,
            "checks": LabForm.checks_text(lab),
            "pass_percentage": lab.pass_percentage,
        }
    form = LabForm(request.POST or None, initial=initial)
    preview = ""
    if request.method == "POST" and request.POST.get("action") == "preview":
        preview = rendered(request.POST.get("instructions", ""))
        return render_htmx(
            request, "classrooms/lab_form.html", {"form": form, "lab": lab, "preview": preview}, "lab-preview"
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lab = lab_save(
                person=request.user,
                lab=lab,
                title=data["title"],
                instructions=data["instructions"],
                checks=data["checks"],
                pass_percentage=data["pass_percentage"],
            )
        except ClassroomError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Lab {lab.title} saved.")
            return redirect("portal:lab_detail", pk=lab.pk)
    context = {"form": form, "lab": lab, "preview": preview}
    return render(request, "classrooms/lab_form.html", context, status=422 if form.errors else 200)


@instructor_required
@http_methods("GET", "POST")
def lab_create(request):
    return _lab_form_page(request)


@instructor_required
@http_methods("GET", "POST")
def lab_edit(request, pk):
    lab = _visible_lab(request, pk)
    if lab.owner_id is None:
        raise Http404  # shipped labs are read-only
    return _lab_form_page(request, lab)


@instructor_required
@http_methods("GET")
def lab_detail(request, pk):
    lab = _visible_lab(request, pk)
    context = {"lab": lab, "instructions": rendered(lab.instructions), "checks": LabForm.checks_text(lab)}
    return render(request, "classrooms/lab_detail.html", context)


@instructor_required
@http_methods("POST")
def lab_duplicate_view(request, pk):
    lab = lab_duplicate(person=request.user, lab=_visible_lab(request, pk))
    messages.success(request, f"Lab {lab.title} is yours to edit.")
    return redirect("portal:lab_edit", pk=lab.pk)
