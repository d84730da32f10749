"""Check my work: run a lab's checks against a seat and record the run for the instructor."""

from django.db import transaction

from classrooms.checks import evaluate_lab
from classrooms.errors import ClassroomError
from classrooms.models import CheckRun, ClassroomLab, Seat

NOT_YOURS = "This seat is not yours."
NOT_IN_CLASSROOM = "This lab is not part of this seat's classroom."
NOT_READY = {
    Seat.Status.PROVISIONING: "This seat is still being prepared. Check again in a moment.",
    Seat.Status.RESETTING: "This seat is being reset. Check again in a moment.",
    Seat.Status.FAILED: "This seat could not be prepared. Ask your instructor to reset it.",
}


def passes(*, score, max_score, pass_percentage):
    """Whether `score` of `max_score` reaches `pass_percentage` (whole numbers: no rounding)."""
    return score * 100 >= pass_percentage * max_score


def check_run_create(*, seat, lab, person):
    """Evaluate `lab`'s checks (classrooms/checks) against `seat.account` and save a CheckRun: each
    check's id, label, passed, score and (when failed) hint; never the solution. Refused when the lab is
    not one of the seat's classroom's labs."""
    if person is None or seat.student_id != person.pk:
        raise ClassroomError(NOT_YOURS)
    if not ClassroomLab.objects.filter(classroom_id=seat.classroom_id, lab=lab).exists():
        raise ClassroomError(NOT_IN_CLASSROOM)
    if seat.status in NOT_READY:
        raise ClassroomError(NOT_READY[seat.status])
    results = evaluate_lab(lab.checks, seat.account)
    score = sum(result["score"] for result in results)
    max_score = sum(result["max_score"] for result in results)
    with transaction.atomic():
        return CheckRun.objects.create(
            seat=seat,
            lab=lab,
            person=person,
            score=score,
            max_score=max_score,
            passed=passes(score=score, max_score=max_score, pass_percentage=lab.pass_percentage),
            results=results,
        )
