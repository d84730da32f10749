"""Instructors' pages: linking an account (root email, password and MFA code, checked without signing
in), templates, classrooms (labs in order, join code, jobs with their polling progress, closing with a
typed confirmation, invitations from a CSV), the class matrix, its CSV, a seat's reset and events."""

import csv
import io
import re

import pyotp
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access import crypto
from accounts.models import AuditEvent, IAMUser, MFADevice
from classrooms.forms import TemplateForm
from classrooms.models import (
    AccountLink,
    CheckRun,
    Classroom,
    ClassroomLab,
    Invitation,
    Job,
    Lab,
    Template,
)
from tests.accounts.factories import ROOT_PASSWORD, AccountFactory

from .factories import ClassroomFactory, InstructorFactory, PersonFactory, SeatFactory

pytestmark = pytest.mark.django_db

POLL = {"HX-Request": "true"}  # the job panel's own polling


@pytest.fixture
def teacher(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def room(instructor):
    return ClassroomFactory(instructor=instructor, name="IAM 101", seat_limit=40)


def lab(slug, owner=None, checks=2):
    return Lab.objects.create(
        owner=owner,
        slug=slug,
        title=slug.replace("-", " ").title(),
        instructions=f"# {slug}\n\nDo *it*.",
        checks=[
            {"id": f"c{n}", "type": "user_exists", "user": f"u{n}", "label": f"User u{n}", "score": 1}
            for n in range(checks)
        ],
    )


# --- linking accounts -------------------------------------------------------------------------------


def test_a_student_cannot_open_instructor_pages(client, student):
    client.force_login(student)

    for name in (
        "portal:account_link",
        "portal:template_create",
        "portal:classroom_create",
        "portal:lab_list",
    ):
        assert client.get(reverse(name)).status_code == 404


def test_link_an_account_with_its_root_password(teacher, instructor):
    account = AccountFactory(root_email="own@example.com")

    response = teacher.post(
        reverse("portal:account_link"), {"email": "OWN@example.com", "password": ROOT_PASSWORD}
    )

    assert response.status_code == 302
    assert AccountLink.objects.filter(person=instructor, account=account).exists()
    assert "iam_principal" not in teacher.session  # the root user was not signed in


def test_a_wrong_root_password_links_nothing(teacher):
    AccountFactory(root_email="own@example.com")

    response = teacher.post(reverse("portal:account_link"), {"email": "own@example.com", "password": "nope"})

    assert response.status_code == 422
    assert b"Your authentication information is incorrect." in response.content
    assert not AccountLink.objects.exists()


def test_a_root_user_with_mfa_needs_its_code(teacher, instructor):
    account = AccountFactory(root_email="own@example.com")
    seed = pyotp.random_base32()
    MFADevice.objects.create(
        account=account,
        user=None,
        name="root-phone",
        seed_encrypted=crypto.encrypt(seed),
        enabled_at=timezone.now(),
    )
    url = reverse("portal:account_link")
    data = {"email": "own@example.com", "password": ROOT_PASSWORD}

    response = teacher.post(url, data)
    assert response.status_code == 422 and b"This root user has MFA" in response.content
    response = teacher.post(
        url, {**data, "mfa_code": "000000" if pyotp.TOTP(seed).now() != "000000" else "111111"}
    )
    assert response.status_code == 422 and b"Enter the current code from your MFA device." in response.content
    assert not AccountLink.objects.exists()

    response = teacher.post(url, {**data, "mfa_code": pyotp.TOTP(seed).now()})
    assert (
        response.status_code == 302
        and AccountLink.objects.filter(person=instructor, account=account).exists()
    )


# --- templates --------------------------------------------------------------------------------------


def test_create_a_template_from_a_linked_account_and_delete_it(teacher, instructor):
    account = AccountFactory()
    IAMUser.objects.create(account=account, name="alice")
    AccountLink.objects.create(person=instructor, account=account)

    response = teacher.post(reverse("portal:template_create"), {"name": "Basics", "account": account.id})

    assert response.status_code == 302
    template = Template.objects.get(owner=instructor)
    assert template.name == "Basics" and template.entity_count >= 1
    home = teacher.get(reverse("portal:home"))
    assert b"Basics" in home.content
    assert teacher.post(reverse("portal:template_delete", args=[template.pk])).status_code == 302
    assert not Template.objects.exists()


def test_a_template_cannot_come_from_an_account_not_linked(teacher):
    account = AccountFactory()

    response = teacher.post(reverse("portal:template_create"), {"name": "Basics", "account": account.id})

    assert response.status_code == 422 and not Template.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", b"This field is required."),
        ({"name": "   "}, "name", b"This field is required."),
        ({"name": "x" * 129}, "name", b"Ensure this value has at most 128 characters (it has 129)."),
        ({"account": ""}, "account", b"This field is required."),
        ({"account": "000000000000"}, "account", b"Select a valid choice."),
    ],
)
def test_bad_input_to_create_a_template_is_refused_inline_and_creates_nothing(
    teacher, instructor, data, field, message
):
    account = AccountFactory()
    AccountLink.objects.create(person=instructor, account=account)

    response = teacher.post(
        reverse("portal:template_create"), {"name": "Basics", "account": account.id, **data}
    )

    assert response.status_code == 422
    # The error is shown under its own field, and the form keeps the linked account to choose.
    at_field = rf'class="field has-error">\s*<label for="id_{field}".*?<p class="field-error" role="alert">'
    assert re.search(at_field.encode() + re.escape(message), response.content, re.S)
    assert f'<option value="{account.id}"'.encode() in response.content
    assert not Template.objects.exists()


def test_an_account_unlinked_while_the_template_is_taken_is_refused_inline(teacher, instructor, monkeypatch):
    """The service's own check: the link went (its account was deleted) after the form listed it."""
    account = AccountFactory()
    AccountLink.objects.create(person=instructor, account=account)
    clean_account = TemplateForm.clean_account

    def unlinked_meanwhile(form):
        chosen = clean_account(form)
        AccountLink.objects.filter(account=chosen).delete()
        return chosen

    monkeypatch.setattr(TemplateForm, "clean_account", unlinked_meanwhile)

    response = teacher.post(reverse("portal:template_create"), {"name": "Basics", "account": account.id})

    assert response.status_code == 422
    assert (
        b"You can only take a template from an account you linked to your portal login." in response.content
    )
    assert not Template.objects.exists()


def test_a_template_in_use_is_not_deleted(teacher, instructor, room):
    template = Template.objects.create(owner=instructor, name="Used")
    room.template = template
    room.save()

    response = teacher.post(reverse("portal:template_delete", args=[template.pk]), follow=True)

    assert b"is used by a classroom" in response.content and Template.objects.filter(pk=template.pk).exists()


def test_another_instructors_template_is_404(teacher):
    template = Template.objects.create(owner=InstructorFactory(), name="Theirs")

    assert teacher.post(reverse("portal:template_delete", args=[template.pk])).status_code == 404
    assert Template.objects.filter(pk=template.pk).exists()


# --- classrooms -------------------------------------------------------------------------------------


def test_create_a_classroom_with_labs_in_the_chosen_order(teacher, instructor):
    first, second = lab("users-and-groups"), lab("roles", owner=instructor)
    template = Template.objects.create(owner=instructor, name="Basics")
    data = {"name": "IAM 101", "seat_limit": 25, "template": template.pk, "lab": [second.pk, first.pk]}

    response = teacher.post(reverse("portal:classroom_create"), data)

    classroom = Classroom.objects.get()
    assert response["Location"] == reverse("portal:classroom_detail", args=[classroom.pk])
    assert (
        classroom.instructor == instructor and classroom.seat_limit == 25 and classroom.template == template
    )
    assert [row.lab for row in ClassroomLab.objects.filter(classroom=classroom)] == [second, first]

    data[f"position-{first.pk}"], data[f"position-{second.pk}"] = "1", "2"
    teacher.post(reverse("portal:classroom_edit", args=[classroom.pk]), data)
    assert [row.lab for row in ClassroomLab.objects.filter(classroom=classroom)] == [first, second]
    page = teacher.get(response["Location"])
    assert classroom.join_code.encode() in page.content and b"/classroom/join/" in page.content


def test_another_instructors_lab_or_template_cannot_be_chosen(teacher):
    other = InstructorFactory()
    theirs = lab("theirs", owner=other)
    their_template = Template.objects.create(owner=other, name="Theirs")

    response = teacher.post(
        reverse("portal:classroom_create"), {"name": "X", "seat_limit": 5, "lab": [theirs.pk]}
    )
    assert response.status_code == 422 and b"Choose labs from the list." in response.content
    response = teacher.post(
        reverse("portal:classroom_create"), {"name": "X", "seat_limit": 5, "template": their_template.pk}
    )
    assert response.status_code == 422
    assert not Classroom.objects.exists()


def test_edit_a_classroom(teacher, room):
    response = teacher.post(
        reverse("portal:classroom_edit", args=[room.pk]), {"name": "IAM 102", "seat_limit": 3}
    )

    assert response.status_code == 302
    room.refresh_from_db()
    assert room.name == "IAM 102" and room.seat_limit == 3


def test_the_seat_limit_cannot_go_under_the_seats(teacher, room):
    for _ in range(3):
        SeatFactory(classroom=room)

    response = teacher.post(
        reverse("portal:classroom_edit", args=[room.pk]), {"name": "IAM 101", "seat_limit": 2}
    )

    assert response.status_code == 422 and b"already has 3 seats" in response.content
    room.refresh_from_db()
    assert room.seat_limit == 40


def test_revoke_then_issue_a_new_join_code(teacher, room):
    old = room.join_code
    url = reverse("portal:classroom_join_code", args=[room.pk])

    teacher.post(url, {"action": "revoke"})
    room.refresh_from_db()
    assert not room.join_enabled and room.join_code != old
    teacher.post(url, {"action": "renew"})
    room.refresh_from_db()
    assert room.join_enabled


def test_provision_seats_shows_the_jobs_progress(teacher, room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as enqueued:
        response = teacher.post(reverse("portal:classroom_provision", args=[room.pk]), {"count": 3})
    assert response.status_code == 302
    job = Job.objects.get(classroom=room, kind=Job.Kind.PROVISION)
    url = reverse("portal:job_progress", args=[room.pk, job.pk])
    waiting = teacher.get(url, headers=POLL)
    assert b'hx-trigger="every 1s"' in waiting.content and b"0 of 3" in waiting.content
    detail = teacher.get(reverse("portal:classroom_detail", args=[room.pk]))
    assert f'id="job-{job.pk}"'.encode() in detail.content

    for callback in enqueued:
        callback()
    assert room.seats.count() == 3
    progress = teacher.get(reverse("portal:job_progress", args=[room.pk, job.pk]), headers=POLL)
    assert progress.status_code == 200
    assert b"3 of 3" in progress.content and b"every 1s" not in progress.content  # finished: polling stops
    assert progress.content.count(b'data-result="ok"') == 3
    assert not progress.content.lstrip().startswith(b"<!doctype html>")  # the panel alone


def test_a_jobs_address_opened_without_htmx_is_a_portal_page(teacher, room):
    job = Job.objects.create(
        classroom=room, kind=Job.Kind.PROVISION, total=2, done=2, status=Job.Status.SUCCEEDED
    )

    response = teacher.get(reverse("portal:job_progress", args=[room.pk, job.pk]))

    assert response.status_code == 200 and response.content.lstrip().startswith(b"<!doctype html>")
    assert b"<h1>IAM 101: provision seats</h1>" in response.content
    assert f'id="job-{job.pk}"'.encode() in response.content and b"2 of 2" in response.content


def test_a_running_job_polls_every_second(teacher, room):
    job = Job.objects.create(
        classroom=room, kind=Job.Kind.RESET_ALL, total=4, done=1, status=Job.Status.RUNNING
    )

    response = teacher.get(reverse("portal:job_progress", args=[room.pk, job.pk]), headers=POLL)

    assert b'hx-trigger="every 1s"' in response.content and b"1 of 4" in response.content


def test_provisioning_past_the_limit_is_refused_inline(teacher, room):
    response = teacher.post(reverse("portal:classroom_provision", args=[room.pk]), {"count": 41})

    assert response.status_code == 422 and not room.seats.exists() and not Job.objects.exists()


def test_reset_all_reports_per_seat(teacher, room, django_capture_on_commit_callbacks):
    seats = [SeatFactory(classroom=room) for _ in range(2)]

    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("portal:classroom_reset_all", args=[room.pk]))

    job = Job.objects.get(kind=Job.Kind.RESET_ALL)
    assert set(job.results) == {str(seat.pk) for seat in seats}
    assert {result["status"] for result in job.results.values()} == {"ok"}


def test_reset_all_of_no_seats_is_refused_inline(teacher, room):
    response = teacher.post(reverse("portal:classroom_reset_all", args=[room.pk]))

    assert response.status_code == 422 and b"has no seats to reset" in response.content


def test_closing_needs_the_typed_name(teacher, room, django_capture_on_commit_callbacks):
    url = reverse("portal:classroom_close", args=[room.pk])
    assert teacher.get(url).status_code == 200

    response = teacher.post(url, {"confirm": "IAM"})
    assert response.status_code == 422 and b"To confirm closing, enter the classroom name" in response.content
    room.refresh_from_db()
    assert room.status == Classroom.Status.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        assert teacher.post(url, {"confirm": "IAM 101"}).status_code == 302
    room.refresh_from_db()
    assert room.status == Classroom.Status.CLOSED
    detail = teacher.get(reverse("portal:classroom_detail", args=[room.pk])).content.decode()
    assert f"Closed on {room.closed_at:%Y-%m-%d %H:%M} UTC" in detail
    assert "deleted 30 days after closing" in detail


def test_invite_students_from_a_csv(teacher, room, django_capture_on_commit_callbacks):
    Invitation.objects.create(classroom=room, email="old@example.com")
    upload = SimpleUploadedFile(
        "class.csv", b"email\nAnn@Example.com\nnot-an-email\nbob@example.com\nold@example.com\n", "text/csv"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = teacher.post(reverse("portal:classroom_invite", args=[room.pk]), {"file": upload})

    assert response.status_code == 200
    assert b"2 invitations sent; 1 already invited" in response.content
    assert b"row 3 \xe2\x80\x9cnot-an-email\xe2\x80\x9d" in response.content
    assert sorted(message.to[0] for message in mail.outbox) == ["ann@example.com", "bob@example.com"]
    assert f"/classroom/join/{room.join_code}/" in mail.outbox[0].body
    assert Invitation.objects.filter(classroom=room).count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", b"The submitted file is empty."),
        (b"\xff\xfe\x00", b"not UTF-8"),
        (b"email\n", b"holds no email"),
    ],
)
def test_a_bad_csv_invites_nobody(teacher, room, content, message):
    upload = SimpleUploadedFile("class.csv", content, "text/csv")

    response = teacher.post(reverse("portal:classroom_invite", args=[room.pk]), {"file": upload})

    assert response.status_code == 422 and message in response.content
    assert not Invitation.objects.exists() and not mail.outbox


# --- the class matrix -------------------------------------------------------------------------------


def _students(room, labs, count, start=0):
    for number in range(start, start + count):
        seat = SeatFactory(classroom=room, student=PersonFactory(email=f"student{number:02}@example.com"))
        for index, each in enumerate(labs):
            passed = (number + index) % 2 == 0
            CheckRun.objects.create(seat=seat, lab=each, score=0, max_score=2)  # an older run
            CheckRun.objects.create(
                seat=seat,
                lab=each,
                score=2 if passed else 1,
                max_score=2,
                passed=passed,
                results=[
                    {"id": "c0", "label": "User u0", "passed": True, "score": 1},
                    {"id": "c1", "label": "User u1", "passed": passed, "score": 1, "hint": "Create u1"},
                ],
            )


def _matrix_queries(teacher, room):
    with CaptureQueriesContext(connection) as queries:
        response = teacher.get(reverse("portal:classroom_matrix", args=[room.pk]))
    assert response.status_code == 200
    return len(queries.captured_queries), response


def test_the_matrixs_query_count_is_the_same_for_3_and_30_students(
    teacher, room, django_assert_max_num_queries
):
    labs = [lab("users-and-groups"), lab("roles")]
    for position, each in enumerate(labs):
        ClassroomLab.objects.create(classroom=room, lab=each, position=position)
    _students(room, labs, 3)
    few, response = _matrix_queries(teacher, room)
    assert response.content.count(b"data-student=") == 3
    _students(room, labs, 27, start=3)
    many, response = _matrix_queries(teacher, room)
    assert response.content.count(b"data-student=") == 30
    assert few == many


def test_the_matrix_shows_the_latest_run_and_filters_and_sorts(teacher, room):
    labs = [lab("users-and-groups"), lab("roles")]
    for position, each in enumerate(labs):
        ClassroomLab.objects.create(classroom=room, lab=each, position=position)
    _students(room, labs, 3)
    url = reverse("portal:classroom_matrix", args=[room.pk])

    page = teacher.get(url).content.decode()
    assert page.count("Passed") >= 3 and "2/2" in page and 'hx-trigger="every 5s"' in page
    only = teacher.get(url, {"student": "student01"}).content.decode()
    assert only.count("data-student=") == 1
    one_lab = teacher.get(url, {"lab": labs[1].pk}).content.decode()
    assert 'data-lab="roles"' in one_lab and 'data-lab="users-and-groups"' not in one_lab
    by_score = teacher.get(url, {"sort": "score"}).content.decode()
    order = [line.split('"')[1] for line in by_score.split("data-student=")[1:]]
    assert order[0] in ("student00@example.com", "student02@example.com")  # 3 of 4 points first
    fragment = teacher.get(url, headers={"HX-Request": "true", "HX-Target": "class-matrix"})
    assert fragment.content.decode().lstrip().startswith('<section id="class-matrix"')
    filtered = teacher.get(
        url, {"student": "student01"}, headers={"HX-Request": "true", "HX-Target": "class-matrix"}
    )
    assert (
        'id="export-csv"' in filtered.content.decode()
        and "matrix.csv?student=student01" in filtered.content.decode()
    )


def test_export_csv_of_scores(teacher, room):
    labs = [lab("users-and-groups")]
    ClassroomLab.objects.create(classroom=room, lab=labs[0], position=0)
    _students(room, labs, 2)

    response = teacher.get(reverse("portal:classroom_matrix_csv", args=[room.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "student",
        "account",
        "users-and-groups score",
        "users-and-groups max",
        "users-and-groups passed",
        "total",
        "max",
        "percent",
    ]
    assert rows[1][0] == "student00@example.com" and rows[1][2:5] == ["2", "2", "yes"]
    assert rows[2][2:5] == ["1", "2", "no"]


def test_a_lab_not_checked_yet_counts_its_points_unearned(teacher, room):
    checked, unchecked = lab("users-and-groups", checks=2), lab("roles", checks=3)
    for position, each in enumerate([checked, unchecked]):
        ClassroomLab.objects.create(classroom=room, lab=each, position=position)
    _students(room, [checked], 1)  # student00 passed users-and-groups, 2 of 2

    page = teacher.get(reverse("portal:classroom_matrix", args=[room.pk])).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(teacher.get(reverse("portal:classroom_matrix_csv", args=[room.pk])).content.decode())
        )
    )

    assert "2/5 (40%)" in page and "Not checked" in page
    assert rows[1][-3:] == ["2", "5", "40"]


def test_reset_a_students_seat(teacher, room, django_capture_on_commit_callbacks):
    seat = SeatFactory(classroom=room, student=PersonFactory())
    IAMUser.objects.create(account=seat.account, name="their-work")

    with django_capture_on_commit_callbacks(execute=True):
        response = teacher.post(reverse("portal:seat_reset", args=[room.pk, seat.pk]))

    assert response.status_code == 302
    assert Job.objects.filter(kind=Job.Kind.RESET_SEAT, seat=seat).exists()
    assert not IAMUser.objects.filter(account=seat.account).exists()


def test_a_seats_event_history(teacher, room):
    seat = SeatFactory(classroom=room, student=PersonFactory())
    AuditEvent.objects.record(account=seat.account, event_source="iam.amazonaws.com", event_name="CreateUser")
    other = SeatFactory()
    AuditEvent.objects.record(
        account=other.account, event_source="iam.amazonaws.com", event_name="DeleteGroup"
    )

    response = teacher.get(reverse("portal:seat_events", args=[room.pk, seat.pk]))

    assert b"CreateUser" in response.content and b"DeleteGroup" not in response.content
    assert teacher.get(reverse("portal:seat_events", args=[room.pk, other.pk])).status_code == 404


def test_a_bad_seat_count_is_refused_inline(teacher, room):
    response = teacher.post(reverse("portal:classroom_provision", args=[room.pk]), {"count": 0})

    assert response.status_code == 422 and b"greater than or equal to 1" in response.content
    assert not Job.objects.exists()


def test_a_closed_classroom_invites_nobody_and_resets_no_seat(teacher, room):
    seat = SeatFactory(classroom=room, student=PersonFactory())
    Classroom.objects.filter(pk=room.pk).update(status=Classroom.Status.CLOSED)
    upload = SimpleUploadedFile("class.csv", b"ann@example.com\n", "text/csv")

    response = teacher.post(reverse("portal:classroom_invite", args=[room.pk]), {"file": upload})
    assert response.status_code == 422 and b"This classroom is closed" in response.content
    response = teacher.post(reverse("portal:seat_reset", args=[room.pk, seat.pk]), follow=True)
    assert b"This classroom is closed" in response.content
    assert not Invitation.objects.exists() and not Job.objects.exists() and not mail.outbox
