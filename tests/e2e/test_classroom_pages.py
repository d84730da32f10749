"""Every page of the classroom portal, opened in chromium as its instructor and as a student, each
screenshotted (test-artifacts/classroom-pages-*.png) and checked to render its heading in the portal's
look: the pages a flow test does not reach (forms, editors, a closed classroom, a seat's console)."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from classrooms.models import AccountLink, Classroom, Lab
from classrooms.services.people import classroom_save
from classrooms.services.seats import (
    classroom_close,
    job_run,
    seat_join,
    seats_provision,
    template_create,
)
from tests.classrooms.conftest import build_template_account
from tests.classrooms.factories import PERSON_PASSWORD, InstructorFactory, PersonFactory
from tests.e2e.conftest import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, url, email):
    page.goto(url + "/classroom/signin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PERSON_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Classroom portal")).to_be_visible()


def _visit(page, url, path, heading, name):
    response = page.goto(url + path)
    assert response.status == 200, (path, response.status)
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    # The portal's pages share its header and none shows a server error or a raw template tag.
    assert "{%" not in page.content() and "Server Error" not in page.content()
    save_screenshot(page, f"classroom-pages-{name}")


@pytest.fixture
def classroom_world(db):
    call_command("load_labs", stdout=io.StringIO())
    instructor = InstructorFactory(email="ingrid@example.com")
    account = build_template_account()
    AccountLink.objects.create(person=instructor, account=account)
    template = template_create(person=instructor, account=account, name="IAM basics")
    labs = list(Lab.objects.filter(owner=None).order_by("slug")[:3])
    classroom = classroom_save(
        person=instructor, name="IAM 101", seat_limit=10, ends_at=None, template=template, labs=labs
    )
    job_run(job_id=seats_provision(classroom=classroom, count=2, person=instructor).pk)
    student = PersonFactory(email="sam@example.com")
    seat_join(classroom=classroom, student=student)
    closed = classroom_save(
        person=instructor, name="IAM 100 (spring)", seat_limit=5, ends_at=None, template=None, labs=labs[:1]
    )
    seat_join(classroom=closed, student=student)
    job_run(job_id=classroom_close(classroom=closed, person=instructor).pk)
    own_lab = Lab.objects.create(
        owner=instructor,
        slug="my-lab",
        title="My lab",
        instructions="# My lab\n\nCreate the user **alice**.",
        checks=[{"id": "alice", "type": "user_exists", "user": "alice", "label": "alice exists", "score": 1}],
    )
    return {"classroom": classroom, "closed": closed, "labs": labs, "own_lab": own_lab}


def test_every_portal_page_as_its_instructor(live_server, page, classroom_world):
    url = live_server.url
    classroom, closed = classroom_world["classroom"], classroom_world["closed"]
    seat = classroom.seats.get(student__isnull=False)
    job = classroom.jobs.first()
    base = f"/classroom/classrooms/{classroom.pk}"
    _sign_in(page, url, "ingrid@example.com")
    save_screenshot(page, "classroom-pages-instructor-home")
    pages = [
        ("/classroom/accounts/link/", "Link an account", "account-link"),
        ("/classroom/templates/create/", "Create template", "template-create"),
        ("/classroom/classrooms/create/", "Create classroom", "classroom-create"),
        (f"{base}/", "IAM 101", "classroom-detail"),
        (f"{base}/edit/", "Edit IAM 101", "classroom-edit"),
        (f"{base}/close/", "Close IAM 101?", "classroom-close"),
        (f"{base}/jobs/{job.pk}/", "IAM 101: provision seats", "job"),
        (f"{base}/matrix/", "IAM 101: class view", "matrix"),
        (f"{base}/seats/{seat.pk}/events/", "Event history: sam@example.com", "seat-events"),
        (f"/classroom/classrooms/{closed.pk}/", "IAM 100 (spring)", "closed-classroom"),
        ("/classroom/labs/", "Labs", "lab-list"),
        ("/classroom/labs/create/", "Create lab", "lab-create"),
        (
            f"/classroom/labs/{classroom_world['labs'][0].pk}/",
            classroom_world["labs"][0].title,
            "lab-shipped",
        ),
        (f"/classroom/labs/{classroom_world['own_lab'].pk}/", "My lab", "lab-own"),
        (f"/classroom/labs/{classroom_world['own_lab'].pk}/edit/", "Edit My lab", "lab-edit"),
    ]
    for path, heading, name in pages:
        _visit(page, url, path, heading, name)


def test_every_portal_page_as_a_student(live_server, page, classroom_world):
    url = live_server.url
    classroom = classroom_world["classroom"]
    for path, heading, name in [
        ("/classroom/signin/", "Sign in to the classroom portal", "signin"),
        ("/classroom/signup/", "Sign up for the classroom portal", "signup"),
        ("/classroom/password/forgot/", "Forgot password", "password-forgot"),
    ]:
        _visit(page, url, path, heading, name)
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button").last.click()
    link = re.search(r"http://[^/]+(/classroom/password/reset/\S+)", mail.outbox[-1].body).group(1)
    _visit(page, url, link, "Choose a new password", "password-reset")

    _sign_in(page, url, "sam@example.com")
    expect(page.get_by_test_id("my-seats")).to_contain_text("IAM 101")
    save_screenshot(page, "classroom-pages-student-home")
    _visit(page, url, "/classroom/join/", "Join a classroom", "join-code")
    _visit(page, url, f"/classroom/join/{classroom.join_code}/", "Join a classroom", "join-link")

    # The seat's console: its dashboard, the Labs page, a check run.
    page.goto(url + "/classroom/")
    page.locator("tr", has_text="IAM 101").get_by_test_id("open-console").click()
    expect(page.get_by_role("heading", name="IAM dashboard")).to_be_visible()
    save_screenshot(page, "classroom-pages-seat-dashboard")
    page.get_by_role("link", name="Labs").click()
    expect(page.get_by_role("heading", name="Labs", exact=True)).to_be_visible()
    page.get_by_test_id("check-my-work").first.click()
    expect(page.get_by_test_id("lab-result").first).to_be_visible()
    save_screenshot(page, "classroom-pages-seat-labs-checked")

    # A closed classroom's seat opens read-only.
    closed = classroom_world["closed"]
    page.goto(url + "/classroom/")
    page.locator("tr", has_text="IAM 100 (spring)").get_by_test_id("open-console").click()
    expect(page.get_by_text("This classroom is closed: its console is read-only.")).to_be_visible()
    save_screenshot(page, "classroom-pages-closed-seat-dashboard")
    assert Classroom.objects.get(pk=closed.pk).status == Classroom.Status.CLOSED
