"""The classroom's "Done when": an instructor creates a classroom from a template account, a student
joins by link, does the users-and-groups lab wrongly, checks (fails with the hint), fixes it, checks
again (passes), the instructor's matrix shows the pass; the instructor resets the seat and the
student's work is gone."""

import pytest
from playwright.sync_api import expect

from access.acting import Acting
from accounts.models import IAMUser
from accounts.services.users import user_create
from classrooms.checks import read_lab_file, shipped_lab_paths, stored_fields
from classrooms.models import Classroom, Lab, Seat
from tests.accounts.factories import ROOT_PASSWORD, AccountFactory
from tests.classrooms.factories import PERSON_PASSWORD, InstructorFactory
from tests.e2e.conftest import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

STUDENT = "sam@example.com"
STUDENT_PASSWORD = "Student-Passw0rd-42"


def _load_lab(slug):
    for path in shipped_lab_paths():
        data = read_lab_file(path)
        if data["slug"] == slug:
            return Lab.objects.get_or_create(owner=None, slug=slug, defaults=stored_fields(data))[0]
    raise LookupError(slug)


def _portal_sign_in(page, url, email, password):
    page.goto(url + "/classroom/signin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_classroom_from_template_to_checked_lab_and_reset(live_server, browser, page, screenshot):
    url = live_server.url
    _load_lab("users-and-groups")
    InstructorFactory(email="ingrid@example.com")
    template_account = AccountFactory(name="Course template", root_email="course@example.com")
    IAMUser.objects.create(account=template_account, name="teacher-example", path="/")

    # The instructor links the template account, takes a template, creates the classroom.
    _portal_sign_in(page, url, "ingrid@example.com", PERSON_PASSWORD)
    expect(page.get_by_role("heading", name="Classroom portal")).to_be_visible()
    page.get_by_role("link", name="Link an account").first.click()
    page.get_by_label("Root user email address").fill("course@example.com")
    page.get_by_label("Root user password").fill(ROOT_PASSWORD)
    screenshot("classroom-01-link-account")
    page.get_by_role("button", name="Link account").click()
    expect(page.get_by_test_id("my-links")).to_contain_text("Course template")
    page.get_by_role("link", name="Create template").first.click()
    page.get_by_label("Template name").fill("IAM basics")
    page.get_by_role("button", name="Create template").click()
    expect(page.get_by_test_id("my-templates")).to_contain_text("IAM basics")
    page.get_by_role("link", name="Create classroom").first.click()
    page.get_by_label("Classroom name").fill("IAM 101")
    page.get_by_label("Seat limit").fill("10")
    page.get_by_label("Template").select_option(label="IAM basics")
    page.get_by_test_id("lab-users-and-groups").check()
    screenshot("classroom-02-create")
    page.get_by_role("button", name="Create classroom").click()
    expect(page.get_by_role("heading", name="IAM 101")).to_be_visible()
    join_url = page.get_by_test_id("join-url").inner_text()
    classroom = Classroom.objects.get(name="IAM 101")
    assert join_url == f"{url}/classroom/join/{classroom.join_code}/"
    screenshot("classroom-03-detail")

    # The student follows the link, signs up on the way, comes back and joins.
    student_context = browser.new_context(viewport={"width": 1280, "height": 800})
    student = student_context.new_page()
    student.set_default_timeout(10_000)
    student.goto(join_url)
    expect(student.get_by_role("heading", name="Sign in to the classroom portal")).to_be_visible()
    student.get_by_test_id("signup-link").click()
    student.get_by_label("Email address").fill(STUDENT)
    student.get_by_label("Password", exact=True).fill(STUDENT_PASSWORD)
    student.get_by_label("Confirm password").fill(STUDENT_PASSWORD)
    student.get_by_role("button", name="Sign up").click()
    expect(student.get_by_role("heading", name="Join a classroom")).to_be_visible()
    save_screenshot(student, "classroom-04-join")
    student.get_by_test_id("join").click()
    expect(student.get_by_test_id("my-seats")).to_contain_text("IAM 101")
    save_screenshot(student, "classroom-05-student-home")
    seat = Seat.objects.get(student__username=STUDENT)
    assert IAMUser.objects.filter(account=seat.account, name="teacher-example").exists()  # the template's

    # Open console: the seat's root user; the lab, done wrongly (no alice in developers).
    student.get_by_test_id("open-console").click()
    expect(student.get_by_role("heading", name="IAM dashboard")).to_be_visible()
    acting = Acting(account=seat.account, user_agent="aws-cli")
    user_create(account=seat.account, name="alice", acting=acting)  # as the student's CLI would
    user_create(account=seat.account, name="Ivan", path="/developers/", acting=acting)
    student.goto(url + "/groups/create/")
    student.get_by_label("User group name").fill("developers")
    student.get_by_role("button", name="Create user group").click()
    expect(student.get_by_role("link", name="developers", exact=True)).to_be_visible()
    student.get_by_role("link", name="Labs").click()
    expect(student.get_by_role("heading", name="Users and groups")).to_be_visible()
    student.get_by_test_id("check-my-work").click()
    expect(student.get_by_test_id("lab-result")).to_have_text("Not passed yet")
    expect(student.get_by_test_id("hint")).to_contain_text('Open the group developers and use "Add users"')
    save_screenshot(student, "classroom-06-check-failed")

    # The fix: alice joins developers; the check passes.
    student.goto(url + "/groups/developers/add-users/")
    student.get_by_role("checkbox", name="alice").check()
    student.get_by_role("button", name="Add users").click()
    student.get_by_role("link", name="Labs").click()
    student.get_by_test_id("check-my-work").click()
    expect(student.get_by_test_id("lab-result")).to_have_text("Passed")
    expect(student.get_by_test_id("hint")).to_have_count(0)
    save_screenshot(student, "classroom-07-check-passed")

    # The instructor's matrix shows the pass; the seat's reset takes the work away.
    page.get_by_test_id("matrix-link").click()
    row = page.locator(f'tr[data-student="{STUDENT}"]')
    expect(row.locator('td[data-lab="users-and-groups"]')).to_contain_text("Passed")
    expect(row).to_contain_text("5/5 (100%)")
    screenshot("classroom-08-matrix")
    row.get_by_test_id("reset-seat").click()
    job = page.get_by_test_id("job").first
    expect(job).to_have_attribute("data-status", "succeeded")
    screenshot("classroom-09-reset")
    assert not IAMUser.objects.filter(account=seat.account, name="alice").exists()

    student.goto(url + "/users/")
    expect(student.get_by_role("link", name="teacher-example")).to_be_visible()
    expect(student.get_by_role("link", name="alice", exact=True)).to_have_count(0)
    student.get_by_role("link", name="Labs").click()
    student.get_by_test_id("check-my-work").click()
    expect(student.get_by_test_id("lab-result")).to_have_text("Not passed yet")
    student_context.close()


def test_the_portals_other_pages(live_server, page, screenshot):
    """Sign-in, an instructor's home, the labs editor with a schema error and its preview, a seat's
    Event history and the close dialog: each page renders in the portal's look."""
    url = live_server.url
    page.goto(url + "/classroom/signin/")
    expect(page.get_by_role("heading", name="Sign in to the classroom portal")).to_be_visible()
    screenshot("classroom-10-signin")
    instructor = InstructorFactory(email="ingrid@example.com")
    classroom = Classroom.objects.create(instructor=instructor, name="IAM 101")
    seat = Seat.objects.create(classroom=classroom, account=AccountFactory(), status=Seat.Status.READY)
    user_create(account=seat.account, name="alice", acting=Acting(account=seat.account, user_agent="aws-cli"))
    _portal_sign_in(page, url, "ingrid@example.com", PERSON_PASSWORD)
    expect(page.get_by_test_id("my-classrooms")).to_contain_text("IAM 101")
    screenshot("classroom-11-instructor-home")

    page.goto(url + "/classroom/labs/create/")
    page.get_by_label("Title").fill("My lab")
    page.get_by_label("Instructions (Markdown)").fill("# Step 1\n\nCreate **alice**.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("lab-preview").get_by_role("heading", name="Step 1")).to_be_visible()
    page.get_by_label("Checks (YAML)").fill(
        "- id: a\n  type: user_exist\n  user: alice\n  label: A\n  score: 1\n"
    )
    page.get_by_role("button", name="Save lab").click()
    expect(page.get_by_text("checks[0].type")).to_be_visible()
    screenshot("classroom-12-lab-editor-error")
    assert not Lab.objects.filter(owner=instructor).exists()

    page.goto(url + f"/classroom/classrooms/{classroom.pk}/seats/{seat.pk}/events/")
    expect(page.get_by_test_id("events")).to_contain_text("CreateUser")
    screenshot("classroom-13-seat-events")
    page.goto(url + f"/classroom/classrooms/{classroom.pk}/close/")
    page.get_by_role("button", name="Close classroom").click()
    expect(page.get_by_text("To confirm closing, enter the classroom name")).to_be_visible()
    screenshot("classroom-14-close")
