"""On PostgreSQL: concurrent joins for the last seat, and the jobs run by a real worker through Redis."""

import threading
import time

import pytest
from django.db import connection

from accounts.models import IAMUser
from classrooms.errors import ClassroomError
from classrooms.models import Job, Seat
from classrooms.services.seats import seat_join, seats_provision
from tests.iamconsole.test_celery_worker import live_worker  # noqa: F401 (the real worker on Redis)

from .factories import PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_students_joining_for_the_last_seat_get_one_seat_between_them(classroom):
    classroom.seat_limit = 1
    classroom.save()
    students = [PersonFactory(), PersonFactory()]
    start = threading.Barrier(2)
    outcomes = []

    def join(student):
        try:
            start.wait()
            outcomes.append(seat_join(classroom=classroom, student=student))
        except ClassroomError as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(student,)) for student in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert Seat.objects.filter(classroom=classroom).count() == 1
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Seat", "str"]
    assert "This classroom is full: all 1 seats are taken." in outcomes


@pytest.mark.usefixtures("live_worker")
def test_a_live_worker_provisions_the_seats_and_reports_its_progress(classroom, instructor):
    job = seats_provision(classroom=classroom, count=3, person=instructor)

    deadline, seen = time.monotonic() + 120, []
    while True:
        job.refresh_from_db()
        seen.append(job.done)
        if job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED):
            break
        assert time.monotonic() < deadline, f"the job did not finish: {job}"
        time.sleep(0.05)

    assert job.status == Job.Status.SUCCEEDED, job.results
    assert seen == sorted(seen) and seen[-1] == 3
    for seat in classroom.seats.all():
        assert seat.status == Seat.Status.READY
        assert IAMUser.objects.filter(account=seat.account_id).count() == 2
