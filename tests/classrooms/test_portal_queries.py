"""Query guards of the portal's lists (STYLE habit 10): each page makes as many queries with many rows
as with few."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classrooms.models import AccountLink, ClassroomLab, Job, Lab, Template
from tests.accounts.factories import AccountFactory
from tests.queries import sign_in

from .factories import ClassroomFactory, PersonFactory, SeatFactory

pytestmark = pytest.mark.django_db


def queries(client, url, text):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200 and text in response.content.decode()
    return len(captured.captured_queries)


def assert_constant(client, url, add_row):
    """Queries with 2 rows == queries with 10 rows; add_row(n) makes row n and returns its text."""
    texts = [add_row(n) for n in range(2)]
    few = queries(client, url, texts[-1])
    texts = [add_row(n) for n in range(2, 10)]
    assert queries(client, url, texts[-1]) == few


@pytest.fixture
def teacher(client, instructor):
    client.force_login(instructor)
    return client


def test_home_of_an_instructor(teacher, instructor):
    def add_row(n):
        account = AccountFactory(name=f"linked {n}")
        AccountLink.objects.create(person=instructor, account=account)
        Template.objects.create(owner=instructor, name=f"template {n}")
        classroom = ClassroomFactory(instructor=instructor, name=f"room {n}")
        SeatFactory(classroom=classroom, student=PersonFactory())
        SeatFactory(classroom=ClassroomFactory(name=f"joined {n}"), student=instructor)
        return f"room {n}"

    assert_constant(teacher, reverse("portal:home"), add_row)


def test_lab_list_and_the_classroom_form(teacher, instructor):
    def add_row(n):
        Lab.objects.create(owner=instructor if n % 2 else None, slug=f"lab-{n}", title=f"Lab {n}")
        return f"Lab {n}"

    assert_constant(teacher, reverse("portal:lab_list"), add_row)
    assert queries(teacher, reverse("portal:classroom_create"), "Lab 9") <= 10


def test_classroom_detail(teacher, instructor):
    classroom = ClassroomFactory(instructor=instructor, name="IAM 101")

    def add_row(n):
        seat = SeatFactory(classroom=classroom, student=PersonFactory())
        lab = Lab.objects.create(slug=f"lab-{n}", title=f"Lab {n}")
        ClassroomLab.objects.create(classroom=classroom, lab=lab, position=n)
        Job.objects.create(
            classroom=classroom,
            kind=Job.Kind.RESET_SEAT,
            seat=seat,
            total=1,
            results={str(seat.pk): {"status": "ok"}},
        )
        return f"Lab {n}"

    assert_constant(teacher, reverse("portal:classroom_detail", args=[classroom.pk]), add_row)


def test_the_consoles_labs_page(client, student):
    seat = SeatFactory(student=student)
    sign_in(client, seat.account)

    def add_row(n):
        lab = Lab.objects.create(slug=f"lab-{n}", title=f"Lab {n}", instructions=f"Do **{n}**")
        ClassroomLab.objects.create(classroom=seat.classroom, lab=lab, position=n)
        seat.check_runs.create(
            lab=lab, score=1, max_score=1, passed=True, results=[{"id": "a", "label": "L", "passed": True}]
        )
        return f"Lab {n}"

    assert_constant(client, reverse("classrooms:labs"), add_row)
