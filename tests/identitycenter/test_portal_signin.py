"""The AWS access portal's sign-in: the emailed password-setup link, AWS Identity Center's password
rules, wrong passwords and the throttle, one-time passwords, the portal session per identity store."""

import datetime

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from access.audit import REDACTED
from accounts.models import AuditEvent
from accounts.services.signin import INCORRECT, THROTTLED
from identitycenter import portal, services
from identitycenter.models import DirectoryUser
from organizations import services as organizations_services

from .portal_helpers import PASSWORD, directory_user, sign_in, url, with_password


def _link_token(link):
    return link.rstrip("/").rsplit("/", 1)[1]


def test_the_invitation_email_links_to_the_password_setup_page(
    client, instance, dana, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = portal.password_setup_send(user=dana, base_url="http://testserver/")
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["dana@example.com"]
    assert email.subject == "Invitation to join AWS IAM Identity Center"
    assert link in email.body
    assert f"http://testserver/start/{instance.identity_store_id}/" in email.body
    assert "Your username: dana" in email.body
    assert "expire in 7 days" in email.body

    path = link.removeprefix("http://testserver")
    page = client.get(path)
    assert page.status_code == 200
    assert "Set new password" in page.content.decode()

    weak = client.post(path, {"new_password": "password", "confirm_password": "password"})
    assert portal.PASSWORD_RULES in weak.content.decode()
    mismatch = client.post(path, {"new_password": PASSWORD, "confirm_password": PASSWORD + "x"})
    assert "Passwords do not match." in mismatch.content.decode()
    dana.refresh_from_db()
    assert dana.password == ""

    done = client.post(path, {"new_password": PASSWORD, "confirm_password": PASSWORD})
    assert done.status_code == 302
    assert done.url == url("signin_password", instance)
    dana.refresh_from_db()
    assert check_password(PASSWORD, dana.password) and dana.password_changed_at is not None
    # The link works once.
    again = client.get(path)
    assert again.status_code == 400
    assert portal.SETUP_LINK_INVALID in again.content.decode()


def test_a_new_invitation_replaces_the_old_link_and_links_expire(instance, dana):
    first = _link_token(portal.password_setup_send(user=dana, base_url="http://testserver"))
    second = _link_token(portal.password_setup_send(user=dana, base_url="http://testserver"))
    assert portal.user_from_setup_link(instance=instance, token=first) is None
    assert portal.user_from_setup_link(instance=instance, token=second) == dana
    assert portal.user_from_setup_link(instance=instance, token="") is None
    DirectoryUser.objects.filter(pk=dana.pk).update(
        setup_token_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(portal.PortalRefused, match="no longer valid"):
        portal.password_set_from_link(instance=instance, token=second, password=PASSWORD)


def test_an_invitation_needs_an_email(instance, root_acting):
    user = directory_user(instance, "noemail", email="", acting=root_acting)
    with pytest.raises(portal.PortalRefused, match="no email address"):
        portal.password_setup_send(user=user, base_url="http://testserver")


@pytest.mark.parametrize(
    "password",
    ["Short1!", "a" * 60 + "Aa1!x", "alllowercase1!", "ALLUPPERCASE1!", "NoDigitsHere!", "NoSpecial123"],
)
def test_identity_center_password_rules(password):
    with pytest.raises(portal.PortalRefused) as refused:
        portal.password_validate(password)
    assert refused.value.message == portal.PASSWORD_RULES


def test_sign_in_with_user_name_then_password(client, instance, dana):
    with_password(dana)
    start = client.get(url("start", instance))
    assert start.status_code == 302
    assert start.url.startswith(url("signin", instance))

    page = client.get(start.url)
    assert "Sign in" in page.content.decode() and "Username" in page.content.decode()
    client.post(url("signin", instance), {"username": "DANA", "next": url("start", instance)})
    step = client.get(url("signin_password", instance))
    assert 'data-testid="portal-username">DANA<' in step.content.decode()

    wrong = client.post(url("signin_password", instance), {"password": "Wrong-Password-1"})
    assert INCORRECT in wrong.content.decode()
    assert portal.portal_user(wrong.wsgi_request, instance.identity_store_id) is None

    done = client.post(url("signin_password", instance), {"password": PASSWORD})
    assert done.status_code == 302 and done.url == url("start", instance)
    accounts = client.get(done.url)
    assert accounts.status_code == 200
    assert "AWS access portal" in accounts.content.decode()
    assert portal.portal_user(accounts.wsgi_request, instance.identity_store_id) == dana
    # Signed in, the sign-in page goes to the portal.
    assert client.get(url("signin", instance)).status_code == 302


def test_the_sign_in_returns_to_the_portal_page_it_was_asked_for(client, instance, dana):
    with_password(dana)
    wanted = url("mfa_devices", instance) + "?a=1&b=2"
    answer = client.get(wanted)
    assert answer.url == url("signin", instance) + "?next=%2Fstart%2F" + instance.identity_store_id + (
        "%2Fmfa-devices%3Fa%3D1%26b%3D2"
    )
    client.get(answer.url)
    step = client.post(url("signin", instance), {"username": "dana", "next": wanted})
    done = client.post(step.url, {"password": PASSWORD, "next": wanted})
    assert done.url == wanted
    # Only this store's portal: anything else goes to its Accounts tab.
    client.post(url("signout", instance))
    client.post(url("signin", instance), {"username": "dana"})
    elsewhere = client.post(url("signin_password", instance), {"password": PASSWORD, "next": "/users/"})
    assert elsewhere.url == url("start", instance)


def test_unknown_users_and_users_without_a_password_get_the_same_answer(client, instance, dana):
    for name in ("nobody", "dana"):
        answer = sign_in(client, instance, name, "Whatever-Pass-1")
        assert INCORRECT in answer.content.decode()


def test_five_failures_pause_the_user(client, instance, dana):
    with_password(dana)
    for _ in range(5):
        assert INCORRECT in sign_in(client, instance, "dana", "Wrong-Password-1").content.decode()
    paused = sign_in(client, instance, "dana", PASSWORD)
    assert THROTTLED in paused.content.decode()
    assert portal.portal_user(paused.wsgi_request, instance.identity_store_id) is None


def test_past_the_ip_limit_failures_get_the_throttle_message(client, instance, dana, settings):
    settings.SIGNIN_FAILURES_PER_IP = 1
    with_password(dana)
    sign_in(client, instance, "someone", "Wrong-Password-1")
    assert THROTTLED in sign_in(client, instance, "dana", "Wrong-Password-1").content.decode()


def test_the_password_step_needs_the_user_name_step(client, instance):
    answer = client.get(url("signin_password", instance))
    assert answer.status_code == 302 and answer.url == url("signin", instance)


def test_a_one_time_password_must_be_changed_at_first_sign_in(client, instance, dana):
    one_time = services.one_time_password_set(user=dana)
    portal.password_validate(one_time)
    answer = sign_in(client, instance, "dana", one_time)
    assert answer.url == url("signin_new_password", instance)
    page = client.get(answer.url)
    assert "You signed in with a one-time password." in page.content.decode()

    same = client.post(answer.url, {"new_password": one_time, "confirm_password": one_time})
    assert "must be different from your current password" in same.content.decode()
    weak = client.post(answer.url, {"new_password": "weak", "confirm_password": "weak"})
    assert portal.PASSWORD_RULES in weak.content.decode()
    assert client.get(url("start", instance)).status_code == 302

    done = client.post(answer.url, {"new_password": PASSWORD, "confirm_password": PASSWORD})
    assert done.url == url("start", instance)
    assert client.get(done.url).status_code == 200
    dana.refresh_from_db()
    assert not dana.password_reset_required
    # The step is over: going back starts the sign-in again.
    assert client.get(url("signin_new_password", instance)).url == url("signin", instance)


def test_a_stale_pending_sign_in_starts_again(client, instance, dana, monkeypatch):
    portal_time = portal._now()
    one_time = services.one_time_password_set(user=dana)
    sign_in(client, instance, "dana", one_time)
    monkeypatch.setattr("identitycenter.portal_views.time.time", lambda: portal_time + 301)
    answer = client.post(
        url("signin_new_password", instance), {"new_password": PASSWORD, "confirm_password": PASSWORD}
    )
    assert answer.url == url("signin", instance)


def test_the_pending_user_deleted_ends_the_sign_in(client, instance, dana):
    one_time = services.one_time_password_set(user=dana)
    sign_in(client, instance, "dana", one_time)
    dana.delete()
    assert client.get(url("signin_new_password", instance)).url == url("signin", instance)


def test_the_portal_session_ends_after_eight_hours_or_with_the_user(client, instance, dana, monkeypatch):
    with_password(dana)
    sign_in(client, instance, "dana")
    assert client.get(url("start", instance)).status_code == 200
    now = portal._now()
    monkeypatch.setattr(portal, "_now", lambda: now + portal.SESSION_SECONDS + 1)
    assert client.get(url("start", instance)).status_code == 302
    monkeypatch.undo()
    sign_in(client, instance, "dana")
    dana.delete()
    assert client.get(url("start", instance)).status_code == 302


def test_sign_out_ends_the_portal_session(client, instance, dana):
    with_password(dana)
    sign_in(client, instance, "dana")
    assert client.get(url("signout", instance)).status_code == 405
    answer = client.post(url("signout", instance))
    assert answer.url == url("signin", instance)
    assert client.get(url("start", instance)).status_code == 302


def test_an_unknown_identity_store_is_not_found(client, db):
    assert client.get("/start/d-0000000000/").status_code == 404
    assert client.get("/start/d-0000000000/signin").status_code == 404
    assert client.get("/start/d-0000000000/password-setup/abc").status_code == 404


def test_a_session_of_one_identity_store_opens_nothing_of_another(
    client, instance, dana, charlie_account, charlie_acting
):
    organization = organizations_services.organization_create(acting=charlie_acting)
    other = services.instance_create(organization=organization, name="other", acting=charlie_acting)
    with_password(dana)
    sign_in(client, instance, "dana")
    assert client.get(url("start", instance)).status_code == 200
    answer = client.get(url("start", other))
    assert answer.status_code == 302 and answer.url.startswith(url("signin", other))
    # dana's name and password mean nothing to the other store.
    assert INCORRECT in sign_in(client, other, "dana").content.decode()


def test_sign_ins_are_recorded_in_the_instances_account(client, instance, dana):
    with_password(dana)
    sign_in(client, instance, "nobody", "Wrong-Password-1")
    sign_in(client, instance, "dana", "Wrong-Password-1")
    sign_in(client, instance, "dana")
    events = list(
        AuditEvent.objects.filter(account=instance.owner_account, event_name="UserAuthentication").order_by(
            "id"
        )
    )
    assert [(e.user_name, e.response_elements["UserAuthentication"]) for e in events] == [
        (REDACTED, "Failure"),
        ("dana", "Failure"),
        ("dana", "Success"),
    ]
    assert events[1].error_message == INCORRECT
    assert events[2].event_source == "signin.amazonaws.com"
    assert events[2].request_parameters == {"CredentialType": "PASSWORD"}
    assert events[2].user_identity["onBehalfOf"] == {
        "userId": dana.id,
        "identityStoreArn": instance.identity_store_arn,
    }
