"""MFA in the access portal: a user registers an authenticator app (TOTP, its seed encrypted at rest),
and from then on every sign-in asks for its code, counted with the password failures."""

import pyotp
import pytest

from accounts.models import AuditEvent
from accounts.services.signin import THROTTLED
from identitycenter import portal
from identitycenter.models import PortalMFADevice
from tests.queries import assert_constant_queries

from .portal_helpers import sign_in, url, with_password


@pytest.fixture
def clock(monkeypatch):
    """The portal's clock, moved a TOTP step at a time (a code is accepted once)."""
    state = {"now": portal._now()}
    monkeypatch.setattr(portal, "_now", lambda: state["now"])

    def tick(steps=1):
        state["now"] += steps * portal.MFA_STEP_SECONDS

    state["tick"] = tick
    return state


def _code(seed, clock):
    return pyotp.TOTP(seed, interval=portal.MFA_STEP_SECONDS).at(clock["now"])


def _register(client, instance, clock, name="Phone"):
    client.post(url("mfa_devices", instance), {"action": "start", "name": name})
    device = PortalMFADevice.objects.get(registered_at__isnull=True)
    seed = portal.mfa_seed(device)
    answer = client.post(url("mfa_devices", instance), {"action": "confirm", "code": _code(seed, clock)})
    assert answer.status_code == 302
    return seed


def test_register_an_authenticator_app_then_sign_in_with_its_code(client, instance, dana, clock):
    with_password(dana)
    sign_in(client, instance, "dana")
    page = client.get(url("mfa_devices", instance))
    assert "You have no registered MFA devices." in page.content.decode()

    started = client.post(url("mfa_devices", instance), {"action": "start", "name": "Phone"})
    html = started.content.decode()
    device = PortalMFADevice.objects.get(user=dana)
    seed = portal.mfa_seed(device)
    assert seed in html and 'aria-label="QR code for the authenticator app"' in html
    assert seed not in device.seed_encrypted  # encrypted at rest
    assert not portal.mfa_required(dana)

    wrong = client.post(url("mfa_devices", instance), {"action": "confirm", "code": "000000"})
    assert portal.MFA_INCORRECT in wrong.content.decode()
    wrong = client.post(url("mfa_devices", instance), {"action": "confirm", "code": "abcdef"})
    assert portal.MFA_INCORRECT in wrong.content.decode()
    done = client.post(url("mfa_devices", instance), {"action": "confirm", "code": _code(seed, clock)})
    assert done.status_code == 302
    assert "Phone" in client.get(done.url).content.decode()
    assert portal.mfa_required(dana)

    client.post(url("signout", instance))
    answer = sign_in(client, instance, "dana")
    assert answer.url == url("signin_mfa", instance)
    assert "Additional verification required" in client.get(answer.url).content.decode()
    # The code just used to register is not accepted again.
    replay = client.post(answer.url, {"code": _code(seed, clock)})
    assert portal.MFA_INCORRECT in replay.content.decode()
    assert client.get(url("start", instance)).status_code == 302
    clock["tick"]()
    accepted = client.post(answer.url, {"code": _code(seed, clock)})
    assert accepted.url == url("start", instance)
    recorded = AuditEvent.objects.filter(event_name="UserAuthentication").order_by("id")
    assert [
        (e.request_parameters["CredentialType"], e.response_elements["UserAuthentication"]) for e in recorded
    ][-2:] == [("TOTP", "Failure"), ("PASSWORD,TOTP", "Success")]
    assert client.get(url("start", instance)).status_code == 200
    # Passed: the MFA step is over.
    assert client.get(url("signin_mfa", instance)).url == url("signin", instance)


def test_mfa_codes_count_with_the_password_failures(client, instance, dana, clock):
    with_password(dana)
    sign_in(client, instance, "dana")
    seed = _register(client, instance, clock)
    client.post(url("signout", instance))
    clock["tick"]()
    sign_in(client, instance, "dana")
    for _ in range(5):
        client.post(url("signin_mfa", instance), {"code": "123456"})
    paused = client.post(url("signin_mfa", instance), {"code": _code(seed, clock)})
    assert THROTTLED in paused.content.decode()


def test_mfa_past_the_ip_limit_gets_the_throttle_message(client, instance, dana, clock, settings):
    with_password(dana)
    sign_in(client, instance, "dana")
    _register(client, instance, clock)
    client.post(url("signout", instance))
    settings.SIGNIN_FAILURES_PER_IP = 0
    client.post(url("signin", instance), {"username": "dana"})
    # Past the address's limit a password step that passes still goes on, and the MFA step refuses.
    settings.SIGNIN_FAILURES_PER_IP = 200
    sign_in(client, instance, "dana")
    settings.SIGNIN_FAILURES_PER_IP = 0
    answer = client.post(url("signin_mfa", instance), {"code": "123456"})
    assert THROTTLED in answer.content.decode()


def test_delete_a_device_and_the_device_limits(client, instance, dana, clock, monkeypatch):
    with_password(dana)
    sign_in(client, instance, "dana")
    _register(client, instance, clock)
    device = PortalMFADevice.objects.get(user=dana)
    with pytest.raises(portal.PortalRefused, match="not found"):
        portal.mfa_device_delete(user=dana, device_id="x")
    with pytest.raises(portal.PortalRefused, match="incorrect"):
        portal.mfa_device_register(device=device, code="000000")  # registered already
    with pytest.raises(portal.PortalRefused) as unnamed:
        portal.mfa_device_start(user=dana, name="   ")
    assert unnamed.value.message == portal.MFA_NAME_INVALID
    monkeypatch.setattr(portal, "MFA_DEVICES_PER_USER", 1)
    full = client.post(url("mfa_devices", instance), {"action": "start", "name": "Laptop"})
    assert portal.MFA_LIMIT in full.content.decode()

    gone = client.post(url("mfa_devices", instance), {"action": "delete", "device": device.pk})
    assert gone.status_code == 302
    assert not PortalMFADevice.objects.exists()
    missing = client.post(url("mfa_devices", instance), {"action": "delete", "device": device.pk})
    assert "The MFA device was not found." in missing.content.decode()


def test_the_mfa_devices_page_takes_as_many_queries_for_many_devices(client, instance, dana, monkeypatch):
    monkeypatch.setattr(portal, "MFA_DEVICES_PER_USER", 100)
    with_password(dana)
    sign_in(client, instance, "dana")

    def add_row(index):
        device, _ = portal.mfa_device_start(user=dana, name=f"device-{index:02d}")
        PortalMFADevice.objects.filter(pk=device.pk).update(registered_at="2026-01-01T00:00:00Z")
        return f"device-{index:02d}"

    assert_constant_queries(client, url("mfa_devices", instance), add_row)
