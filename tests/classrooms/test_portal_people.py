"""The portal's people: sign-up (Django's password validators, one person per email whatever its
case), sign-in throttled per email and per IP as the console's is, sign-out, forgotten passwords, and
the grant_instructor command."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import SignInFailure
from accounts.services.signin import THROTTLED
from classrooms.services.people import is_instructor

from .factories import PERSON_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD = "Correct-Horse-42!"


def _signup(client, email, password=GOOD, confirm=None, next_url=""):
    data = {"email": email, "password": password, "password_confirm": confirm or password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("portal:signup"), data)


def test_sign_up_creates_a_person_who_is_never_staff_and_signs_them_in(client):
    response = _signup(client, "Sam.Student@Example.com")

    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    person = User.objects.get()
    assert person.username == "sam.student@example.com" and person.email == "Sam.Student@Example.com"
    assert not person.is_staff and not person.is_superuser and not is_instructor(person)
    assert client.get(reverse("portal:home")).status_code == 200


def test_sign_up_refuses_an_email_taken_in_another_case(client):
    PersonFactory(email="sam@example.com")

    response = _signup(client, "SAM@Example.COM")

    assert response.status_code == 422
    assert b"already signed up" in response.content
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", b"too short"), ("password123", b"too common"), ("83749201938", b"entirely numeric")],
)
def test_sign_up_applies_djangos_password_validators(client, password, message):
    response = _signup(client, "sam@example.com", password=password)

    assert response.status_code == 422 and message in response.content
    assert not User.objects.exists()


def test_sign_up_refuses_a_mismatched_confirmation(client):
    response = _signup(client, "sam@example.com", confirm="Other-Passw0rd-9")

    assert response.status_code == 422 and b"Passwords do not match." in response.content
    assert not User.objects.exists()


def test_sign_up_goes_back_to_a_local_next_only(client):
    response = _signup(client, "sam@example.com", next_url="/classroom/join/ABCDEFGH/")
    assert response["Location"] == "/classroom/join/ABCDEFGH/"

    other = client.__class__()
    response = _signup(other, "eve@example.com", next_url="https://evil.example/")
    assert response["Location"] == reverse("portal:home")


def _signin(client, email, password, **extra):
    return client.post(reverse("portal:signin"), {"email": email, "password": password}, **extra)


def test_sign_in_with_any_case_of_the_email_then_sign_out(client):
    PersonFactory(email="sam@example.com")

    response = _signin(client, "Sam@EXAMPLE.com", PERSON_PASSWORD)

    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("portal:signout")).status_code == 405
    assert client.post(reverse("portal:signout")).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_wrong_password_is_refused_in_the_consoles_words(client):
    PersonFactory(email="sam@example.com")

    response = _signin(client, "sam@example.com", "wrong")

    assert response.status_code == 422
    assert b"Your authentication information is incorrect." in response.content
    assert client.get(reverse("portal:home")).status_code == 302


def test_sign_in_is_paused_after_five_failures_for_that_email(client):
    PersonFactory(email="sam@example.com")
    for _ in range(5):
        _signin(client, "sam@example.com", "wrong")

    response = _signin(client, "SAM@example.com", PERSON_PASSWORD)

    assert response.status_code == 422 and THROTTLED.encode() in response.content
    assert client.get(reverse("portal:home")).status_code == 302


@override_settings(SIGNIN_FAILURES_PER_IP=3)
def test_failures_past_the_ips_limit_get_the_throttle_message(client):
    for number in range(4):
        response = _signin(client, f"nobody{number}@example.com", "wrong")

    assert THROTTLED.encode() in response.content


def test_a_hundred_students_sign_in_from_one_ip(client):
    """The load test's classroom: 100 sign-ins from one address, each after a typo, are never throttled
    with the README's SIGNIN_FAILURES_PER_IP default (200)."""
    people = [
        PersonFactory.build(email=f"s{n}@example.com", username=f"s{n}@example.com") for n in range(100)
    ]
    for person in people:
        person.set_password(PERSON_PASSWORD)
    User.objects.bulk_create(people)
    for person in people:
        browser = client.__class__(REMOTE_ADDR="203.0.113.5")
        assert b"authentication information is incorrect" in _signin(browser, person.email, "typo").content
        response = _signin(browser, person.email, PERSON_PASSWORD)
        assert response.status_code == 302, person.email
    assert not SignInFailure.objects.exists()  # each success cleared its typo


def test_forgot_password_mails_a_link_that_sets_a_new_password_once(
    client, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="sam@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:forgot_password"), {"email": "SAM@example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.com"]
    link = re.search(r"http://testserver(/classroom/password/reset/\S+)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link, {"password": "short", "password_confirm": "short"})
    assert response.status_code == 422 and b"too short" in response.content
    response = client.post(link, {"password": "New-Passw0rd-77", "password_confirm": "New-Passw0rd-77"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("New-Passw0rd-77")
    assert client.get(link)["Location"] == reverse("portal:forgot_password")  # used once


def test_forgot_password_answers_the_same_for_an_unknown_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:forgot_password"), {"email": "nobody@example.com"})

    assert response.status_code == 302 and not mail.outbox


def test_a_broken_reset_link_is_refused(client):
    response = client.get(reverse("portal:reset_password", args=["zzz", "bad-token"]))

    assert response["Location"] == reverse("portal:forgot_password")


def test_grant_instructor_and_revoke():
    person = PersonFactory(email="ingrid@example.com")

    call_command("grant_instructor", "Ingrid@Example.com", stdout=io.StringIO())
    assert is_instructor(User.objects.get(pk=person.pk))
    call_command("grant_instructor", "ingrid@example.com", "--revoke", stdout=io.StringIO())
    assert not is_instructor(User.objects.get(pk=person.pk))
    with pytest.raises(CommandError, match="No person signed up"):
        call_command("grant_instructor", "nobody@example.com", stdout=io.StringIO())


def test_the_admin_site_grants_the_instructor_role(admin_client):
    """The README's other way: tick "Can create and run classrooms" on the person in the admin site."""
    person = PersonFactory(email="ingrid@example.com")
    url = reverse("admin:auth_user_change", args=[person.pk])
    page = admin_client.get(url).content.decode()
    teach = Permission.objects.get(codename="teach", content_type__app_label="classrooms")
    assert f'<option value="{teach.pk}">' in page and "Can create and run classrooms" in page

    response = admin_client.post(
        url,
        {
            "username": person.username,
            "email": person.email,
            "is_active": "on",
            "user_permissions": [teach.pk],
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert is_instructor(User.objects.get(pk=person.pk))
