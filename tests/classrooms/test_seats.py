"""Seats: templates taken from linked accounts, joining, and the provision/reset/close jobs with
their per-seat progress, failures and safe reruns; every refusal a ClassroomError."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.acting import Acting
from accounts.models import Account, IAMUser
from accounts.services.users import user_create
from classrooms.errors import ClassroomError
from classrooms.models import AccountLink, Classroom, Job, Seat
from classrooms.services import seats as services
from classrooms.services.seats import (
    classroom_close,
    job_run,
    seat_join,
    seat_reset,
    seats_provision,
    seats_reset_all,
    template_create,
)
from classrooms.services.snapshots import accounts_delete
from organizations.models import Membership
from policies.models import ManagedPolicy, Role
from tests.accounts.factories import AccountFactory

from .factories import ClassroomFactory, InstructorFactory, PersonFactory


@pytest.fixture
def provisioned(classroom, instructor, django_capture_on_commit_callbacks):
    """Three seats of the classroom, provisioned by their job (run inline on commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        job = seats_provision(classroom=classroom, count=3, person=instructor)
    job.refresh_from_db()
    return job


# Templates


def test_a_template_is_taken_only_from_a_linked_account(instructor, template_account):
    other = AccountFactory()
    with pytest.raises(ClassroomError, match="an account you linked") as refused:
        template_create(person=instructor, account=other, name="Theirs")
    assert refused.value.field == "account"
    AccountLink.objects.create(person=instructor, account=template_account)
    template = template_create(person=instructor, account=template_account, name=" IAM basics ")
    assert (template.name, template.owner, template.source_account) == (
        "IAM basics",
        instructor,
        template_account,
    )
    assert template.entity_count == 19 and template.snapshot["users"]


@pytest.mark.parametrize(
    ("name", "message"), [("  ", "Enter a name"), ("x" * 129, "128 characters or fewer")]
)
def test_a_template_needs_a_short_name(instructor, template_account, name, message):
    AccountLink.objects.create(person=instructor, account=template_account)
    with pytest.raises(ClassroomError, match=message):
        template_create(person=instructor, account=template_account, name=name)


# Provisioning


def test_provisioning_makes_seats_of_system_accounts_holding_the_template(provisioned, classroom):
    assert (provisioned.kind, provisioned.status) == (Job.Kind.PROVISION, Job.Status.SUCCEEDED)
    assert provisioned.done == provisioned.total == 3 and provisioned.finished_at is not None
    seats = list(classroom.seats.select_related("account"))
    assert provisioned.results == {str(seat.pk): {"status": "ok"} for seat in seats}
    assert [seat.account.name for seat in seats] == [f"IAM 101 seat {n}" for n in (1, 2, 3)]
    for seat in seats:
        assert seat.status == Seat.Status.READY and seat.student is None
        assert seat.account.root_email.startswith("seat-") and seat.account.root_email.endswith(
            "@classroom.invalid"
        )
        assert not is_password_usable(seat.account.root_password)
        assert sorted(IAMUser.objects.filter(account=seat.account).values_list("name", flat=True)) == [
            "Ivan",
            "alice",
        ]
        # The seat manages its own copy of the organization; its member account holds the template
        # member account's own entities.
        member = Membership.objects.exclude(account=seat.account).get(
            organization__management_account=seat.account
        )
        assert IAMUser.objects.get(account=member.account).name == "sandbox-dev"
        assert ManagedPolicy.objects.filter(account=member.account, name="sandbox-read").exists()
    assert len({seat.account.root_email for seat in seats}) == 3


@pytest.mark.parametrize(
    ("count", "message"), [(0, "1 or more"), (-2, "1 or more"), (3, "room for 2 more seats")]
)
def test_provisioning_refuses_counts_out_of_bounds(classroom, instructor, count, message):
    classroom.seat_limit = 2
    classroom.save()
    with pytest.raises(ClassroomError, match=message) as refused:
        seats_provision(classroom=classroom, count=count, person=instructor)
    assert refused.value.field == "count"
    assert not classroom.seats.exists() and not Job.objects.exists()


def test_only_the_instructor_provisions_resets_or_closes(provisioned, classroom):
    other = InstructorFactory()
    seat = classroom.seats.first()
    for call in (
        lambda: seats_provision(classroom=classroom, count=1, person=other),
        lambda: seat_reset(seat=seat, person=other),
        lambda: seats_reset_all(classroom=classroom, person=other),
        lambda: classroom_close(classroom=classroom, person=other),
    ):
        with pytest.raises(ClassroomError, match="Only the classroom's instructor"):
            call()
    assert Job.objects.count() == 1 and classroom.seats.count() == 3


def test_an_ended_classroom_refuses_new_seats_and_joins(classroom, instructor, student):
    classroom.ends_at = timezone.now() - timedelta(minutes=1)
    classroom.save()
    with pytest.raises(ClassroomError, match="This classroom ended on"):
        seats_provision(classroom=classroom, count=1, person=instructor)
    with pytest.raises(ClassroomError, match="This classroom ended on"):
        seat_join(classroom=classroom, student=student)


# Joining


def test_joining_takes_a_free_ready_seat_then_returns_it(provisioned, classroom, student):
    seat = seat_join(classroom=classroom, student=student)
    assert seat.student == student and seat.joined_at is not None and seat.status == Seat.Status.READY
    assert seat_join(classroom=classroom, student=student) == seat
    assert classroom.seats.count() == 3


def test_joining_with_no_free_seat_provisions_one_at_once(classroom, student):
    seat = seat_join(classroom=classroom, student=student)
    assert seat.status == Seat.Status.READY and seat.student == student
    assert Role.objects.filter(account=seat.account, name="admins").exists()
    assert seat.account.name == "IAM 101 seat 1"


def test_a_full_classroom_refuses_another_student(classroom, student):
    classroom.seat_limit = 1
    classroom.save()
    seat_join(classroom=classroom, student=student)
    with pytest.raises(ClassroomError, match=r"This classroom is full: all 1 seats are taken\."):
        seat_join(classroom=classroom, student=PersonFactory())


def test_a_closed_classroom_refuses_joins_but_a_seat_holder_still_sees_their_seat(
    provisioned, classroom, instructor, student
):
    held = seat_join(classroom=classroom, student=student)
    classroom_close(classroom=classroom, person=instructor)
    with pytest.raises(ClassroomError, match="This classroom is closed."):
        seat_join(classroom=classroom, student=PersonFactory())
    assert seat_join(classroom=classroom, student=student) == held


# Resets


def test_a_reset_removes_the_students_work_and_restores_the_template(
    provisioned, classroom, instructor, student, django_capture_on_commit_callbacks
):
    seat = seat_join(classroom=classroom, student=student)
    acting = Acting(account=seat.account)
    user_create(account=seat.account, name="student-made", acting=acting)
    IAMUser.objects.get(account=seat.account, name="Ivan").delete()
    ManagedPolicy.objects.filter(account=seat.account, name="allow-s3-read").delete()
    member = Membership.objects.exclude(account=seat.account).get(
        organization__management_account=seat.account
    )
    IAMUser.objects.filter(account=member.account).delete()  # the student's work in the member account

    with django_capture_on_commit_callbacks(execute=True):
        job = seat_reset(seat=seat, person=instructor)

    job.refresh_from_db()
    seat.refresh_from_db()
    assert (job.kind, job.status, job.seat, job.done, job.total) == (
        Job.Kind.RESET_SEAT,
        Job.Status.SUCCEEDED,
        seat,
        1,
        1,
    )
    assert sorted(IAMUser.objects.filter(account=seat.account).values_list("name", flat=True)) == [
        "Ivan",
        "alice",
    ]
    assert ManagedPolicy.objects.filter(account=seat.account, name="allow-s3-read").exists()
    assert seat.status == Seat.Status.READY and seat.last_reset_at is not None and seat.student == student
    new_member = Membership.objects.exclude(account=seat.account).get(
        organization__management_account=seat.account
    )
    assert IAMUser.objects.get(account=new_member.account).name == "sandbox-dev"


def test_reset_all_reports_per_seat_and_a_rerun_finishes_only_what_failed(
    provisioned, classroom, instructor, django_capture_on_commit_callbacks
):
    broken, *others = classroom.seats.select_related("account")
    # A row squatting on the ARN the template's policy takes in `broken` makes its restore fail.
    arn = f"arn:aws:iam::{broken.account_id}:policy/allow-s3-read"
    ManagedPolicy.objects.filter(arn=arn).update(arn=f"{arn}-moved")
    squatter = ManagedPolicy.objects.create(
        account=AccountFactory(),
        name="squatter",
        arn=arn,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    for seat in others:
        user_create(account=seat.account, name="student-made", acting=Acting(account=seat.account))

    with django_capture_on_commit_callbacks(execute=True):
        job = seats_reset_all(classroom=classroom, person=instructor)

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.FAILED, 3, 3)
    assert job.results[str(broken.pk)]["status"] == "failed"
    assert "UNIQUE" in job.results[str(broken.pk)]["error"].upper()
    broken.refresh_from_db()
    assert broken.status == Seat.Status.FAILED and broken.error == job.results[str(broken.pk)]["error"]
    # The failed seat's reset rolled back as a whole: its earlier content is still there.
    assert IAMUser.objects.filter(account=broken.account).count() == 2
    for seat in others:
        assert job.results[str(seat.pk)] == {"status": "ok"}
        assert not IAMUser.objects.filter(account=seat.account, name="student-made").exists()

    # Run again once the cause is gone: the failed seat is reset, the others are left alone.
    squatter.delete()
    user_create(account=others[0].account, name="after-the-reset", acting=Acting(account=others[0].account))
    job = job_run(job_id=job.pk)
    assert job.status == Job.Status.SUCCEEDED and all(r == {"status": "ok"} for r in job.results.values())
    broken.refresh_from_db()
    assert broken.status == Seat.Status.READY and broken.error == ""
    assert IAMUser.objects.filter(account=others[0].account, name="after-the-reset").exists()
    assert job_run(job_id=job.pk).status == Job.Status.SUCCEEDED  # a finished job runs as a no-op


def test_a_seat_deleted_before_its_job_runs_is_reported(classroom, instructor, provisioned):
    seat = classroom.seats.first()
    job = seats_reset_all(classroom=classroom, person=instructor)
    accounts_delete([seat.account])
    job = job_run(job_id=job.pk)
    assert job.status == Job.Status.FAILED
    assert job.results[str(seat.pk)] == {"status": "failed", "error": "The seat no longer exists."}


def test_reset_all_of_a_classroom_without_seats_is_refused(classroom, instructor):
    with pytest.raises(ClassroomError, match="no seats to reset"):
        seats_reset_all(classroom=classroom, person=instructor)


def test_a_job_queued_before_the_close_does_not_reset_a_closed_seat(provisioned, classroom, instructor):
    seat = classroom.seats.first()
    job = seat_reset(seat=seat, person=instructor)
    classroom_close(classroom=classroom, person=instructor)
    job = job_run(job_id=job.pk)
    assert job.results[str(seat.pk)] == {"status": "failed", "error": services.CLOSED_MESSAGE}


def test_resets_and_provisioning_of_a_closed_classroom_are_refused(provisioned, classroom, instructor):
    classroom_close(classroom=classroom, person=instructor)
    for call in (
        lambda: seats_provision(classroom=classroom, count=1, person=instructor),
        lambda: seat_reset(seat=classroom.seats.first(), person=instructor),
        lambda: seats_reset_all(classroom=classroom, person=instructor),
    ):
        with pytest.raises(ClassroomError, match="This classroom is closed."):
            call()
    with pytest.raises(ClassroomError, match="already closed"):
        classroom_close(classroom=classroom, person=instructor)


# Closing and the purge


def test_closing_locks_every_seat_account_and_its_members_at_once(
    provisioned, classroom, instructor, django_capture_on_commit_callbacks
):
    seat_accounts = [seat.account_id for seat in classroom.seats.all()]
    with django_capture_on_commit_callbacks(execute=True):
        job = classroom_close(classroom=classroom, person=instructor)
    job.refresh_from_db()
    classroom.refresh_from_db()
    assert classroom.status == Classroom.Status.CLOSED and classroom.closed_at and not classroom.join_enabled
    assert (job.kind, job.status, job.done) == (Job.Kind.CLOSE, Job.Status.SUCCEEDED, 3)
    assert set(classroom.seats.values_list("status", flat=True)) == {Seat.Status.CLOSED}
    locked = Account.objects.exclude(write_locked_reason="")
    # Each seat and the member account of its organization.
    assert locked.count() == 6 and set(seat_accounts) <= set(locked.values_list("pk", flat=True))
    assert set(locked.values_list("write_locked_reason", flat=True)) == {services.CLOSED_MESSAGE}


def test_the_purge_deletes_seats_of_classrooms_closed_past_the_retention(
    provisioned, classroom, instructor, settings
):
    settings.CLASSROOM_RETENTION_DAYS = 30
    kept = ClassroomFactory(instructor=instructor, template=classroom.template)
    seats_provision(classroom=kept, count=1, person=instructor)
    classroom_close(classroom=classroom, person=instructor)
    classroom_close(classroom=kept, person=instructor)
    Classroom.objects.filter(pk=classroom.pk).update(closed_at=timezone.now() - timedelta(days=31))
    Classroom.objects.filter(pk=kept.pk).update(closed_at=timezone.now() - timedelta(days=29))
    accounts_before = Account.objects.count()

    from classrooms.tasks import purge_closed

    assert purge_closed() == 3
    assert not classroom.seats.exists() and kept.seats.count() == 1
    # Each purged seat took its member account with it.
    assert Account.objects.count() == accounts_before - 6
    assert Classroom.objects.filter(pk=classroom.pk).exists()


def test_a_provision_delivered_twice_leaves_the_seats_as_provisioned(provisioned, classroom):
    """Celery may deliver a task twice: the second run finds the seats provisioned and adds nothing."""
    Job.objects.filter(pk=provisioned.pk).update(
        status=Job.Status.RUNNING, results={seat_id: {"status": "pending"} for seat_id in provisioned.results}
    )
    job = job_run(job_id=provisioned.pk)
    assert job.status == Job.Status.SUCCEEDED
    for seat in classroom.seats.all():
        assert IAMUser.objects.filter(account=seat.account_id).count() == 2


def test_a_reset_clears_the_account_alias(provisioned, classroom, instructor):
    seat = classroom.seats.first()
    Account.objects.filter(pk=seat.account_id).update(alias="students-own-alias")
    job_run(job_id=seat_reset(seat=seat, person=instructor).pk)
    assert Account.objects.get(pk=seat.account_id).alias is None


@pytest.mark.parametrize(("kind", "most"), [("provision", 40), ("reset", 190)])
def test_a_jobs_queries_grow_by_a_fixed_few_per_seat(template, instructor, kind, most):
    """Bulk writes: each seat adds the same few queries to its job, whatever the seat count."""
    counts = []
    for count in (1, 2, 3):
        classroom = ClassroomFactory(instructor=instructor, template=template)
        job = seats_provision(classroom=classroom, count=count, person=instructor)
        if kind == "reset":
            job_run(job_id=job.pk)
            job = seats_reset_all(classroom=classroom, person=instructor)
        with CaptureQueriesContext(connection) as queries:
            job_run(job_id=job.pk)
        counts.append(len(queries))
    per_seat = counts[1] - counts[0]
    assert counts[2] - counts[1] == per_seat, counts
    assert per_seat <= most, counts


def test_a_classroom_without_a_template_gives_empty_seats(instructor, student):
    classroom = ClassroomFactory(instructor=instructor, template=None)
    seat = seat_join(classroom=classroom, student=student)
    assert seat.status == Seat.Status.READY and not IAMUser.objects.filter(account=seat.account).exists()
    user_create(account=seat.account, name="mine", acting=Acting(account=seat.account))
    job = job_run(job_id=seat_reset(seat=seat, person=instructor).pk)
    assert job.status == Job.Status.SUCCEEDED and not IAMUser.objects.filter(account=seat.account).exists()


def test_a_large_job_is_shared_out_as_tasks_of_a_few_seats(
    classroom, instructor, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "JOB_CHUNK", 2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = seats_provision(classroom=classroom, count=5, person=instructor)
    # The job's own task, then its three shares (2, 2 and 1 seats).
    assert len(callbacks) == 4
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.SUCCEEDED, 5, 5)
    assert set(classroom.seats.values_list("status", flat=True)) == {Seat.Status.READY}
