"""Every refusal of the portal's own services and flows, each with nothing changed."""

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from access import crypto
from accounts.models import MFADevice
from accounts.services.signin import Client
from classrooms.errors import ClassroomError
from classrooms.flows import account_link_verify
from classrooms.models import AccountLink, Classroom, Invitation, Lab, Template
from classrooms.services import people
from tests.accounts.factories import ROOT_PASSWORD, AccountFactory

from .factories import ClassroomFactory, InstructorFactory, PersonFactory, SeatFactory

pytestmark = pytest.mark.django_db

CLIENT = Client(source_ip="198.51.100.7", user_agent="pytest")


def refused(match, call, **kwargs):
    with pytest.raises(ClassroomError, match=match) as caught:
        call(**kwargs)
    return caught.value


def test_person_create_refusals():
    PersonFactory(email="sam@example.com")

    assert refused("valid email", people.person_create, email="nope", password="x").field == "email"
    error = refused(
        "already signed up", people.person_create, email="SAM@example.com", password="Long-Passw0rd-9"
    )
    assert error.field == "email"
    assert (
        refused("too short", people.person_create, email="new@example.com", password="a1").field == "password"
    )
    assert get_user_model().objects.count() == 1


def test_person_password_set_refuses_a_weak_password(student):
    refused("too common", people.person_password_set, person=student, password="password")
    student.refresh_from_db()
    assert student.check_password("Portal-Passw0rd!")


def test_only_instructors_link_accounts_and_create_classrooms(student):
    account = AccountFactory(root_email="own@example.com")

    refused("Only instructors", people.account_link_create, person=student, account=account)
    refused(
        "Only instructors",
        account_link_verify,
        person=student,
        email="own@example.com",
        password=ROOT_PASSWORD,
        mfa_code="",
        client=CLIENT,
    )
    refused(
        "Only instructors",
        people.classroom_save,
        person=student,
        name="X",
        seat_limit=5,
        ends_at=None,
        template=None,
        labs=[],
    )
    refused(
        "Only instructors",
        people.lab_save,
        person=student,
        title="X",
        instructions="",
        checks=[],
        pass_percentage=50,
    )
    assert not AccountLink.objects.exists() and not Classroom.objects.exists() and not Lab.objects.exists()


def test_account_link_verify_refusals(instructor):
    account = AccountFactory(root_email="own@example.com")
    seed = pyotp.random_base32()

    refused(
        "incorrect",
        account_link_verify,
        person=instructor,
        email="own@example.com",
        password="bad",
        mfa_code="",
        client=CLIENT,
    )
    MFADevice.objects.create(
        account=account, name="phone", seed_encrypted=crypto.encrypt(seed), enabled_at=timezone.now()
    )
    error = refused(
        "has MFA",
        account_link_verify,
        person=instructor,
        email="own@example.com",
        password=ROOT_PASSWORD,
        mfa_code="",
        client=CLIENT,
    )
    assert error.field == "mfa_code" and not AccountLink.objects.exists()


def test_template_delete_refusals(instructor, classroom):
    theirs = Template.objects.create(owner=InstructorFactory(), name="Theirs")

    refused("not yours", people.template_delete, person=instructor, template=theirs)
    refused("is used by a classroom", people.template_delete, person=instructor, template=classroom.template)
    assert Template.objects.count() == 2


def _save(person, **changes):
    values = {
        "person": person,
        "name": "IAM 101",
        "seat_limit": 5,
        "ends_at": None,
        "template": None,
        "labs": [],
    }
    return people.classroom_save(**{**values, **changes})


def test_classroom_save_refusals(instructor):
    other = InstructorFactory()
    theirs = Template.objects.create(owner=other, name="Theirs")
    their_lab = Lab.objects.create(owner=other, slug="theirs", title="Theirs")
    their_room = ClassroomFactory(instructor=other)
    closed = ClassroomFactory(instructor=instructor, status=Classroom.Status.CLOSED)
    full = ClassroomFactory(instructor=instructor)
    SeatFactory(classroom=full)
    SeatFactory(classroom=full)

    assert refused("Enter a name", _save, person=instructor, name=" ").field == "name"
    assert refused("between 1 and 500", _save, person=instructor, seat_limit=501).field == "seat_limit"
    assert refused("between 1 and 500", _save, person=instructor, seat_limit=0).field == "seat_limit"
    assert refused("template is not yours", _save, person=instructor, template=theirs).field == "template"
    assert refused("Lab Theirs is not yours", _save, person=instructor, labs=[their_lab]).field == "labs"
    refused("classroom is not yours", _save, person=instructor, classroom=their_room)
    refused("closed", _save, person=instructor, classroom=closed)
    assert (
        refused("already has 2 seats", _save, person=instructor, classroom=full, seat_limit=1).field
        == "seat_limit"
    )
    assert Classroom.objects.filter(instructor=instructor).count() == 2


def test_join_code_and_invitations_refusals(instructor):
    theirs = ClassroomFactory()
    closed = ClassroomFactory(instructor=instructor, status=Classroom.Status.CLOSED)
    code = theirs.join_code

    refused("not yours", people.join_code_renew, person=instructor, classroom=theirs)
    refused(
        "not yours",
        people.invitations_create,
        person=instructor,
        classroom=theirs,
        emails=["a@example.com"],
        join_url="",
    )
    refused(
        "closed",
        people.invitations_create,
        person=instructor,
        classroom=closed,
        emails=["a@example.com"],
        join_url="",
    )
    revoked = ClassroomFactory(instructor=instructor, join_enabled=False)
    refused(
        "Joining is revoked",
        people.invitations_create,
        person=instructor,
        classroom=revoked,
        emails=["a@example.com"],
        join_url="",
    )
    theirs.refresh_from_db()
    assert theirs.join_code == code and not Invitation.objects.exists()


def test_lab_save_and_duplicate_refusals(instructor):
    shipped = Lab.objects.create(owner=None, slug="shipped", title="Shipped")
    theirs = Lab.objects.create(owner=InstructorFactory(), slug="theirs", title="Theirs")
    values = {"person": instructor, "title": "Mine", "instructions": "", "checks": [], "pass_percentage": 80}

    assert refused("Enter a title", people.lab_save, **{**values, "title": ""}).field == "title"
    assert (
        refused("between 0 and 100", people.lab_save, **{**values, "pass_percentage": 101}).field
        == "pass_percentage"
    )
    refused("read-only", people.lab_save, **{**values, "lab": shipped})
    refused("not yours", people.lab_duplicate, person=instructor, lab=theirs)
    copy = people.lab_duplicate(person=instructor, lab=shipped)
    assert copy.owner == instructor and copy.title == "Shipped (copy)" and Lab.objects.count() == 3
    again = people.lab_duplicate(person=instructor, lab=shipped)
    assert again.slug == "shipped-copy-2"
