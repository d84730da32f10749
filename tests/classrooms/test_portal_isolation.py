"""Tenant isolation of the classroom portal, thought as an attacker: every `portal:` URL of the
resolver, with every method, filled with another classroom's objects, tried by a person with no
role, a student of another classroom and an instructor of another classroom. Each gets 404, 403,
405 or a redirect (never the victim's data), and nothing changes; every form needs its CSRF token; a
seat's console session reaches neither the template account nor another seat."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import IAMUser
from classrooms.models import (
    AccountLink,
    CheckRun,
    Classroom,
    ClassroomLab,
    Invitation,
    Job,
    Lab,
    Seat,
    Template,
)
from console.session import SESSION_KEY
from policies.models import Role
from tests.accounts.factories import AccountFactory
from tests.queries import sign_in

from .factories import ClassroomFactory, InstructorFactory, PersonFactory, SeatFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete", "options")
VICTIM_MARKERS = ("VictimRoom", "VictimTemplate", "VictimLab", "victim-student@example.com")


def portal_patterns(resolver=None, namespace=""):
    """(name, pattern) of every URL in the `portal` and `classrooms` namespaces."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from portal_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name and namespace in ("portal:", "classrooms:"):
            yield f"{namespace}{entry.name}", entry


@pytest.fixture
def victim(db):
    """Ingrid's classroom with a seat of hers, a template, a lab, a job, an invitation and a check run."""
    ingrid = InstructorFactory(email="victim-instructor@example.com")
    account = AccountFactory(name="victim template account")
    AccountLink.objects.create(person=ingrid, account=account)
    template = Template.objects.create(owner=ingrid, name="VictimTemplate", source_account=account)
    lab = Lab.objects.create(owner=ingrid, slug="victim-lab", title="VictimLab", checks=[])
    classroom = ClassroomFactory(instructor=ingrid, name="VictimRoom", template=template)
    ClassroomLab.objects.create(classroom=classroom, lab=lab)
    student = PersonFactory(email="victim-student@example.com")
    seat = SeatFactory(classroom=classroom, student=student)
    IAMUser.objects.create(account=seat.account, name="victims-work")
    job = Job.objects.create(
        classroom=classroom, kind=Job.Kind.PROVISION, total=1, done=1, status=Job.Status.SUCCEEDED
    )
    Invitation.objects.create(classroom=classroom, email="invited@example.com")
    CheckRun.objects.create(seat=seat, lab=lab, score=1, max_score=1, passed=True)
    return {
        "instructor": ingrid,
        "template": template,
        "lab": lab,
        "classroom": classroom,
        "seat": seat,
        "job": job,
        "uidb64": "MQ",
        "token": "bad-token",
        "code": "ZZZZZZZZ",  # the victim's join code is a secret the attacker does not have
    }


def fill(pattern, victim):
    kwargs = {}
    for name in pattern.pattern.converters:
        kwargs[name] = {
            "pk": victim["classroom"].pk,
            "seat_id": victim["seat"].pk,
            "job_id": victim["job"].pk,
            "lab_id": victim["lab"].pk,
            "uidb64": victim["uidb64"],
            "token": victim["token"],
            "code": victim["code"],
        }[name]
    return kwargs


def url_of(name, pattern, victim):
    kwargs = fill(pattern, victim)
    if name.startswith("portal:lab") and "pk" in kwargs:
        kwargs["pk"] = victim["lab"].pk
    if name == "portal:template_delete":
        kwargs["pk"] = victim["template"].pk
    return reverse(name, kwargs=kwargs)


def state():
    """Everything an attacker might change, as comparable values."""
    return (
        list(
            Classroom.objects.values_list(
                "name", "seat_limit", "join_code", "join_enabled", "status", "template_id"
            )
        ),
        list(Seat.objects.values_list("pk", "student_id", "status", "last_reset_at")),
        list(Job.objects.values_list("pk")),
        list(Template.objects.values_list("pk", "name")),
        list(Lab.objects.values_list("pk", "title", "checks")),
        list(ClassroomLab.objects.values_list("classroom_id", "lab_id", "position")),
        list(Invitation.objects.values_list("email")),
        list(AccountLink.objects.values_list("person_id", "account_id")),
        list(CheckRun.objects.values_list("pk")),
        list(IAMUser.objects.values_list("account_id", "name")),
        len(mail.outbox),
    )


ATTACKERS = ("person", "other_student", "other_instructor")


def attacker_client(kind):
    if kind == "person":
        person = PersonFactory(email="mallory@example.com")
    elif kind == "other_student":
        person = PersonFactory(email="other-student@example.com")
        SeatFactory(classroom=ClassroomFactory(name="Other room"), student=person)
    else:
        person = InstructorFactory(email="other-instructor@example.com")
        ClassroomFactory(instructor=person, name="Their own room")
    client = Client()
    client.force_login(person)
    return client, person


# Pages any signed-in person may open, which name nothing of anyone else's.
OWN_PAGES = {
    "portal:home",
    "portal:signup",
    "portal:signin",
    "portal:signout",
    "portal:forgot_password",
    "portal:reset_password",
    "portal:join_code",
    "portal:join_link",
}
# Pages of an instructor's own things (creation forms and lists): 200 for an instructor, 404 for others.
INSTRUCTOR_PAGES = {
    "portal:account_link",
    "portal:template_create",
    "portal:classroom_create",
    "portal:lab_list",
    "portal:lab_create",
}


def test_the_sweep_covers_every_portal_url():
    names = {name for name, _ in portal_patterns()}
    assert len(names) >= 30 and "portal:classroom_matrix" in names and "classrooms:lab_check" in names


@pytest.mark.parametrize("kind", ATTACKERS)
def test_attackers_get_nothing_of_another_classroom_by_any_url_or_method(victim, kind):
    client, person = attacker_client(kind)
    before = state()
    for name, pattern in portal_patterns():
        url = url_of(name, pattern, victim)
        for method in METHODS:
            client.force_login(person)  # sign-out signs out; the sweep goes on signed in
            response = getattr(client, method)(url)
            content = response.content.decode(errors="replace")
            where = f"{kind} {method.upper()} {url}"
            for marker in VICTIM_MARKERS:
                assert marker not in content, where
            assert victim["seat"].account_id not in content, where
            if name in OWN_PAGES or (kind == "other_instructor" and name in INSTRUCTOR_PAGES):
                assert response.status_code < 500, where
            else:
                assert response.status_code in (302, 403, 404, 405), where
    assert state() == before


def test_signed_out_visitors_get_nothing_either(victim):
    before = state()
    client = Client()
    for name, pattern in portal_patterns():
        url = url_of(name, pattern, victim)
        for method in METHODS:
            response = getattr(client, method)(url)
            if name not in OWN_PAGES:
                assert response.status_code in (302, 403, 404, 405), f"{method} {url}"
    assert state() == before


def test_every_form_needs_its_csrf_token(victim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(victim["instructor"])
    for name, pattern in portal_patterns():
        response = client.post(url_of(name, pattern, victim), {})
        assert response.status_code in (403, 405), name
    console = sign_in(Client(enforce_csrf_checks=True), victim["seat"].account)
    response = console.post(reverse("classrooms:lab_check", args=[victim["lab"].pk]))
    assert response.status_code == 403 and CheckRun.objects.count() == 1


def test_a_student_cannot_open_another_students_seat(victim):
    client, _ = attacker_client("other_student")

    response = client.post(reverse("portal:open_console", args=[victim["seat"].pk]))

    assert response.status_code == 404 and SESSION_KEY not in client.session


def test_the_victims_own_student_cannot_see_the_instructor_pages(victim):
    client = Client()
    client.force_login(victim["seat"].student)
    classroom = victim["classroom"]
    for name in ("portal:classroom_detail", "portal:classroom_matrix", "portal:classroom_matrix_csv"):
        assert client.get(reverse(name, args=[classroom.pk])).status_code == 404
    response = client.post(reverse("portal:seat_reset", args=[classroom.pk, victim["seat"].pk]))
    assert response.status_code == 404 and not Job.objects.filter(kind=Job.Kind.RESET_SEAT).exists()


def test_an_instructor_sees_only_their_classrooms(victim):
    client, person = attacker_client("other_instructor")

    home = client.get(reverse("portal:home")).content.decode()

    assert "Their own room" in home and "VictimRoom" not in home
    assert client.get(reverse("portal:classroom_detail", args=[victim["classroom"].pk])).status_code == 404


def test_a_seats_console_reaches_neither_the_template_account_nor_another_seat(victim):
    seat = victim["seat"]
    other_seat = SeatFactory(classroom=victim["classroom"])
    IAMUser.objects.create(account=other_seat.account, name="neighbours-work")
    template_account = victim["template"].source_account
    IAMUser.objects.create(account=template_account, name="template-only-user")
    Role.objects.create(
        account=template_account,
        name="OrganizationAccountAccessRole",
        trust_policy=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::'
            f'{template_account.id}:root"}},"Action":"sts:AssumeRole"}}]}}'
        ),
    )
    console = sign_in(Client(), seat.account)

    users = console.get(reverse("accounts:user_list")).content.decode()
    assert "victims-work" in users
    assert "neighbours-work" not in users and "template-only-user" not in users
    for account in (template_account, other_seat.account):
        console.post(
            reverse("accounts:switch_role"),
            {"account": account.id, "role_name": "OrganizationAccountAccessRole", "display_name": "x"},
        )
        assert console.session[SESSION_KEY].get("role") is None
    assert console.get(reverse("accounts:user_detail", args=["neighbours-work"])).status_code == 404
    assert console.get(reverse("portal:home")).status_code == 302  # a console session is no person
