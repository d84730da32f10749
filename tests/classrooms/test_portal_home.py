"""A person's home, Open console (the seat's own student only; a closed classroom's seat opens
read-only) and joining by link or code, with its refusals in plain words."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from classrooms.models import Classroom, Invitation, Seat
from console.session import SESSION_KEY
from tests.accounts.factories import ROOT_PASSWORD, AccountFactory

from .factories import ClassroomFactory, PersonFactory, SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def open_classroom(instructor):
    return ClassroomFactory(instructor=instructor, name="IAM 101", seat_limit=2)


def test_signed_out_visitors_are_sent_to_sign_in_and_back(client):
    response = client.get(reverse("portal:join_link", args=["ABCDEFGH"]))

    assert response.status_code == 302
    assert response["Location"] == "/classroom/signin/?next=%2Fclassroom%2Fjoin%2FABCDEFGH%2F"


def test_home_lists_the_students_seats_with_open_console(sam_client, student, open_classroom):
    SeatFactory(classroom=open_classroom, student=student)
    other = SeatFactory(classroom=open_classroom)  # nobody's

    response = sam_client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert b"IAM 101" in response.content and b"Open console" in response.content
    assert other.account_id.encode() not in response.content
    assert b"My classrooms" not in response.content  # a student is no instructor


def test_home_query_count_does_not_grow_with_seats(sam_client, student, django_assert_max_num_queries):
    for _ in range(2):
        SeatFactory(student=student)
    with django_assert_max_num_queries(20) as few:
        sam_client.get(reverse("portal:home"))
    for _ in range(8):
        SeatFactory(student=student)
    with django_assert_max_num_queries(len(few.captured_queries)):
        sam_client.get(reverse("portal:home"))


def test_open_console_signs_in_as_the_seats_root_user(sam_client, student, open_classroom):
    seat = SeatFactory(classroom=open_classroom, student=student)

    response = sam_client.post(reverse("portal:open_console", args=[seat.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert sam_client.session[SESSION_KEY]["account"] == seat.account_id
    assert sam_client.session[SESSION_KEY]["user"] is None
    dashboard = sam_client.get(reverse("dashboard"))
    assert b"Labs" in dashboard.content and reverse("classrooms:labs").encode() in dashboard.content


def test_a_person_holds_seats_in_several_classrooms_and_keeps_an_account_of_their_own(
    client, sam_client, student, open_classroom, instructor
):
    """Sam's seats in two classrooms each open their own account; Sam's ordinary account (signed up
    with Sam's own email and password) is not a seat and signs in to the console as usual."""
    own = AccountFactory(name="Sam's sandbox", root_email="sam@example.com")
    other_classroom = ClassroomFactory(instructor=instructor, name="IAM 201")
    for classroom in (open_classroom, other_classroom):
        sam_client.post(reverse("portal:join_link", args=[classroom.join_code]))
    seats = {seat.classroom.name: seat for seat in Seat.objects.filter(student=student)}

    home = sam_client.get(reverse("portal:home")).content.decode()

    assert set(seats) == {"IAM 101", "IAM 201"} and seats["IAM 101"].account_id != seats["IAM 201"].account_id
    assert all(seat.account_id in home for seat in seats.values()) and own.id not in home
    for seat in seats.values():
        sam_client.post(reverse("portal:open_console", args=[seat.pk]))
        assert sam_client.session[SESSION_KEY]["account"] == seat.account_id
        assert seat.account.root_email.endswith("@classroom.invalid")
    assert not Seat.objects.filter(account=own).exists()
    console = client.__class__()
    console.post(reverse("accounts:signin"), {"kind": "root", "email": "sam@example.com"})
    response = console.post(reverse("accounts:signin_root_password"), {"password": ROOT_PASSWORD})
    assert response.status_code == 302 and console.session[SESSION_KEY]["account"] == own.id


def test_open_console_is_a_post(sam_client, student, open_classroom):
    seat = SeatFactory(classroom=open_classroom, student=student)

    assert sam_client.get(reverse("portal:open_console", args=[seat.pk])).status_code == 405


def test_another_students_seat_does_not_open(sam_client, open_classroom):
    seat = SeatFactory(classroom=open_classroom, student=PersonFactory())

    response = sam_client.post(reverse("portal:open_console", args=[seat.pk]))

    assert response.status_code == 404 and SESSION_KEY not in sam_client.session


def test_a_seat_being_reset_does_not_open(sam_client, student, open_classroom):
    seat = SeatFactory(classroom=open_classroom, student=student, status=Seat.Status.RESETTING)

    response = sam_client.post(reverse("portal:open_console", args=[seat.pk]), follow=True)

    assert b"Your seat is not ready (resetting)" in response.content and SESSION_KEY not in sam_client.session


def test_a_closed_classrooms_seat_opens_read_only(sam_client, student, open_classroom):
    open_classroom.status = Classroom.Status.CLOSED
    open_classroom.save()
    seat = SeatFactory(classroom=open_classroom, student=student, status=Seat.Status.CLOSED)

    response = sam_client.post(reverse("portal:open_console", args=[seat.pk]), follow=True)

    assert sam_client.session[SESSION_KEY]["account"] == seat.account_id
    assert b"This classroom is closed: its console is read-only." in response.content


def test_join_by_link_gives_a_seat(sam_client, student, open_classroom):
    url = reverse("portal:join_link", args=[open_classroom.join_code])
    assert b"You are joining" in sam_client.get(url).content

    response = sam_client.post(url)

    assert response.status_code == 302
    seat = Seat.objects.get(student=student)
    assert seat.classroom == open_classroom and seat.status == Seat.Status.READY
    assert sam_client.post(url).status_code == 302  # joining twice keeps the one seat
    assert Seat.objects.filter(student=student).count() == 1
    # The link opened again says so, instead of offering to join.
    again = sam_client.get(url)
    assert b'data-testid="seat-held"' in again.content and b'data-testid="join"' not in again.content


def test_join_by_typed_code_in_any_case_accepts_the_invitation(sam_client, student, open_classroom):
    invitation = Invitation.objects.create(classroom=open_classroom, email="SAM@example.com")

    response = sam_client.post(reverse("portal:join_code"), {"code": open_classroom.join_code.lower()})

    assert response.status_code == 302 and Seat.objects.filter(student=student).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == student and invitation.accepted_at is not None


@pytest.mark.parametrize("how", ["link", "code"])
def test_a_bad_or_revoked_code_is_refused_inline(sam_client, student, open_classroom, how):
    open_classroom.join_enabled = False
    open_classroom.save()
    if how == "link":
        response = sam_client.post(reverse("portal:join_link", args=[open_classroom.join_code]))
    else:
        response = sam_client.post(reverse("portal:join_code"), {"code": open_classroom.join_code})

    assert response.status_code == 422 and b"This join code is not valid." in response.content
    assert not Seat.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Classroom.Status.CLOSED}, b"This classroom is closed."),
        ({"ends_at": timezone.now() - datetime.timedelta(days=1)}, b"This classroom ended on"),
        ({"seat_limit": 1}, b"This classroom is full"),
    ],
)
def test_a_closed_ended_or_full_classroom_refuses_joining(sam_client, open_classroom, change, message):
    SeatFactory(classroom=open_classroom, student=PersonFactory())
    Classroom.objects.filter(pk=open_classroom.pk).update(**change)

    response = sam_client.post(reverse("portal:join_link", args=[open_classroom.join_code]))

    assert response.status_code == 422 and message in response.content
    assert Seat.objects.count() == 1
