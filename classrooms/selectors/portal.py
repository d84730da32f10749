"""Reads of the portal's pages: a person's seats and classrooms, the labs they may use, the class
matrix (the latest check run per seat and lab, in a fixed number of queries)."""

from django.db.models import Count, Max, Q

from classrooms.models import AccountLink, CheckRun, Classroom, ClassroomLab, Lab, Seat, Template


def labs_for(person):
    """Shipped labs and the person's own."""
    return Lab.objects.filter(Q(owner__isnull=True) | Q(owner=person)).order_by("owner_id", "title")


def person_seats(person):
    seats = Seat.objects.filter(student=person).select_related("classroom").order_by("-joined_at")
    seats = list(seats)
    labs = classroom_labs([seat.classroom_id for seat in seats])
    for seat in seats:
        seat.labs = labs.get(seat.classroom_id, [])
    return seats


def classroom_labs(classroom_ids):
    """{classroom id: [Lab, …]} in each classroom's order, in one query."""
    result = {}
    rows = ClassroomLab.objects.filter(classroom_id__in=classroom_ids).select_related("lab")
    for row in rows.order_by("classroom_id", "position", "id"):
        result.setdefault(row.classroom_id, []).append(row.lab)
    return result


def instructor_classrooms(person):
    return Classroom.objects.filter(instructor=person).annotate(
        seat_count=Count("seats", distinct=True),
        student_count=Count("seats", filter=Q(seats__student__isnull=False), distinct=True),
    )


def instructor_templates(person):
    return Template.objects.filter(owner=person).annotate(used=Count("classrooms"))


def instructor_links(person):
    return AccountLink.objects.filter(person=person).select_related("account").order_by("linked_at")


def owned_classroom(person, pk):
    """The classroom if `person` runs it, else None (the views answer 404)."""
    return Classroom.objects.filter(pk=pk, instructor=person).select_related("template").first()


def latest_check_runs(*, classroom=None, seats=None):
    """{(seat id, lab id): CheckRun}: the newest run of each seat and lab, in one query."""
    runs = CheckRun.objects.all()
    runs = runs.filter(seat__classroom=classroom) if classroom is not None else runs.filter(seat__in=seats)
    newest = runs.values("seat_id", "lab_id").annotate(last=Max("pk")).values("last")
    return {(run.seat_id, run.lab_id): run for run in CheckRun.objects.filter(pk__in=newest)}


def class_matrix(classroom, *, student="", lab_id="", sort="name"):
    """Rows (one per seat with a student) of cells (one per lab): the latest run's checks and score."""
    labs = classroom_labs([classroom.pk]).get(classroom.pk, [])
    if lab_id:
        labs = [lab for lab in labs if str(lab.pk) == str(lab_id)]
    seats = classroom.seats.filter(student__isnull=False).select_related("student", "account")
    if student:
        seats = seats.filter(student__username__icontains=student.strip())
    runs = latest_check_runs(classroom=classroom)
    rows = []
    for seat in seats:
        cells, score, max_score = [], 0, 0
        for lab in labs:
            run = runs.get((seat.pk, lab.pk))
            cells.append({"lab": lab, "run": run})
            # A lab not checked yet counts for its points, none earned: checking one lab of three
            # is not 100%.
            score += run.score if run is not None else 0
            max_score += run.max_score if run is not None else lab.max_score
        percent = round(100 * score / max_score) if max_score else 0
        rows.append(
            {"seat": seat, "cells": cells, "score": score, "max_score": max_score, "percent": percent}
        )
    if sort == "score":
        rows.sort(key=lambda row: (-row["percent"], row["seat"].student.username))
    else:
        rows.sort(key=lambda row: row["seat"].student.username)
    return labs, rows
