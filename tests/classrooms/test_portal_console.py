"""The console's Labs page of a seat: the classroom's labs with their instructions and "Check my
work" (each check's pass or fail and its hint, never the solution); 404 for any other account."""

import pytest
from django.urls import reverse

from accounts.models import Group, GroupMembership, IAMUser
from classrooms.checks import read_lab_file, shipped_lab_paths, stored_fields
from classrooms.models import CheckRun, ClassroomLab, Lab
from tests.accounts.factories import AccountFactory
from tests.queries import sign_in

from .factories import ClassroomFactory, SeatFactory

pytestmark = pytest.mark.django_db


def shipped(slug):
    for path in shipped_lab_paths():
        data = read_lab_file(path)
        if data["slug"] == slug:
            return Lab.objects.create(owner=None, **stored_fields(data))
    raise LookupError(slug)


@pytest.fixture
def lab(db):
    return shipped("users-and-groups")


@pytest.fixture
def seat(student, instructor, lab):
    classroom = ClassroomFactory(instructor=instructor, name="IAM 101")
    ClassroomLab.objects.create(classroom=classroom, lab=lab, position=0)
    return SeatFactory(classroom=classroom, student=student)


@pytest.fixture
def seat_console(client, seat):
    return sign_in(client, seat.account)


def test_the_labs_page_shows_the_classrooms_labs_rendered(seat_console, lab):
    response = seat_console.get(reverse("classrooms:labs"))

    assert response.status_code == 200
    assert b"Users and groups" in response.content
    assert b"<strong>group</strong>" in response.content  # the Markdown rendered
    assert b"Check my work" in response.content and b"Not checked yet." in response.content


def test_check_my_work_fails_with_hints_then_passes(seat_console, seat, lab):
    url = reverse("classrooms:lab_check", args=[lab.pk])
    IAMUser.objects.create(account=seat.account, name="alice")

    response = seat_console.post(url, follow=True)

    run = CheckRun.objects.get(seat=seat, lab=lab)
    assert not run.passed and run.person == seat.student
    page = response.content.decode()
    assert "Not passed yet" in page and "Hint: User groups → Create group, named developers." in page
    assert 'data-check="alice-exists" data-passed="true"' in page

    account = seat.account
    alice = IAMUser.objects.get(account=account, name="alice")
    developers = Group.objects.create(account=account, name="developers")
    GroupMembership.objects.create(user=alice, group=developers)
    IAMUser.objects.create(account=account, name="Ivan", path="/developers/")
    response = seat_console.post(url, follow=True)

    assert CheckRun.objects.filter(seat=seat, lab=lab).latest("pk").passed
    assert "Passed" in response.content.decode() and "Hint:" not in response.content.decode()


def test_a_lab_of_another_classroom_is_404(seat_console):
    other = shipped("roles-and-trust")

    response = seat_console.post(reverse("classrooms:lab_check", args=[other.pk]))

    assert response.status_code == 404 and not CheckRun.objects.exists()


def test_any_other_account_gets_404(client, seat, lab):
    sign_in(client, AccountFactory())

    assert client.get(reverse("classrooms:labs")).status_code == 404
    assert client.post(reverse("classrooms:lab_check", args=[lab.pk])).status_code == 404
    assert not CheckRun.objects.exists()


def test_an_iam_user_of_the_seat_gets_404(client, seat, lab):
    user = IAMUser.objects.create(account=seat.account, name="helper")
    sign_in(client, seat.account, user)

    assert client.get(reverse("classrooms:labs")).status_code == 404


def test_signed_out_visitors_go_to_the_console_sign_in(client):
    response = client.get(reverse("classrooms:labs"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:signin"))


def test_the_labs_link_shows_only_in_a_seats_console(client, seat):
    sign_in(client, AccountFactory())
    session = client.session
    session["classroom_seat"] = seat.account_id  # left from an earlier Open console
    session.save()

    assert reverse("classrooms:labs").encode() not in client.get(reverse("dashboard")).content


def test_a_seat_being_reset_cannot_be_checked(seat_console, seat, lab):
    seat.status = seat.Status.RESETTING
    seat.save()

    response = seat_console.post(reverse("classrooms:lab_check", args=[lab.pk]))

    assert response.status_code == 422 and b'data-testid="check-error"' in response.content
    assert not CheckRun.objects.exists()
