"""Templates, seats and their jobs (the interface the portal's pages call; see each docstring).

Every function is atomic and raises ClassroomError (classrooms/errors.py) with nothing changed when
it refuses. Jobs are enqueued on commit (access/jobs.py) and run by `classrooms.tasks.run_job`.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, When
from django.utils import timezone

from access.jobs import enqueue_on_commit
from accounts.models import Account
from classrooms.errors import ClassroomError
from classrooms.models import AccountLink, Classroom, Job, Seat, Template
from organizations.models import Membership

from .snapshots import (
    account_empty,
    accounts_delete,
    snapshot_restore,
    snapshot_take,
    system_accounts_create,
)

logger = logging.getLogger(__name__)

RUN_JOB = "classrooms.tasks.run_job"
JOB_CHUNK = 25  # seats per task: a job of 100 seats is four tasks, for as many workers
CLOSED_MESSAGE = "This classroom is closed: its seats are read-only."
TEMPLATE_NAME_MAX = 128
NOT_YOURS = "Only the classroom's instructor can do this."


def template_create(*, person, account, name):
    """Snapshot `account` (users, groups, policies, roles, instance profiles, password policy, and its
    organization when it is a management account) into a new Template owned by `person`. Refused unless
    `person` has an AccountLink to `account`."""
    name = (name or "").strip()
    if not name:
        raise ClassroomError("Enter a name for the template.", field="name")
    if len(name) > TEMPLATE_NAME_MAX:
        raise ClassroomError(
            f"The template's name must be {TEMPLATE_NAME_MAX} characters or fewer.", field="name"
        )
    if not AccountLink.objects.filter(person=person, account=account).exists():
        raise ClassroomError(
            "You can only take a template from an account you linked to your portal login.", field="account"
        )
    with transaction.atomic():
        snapshot, count = snapshot_take(account)
        return Template.objects.create(
            owner=person, name=name, source_account=account, snapshot=snapshot, entity_count=count
        )


# Refusals common to every seat operation


def _check_instructor(classroom, person):
    if classroom.instructor_id != getattr(person, "pk", None):
        raise ClassroomError(NOT_YOURS)


def _check_open(classroom):
    if classroom.status == Classroom.Status.CLOSED:
        raise ClassroomError("This classroom is closed.")
    if classroom.ends_at is not None and classroom.ends_at <= timezone.now():
        raise ClassroomError(f"This classroom ended on {classroom.ends_at:%Y-%m-%d %H:%M} UTC.")


def _locked(classroom):
    """The classroom's row, locked: seat counts and status are decided one request at a time."""
    return Classroom.objects.select_for_update(of=("self",)).select_related("template").get(pk=classroom.pk)


def _seats_create(classroom, count):
    """`count` new seats (PROVISIONING), each with its own empty system account, numbered on."""
    first = classroom.seats.count() + 1
    accounts = system_accounts_create(
        [_seat_name(classroom, number) for number in range(first, first + count)]
    )
    return Seat.objects.bulk_create([Seat(classroom=classroom, account=account) for account in accounts])


def _seat_name(classroom, number):
    suffix = f" seat {number}"
    return classroom.name[: 50 - len(suffix)] + suffix


def seat_join(*, classroom, student):
    """The student's seat in `classroom` (the existing one when they already hold one; else a free READY
    seat assigned to them, or a new one provisioned at once). Refused when the classroom is closed, past
    its end date, or full (seat_limit)."""
    with transaction.atomic():
        classroom = _locked(classroom)
        held = classroom.seats.filter(student=student).first()
        if held is not None:
            return held
        _check_open(classroom)
        free = (
            classroom.seats.filter(student__isnull=True)
            .exclude(status__in=[Seat.Status.FAILED, Seat.Status.CLOSED])
            .order_by(Case(When(status=Seat.Status.READY, then=0), default=1), "created_at")
            .first()
        )
        if free is None:
            if classroom.seats.count() >= classroom.seat_limit:
                raise ClassroomError(f"This classroom is full: all {classroom.seat_limit} seats are taken.")
            (free,) = _seats_create(classroom, 1)
            _seat_restore(free, classroom.template, empty_first=False)
        free.student = student
        free.joined_at = timezone.now()
        free.save(update_fields=["student", "joined_at", "status", "error", "last_reset_at"])
        return free


# Jobs


def _job_create(classroom, kind, person, seats, seat=None):
    job = Job.objects.create(
        classroom=classroom,
        kind=kind,
        seat=seat,
        created_by=person,
        total=len(seats),
        results={str(s.pk): {"status": "pending"} for s in seats},
    )
    enqueue_on_commit(RUN_JOB, str(job.pk))
    return job


def seats_provision(*, classroom, count, person):
    """A PROVISION Job creating `count` seats (up to seat_limit) from the classroom's template."""
    with transaction.atomic():
        classroom = _locked(classroom)
        _check_instructor(classroom, person)
        _check_open(classroom)
        if not isinstance(count, int) or count < 1:
            raise ClassroomError("Enter a number of seats of 1 or more.", field="count")
        free = classroom.seat_limit - classroom.seats.count()
        if count > free:
            raise ClassroomError(
                f"This classroom has room for {free} more seat{'s' if free != 1 else ''} "
                f"(seat limit {classroom.seat_limit}).",
                field="count",
            )
        return _job_create(classroom, Job.Kind.PROVISION, person, _seats_create(classroom, count))


def seat_reset(*, seat, person):
    """A RESET_SEAT Job putting one seat back to the template (atomic)."""
    with transaction.atomic():
        classroom = _locked(seat.classroom)
        _check_instructor(classroom, person)
        _check_open(classroom)
        seat = Seat.objects.select_for_update().get(pk=seat.pk)
        seat.status = Seat.Status.RESETTING
        seat.save(update_fields=["status"])
        return _job_create(classroom, Job.Kind.RESET_SEAT, person, [seat], seat=seat)


def seats_reset_all(*, classroom, person):
    """A RESET_ALL Job resetting every seat, each atomically, reporting per seat in Job.results."""
    with transaction.atomic():
        classroom = _locked(classroom)
        _check_instructor(classroom, person)
        _check_open(classroom)
        seats = list(classroom.seats.all())
        if not seats:
            raise ClassroomError("This classroom has no seats to reset.")
        classroom.seats.update(status=Seat.Status.RESETTING)
        return _job_create(classroom, Job.Kind.RESET_ALL, person, seats)


def _seat_accounts(seats):
    """The seats' accounts and the member accounts of the organizations they manage."""
    ids = [seat.account_id for seat in seats]
    members = Membership.objects.filter(organization__management_account_id__in=ids).values_list(
        "account_id", flat=True
    )
    return Account.objects.filter(pk__in=[*ids, *members])


def classroom_close(*, classroom, person):
    """Close the classroom: its seats refuse every write (clear message, audited refusal) and are removed
    after CLASSROOM_RETENTION_DAYS. Returns the CLOSE Job."""
    with transaction.atomic():
        classroom = _locked(classroom)
        _check_instructor(classroom, person)
        if classroom.status == Classroom.Status.CLOSED:
            raise ClassroomError("This classroom is already closed.")
        classroom.status = Classroom.Status.CLOSED
        classroom.closed_at = timezone.now()
        classroom.join_enabled = False
        classroom.save(update_fields=["status", "closed_at", "join_enabled"])
        seats = list(classroom.seats.all())
        # At once, not when the job runs: from this commit on, no seat accepts a write.
        _seat_accounts(seats).update(write_locked_reason=CLOSED_MESSAGE)
        return _job_create(classroom, Job.Kind.CLOSE, person, seats)


def _seat_restore(seat, template, *, empty_first):
    if empty_first:
        account_empty(seat.account)
    snapshot_restore(
        account=seat.account, snapshot=template.snapshot if template else None, label=seat.account.name
    )
    seat.status = Seat.Status.READY
    seat.error = ""
    seat.last_reset_at = timezone.now()


def _seat_work(job, seat, template):
    """One seat's part of `job`, in the caller's transaction."""
    if job.kind == Job.Kind.CLOSE:
        _seat_accounts([seat]).update(write_locked_reason=CLOSED_MESSAGE)
        seat.status = Seat.Status.CLOSED
        seat.save(update_fields=["status"])
        return
    if seat.classroom.status == Classroom.Status.CLOSED:
        raise ClassroomError(CLOSED_MESSAGE)
    if job.kind == Job.Kind.PROVISION and seat.status not in (Seat.Status.PROVISIONING, Seat.Status.FAILED):
        return  # provisioned already, by a run of this job that delivered twice
    _seat_restore(seat, template, empty_first=job.kind != Job.Kind.PROVISION)
    seat.save(update_fields=["status", "error", "last_reset_at"])


def _classroom_shared(classroom):
    """The classroom's row, read under a shared lock: the seats of one job reset side by side (in
    several workers), while a close, which locks the row for update, waits for them; a seat's work that
    comes after the close sees it closed. (SQLite has no row locks: it writes one transaction at a time.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {Classroom._meta.db_table} WHERE id = %s FOR SHARE", [classroom.pk]
            )
    return Classroom.objects.get(pk=classroom.pk)


def _seat_outcome(job, seat_id, template):
    """One seat's part of `job`, atomic: {"status": "ok"} or {"status": "failed", "error": …}."""
    try:
        with transaction.atomic():
            classroom = _classroom_shared(job.classroom)
            seat = Seat.objects.select_for_update(of=("self",)).select_related("account").get(pk=seat_id)
            seat.classroom = classroom
            _seat_work(job, seat, template)
        return {"status": "ok"}
    except Seat.DoesNotExist:
        return {"status": "failed", "error": "The seat no longer exists."}
    except Exception as error:  # noqa: BLE001 — one seat's failure is reported; the others go on
        logger.exception("classroom job %s: seat %s failed", job.pk, seat_id)
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        Seat.objects.filter(pk=seat_id).update(status=Seat.Status.FAILED, error=message)
        return {"status": "failed", "error": message}


def _record(job_id, seat_id, outcome):
    """A seat's outcome into its Job (row locked: several workers report into one job); the job
    finishes with its last seat."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        job.results[seat_id] = outcome
        statuses = [entry["status"] for entry in job.results.values()]
        job.done = sum(1 for status in statuses if status != "pending")
        if "pending" not in statuses:
            job.status = Job.Status.FAILED if "failed" in statuses else Job.Status.SUCCEEDED
            job.finished_at = timezone.now()
        job.save(update_fields=["results", "done", "status", "finished_at"])


def job_run(*, job_id, seat_ids=None):
    """Run (or run again: what succeeded is not redone) a classroom Job, seat by seat: each seat's work
    is atomic; a seat that fails is FAILED with its error, and the others go on. A job of more than
    JOB_CHUNK seats is shared out as tasks of JOB_CHUNK seats (`seat_ids`), which as many workers run."""
    job = Job.objects.select_related("classroom__template").get(pk=job_id)
    if job.status == Job.Status.SUCCEEDED:
        return job
    if seat_ids is None:
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(of=("self",))
                .select_related("classroom__template")
                .get(pk=job_id)
            )
            seat_ids = [seat_id for seat_id, entry in job.results.items() if entry["status"] != "ok"]
            job.results.update({seat_id: {"status": "pending"} for seat_id in seat_ids})
            job.done = job.total - len(seat_ids)
            job.status = Job.Status.RUNNING
            job.finished_at = None
            job.save(update_fields=["results", "done", "status", "finished_at"])
            if len(seat_ids) > JOB_CHUNK:
                for start in range(0, len(seat_ids), JOB_CHUNK):
                    enqueue_on_commit(RUN_JOB, str(job.pk), seat_ids[start : start + JOB_CHUNK])
                seat_ids = []
    for seat_id in seat_ids:
        if job.results.get(seat_id, {}).get("status") == "ok":
            continue
        _record(job.pk, seat_id, _seat_outcome(job, seat_id, job.classroom.template))
    job.refresh_from_db()
    return job


def closed_seats_purge(*, now=None):
    """Delete the seats' accounts of classrooms closed more than CLASSROOM_RETENTION_DAYS ago; returns
    how many seats went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CLASSROOM_RETENTION_DAYS)
    seats = list(
        Seat.objects.filter(
            classroom__status=Classroom.Status.CLOSED, classroom__closed_at__lt=cutoff
        ).select_related("account")
    )
    for seat in seats:
        with transaction.atomic():
            accounts_delete([seat.account])
    return len(seats)
