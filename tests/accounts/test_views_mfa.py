import re

import pyotp
import pytest
from django.http import Http404
from django.test import override_settings
from django.urls import path, reverse

from access import crypto
from accounts.models import AuditEvent, MFADevice
from accounts.services import mfa
from accounts.services.mfa import mfa_device_create, mfa_device_enable
from accounts.views.mfa import mfa_assign_flow
from console.http import http_methods
from console.session import console_login_required
from iamconsole import enforcement
from iamconsole.urls import urlpatterns as root_urlpatterns

from .factories import IAMUserFactory

pytestmark = pytest.mark.django_db

NOW = 1_900_000_000.0
CREDENTIALS = reverse("accounts:root_security_credentials")
ASSIGN = reverse("accounts:root_mfa_assign")
HTMX = {"HX-Request": "true", "HX-Target": "mfa-assign"}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(mfa, "_now", lambda: NOW)


def _secret(html):
    return re.search(r'data-testid="mfa-secret">([A-Z2-7]+)<', html).group(1)


def _device_pk(html):
    return re.search(r'name="device" value="(\d+)"', html).group(1)


def _codes(secret):
    totp = pyotp.TOTP(secret)
    return {"code1": totp.at(NOW), "code2": totp.at(NOW + 30)}


def _enabled_root_device(account, acting, name="root-phone"):
    device, seed = mfa_device_create(account=account, name=name, acting=acting)
    totp = pyotp.TOTP(seed)
    mfa_device_enable(device=device, code1=totp.at(NOW - 30), code2=totp.at(NOW), acting=acting)
    device.refresh_from_db()
    return device


# --- the root user's security credentials page -------------------------------------------------------


def test_security_credentials_page_lists_root_mfa_devices(root_client, account, root_acting):
    device = _enabled_root_device(account, root_acting)

    html = root_client.get(CREDENTIALS).content.decode()

    assert "My security credentials" in html
    assert f'data-testid="account-id">{account.id}<' in html
    assert 'Multi-factor authentication (MFA) <span class="count">(1)</span>' in html
    assert f"arn:aws:iam::{account.id}:mfa/root-phone" in html
    assert f'action="/security-credentials/mfa/{device.pk}/remove/"' in html
    assert "Assign MFA device" in html


def test_security_credentials_page_includes_the_root_access_keys(root_client, account, root_acting):
    for number in range(5):
        _enabled_root_device(account, root_acting, name=f"root-{number}")

    html = root_client.get(CREDENTIALS).content.decode()

    assert '<section id="access-keys" class="panel"' in html
    assert 'id="access-keys-title">Access keys <span class="count">(0)</span>' in html


def test_security_credentials_page_with_no_device(root_client):
    html = root_client.get(CREDENTIALS).content.decode()

    assert "No MFA devices" in html


def test_pending_devices_are_not_listed(root_client, account, root_acting):
    mfa_device_create(account=account, name="unfinished", acting=root_acting)

    response = root_client.get(CREDENTIALS)

    assert response.status_code == 200
    assert "No MFA devices" in response.content.decode()
    assert "unfinished" not in response.content.decode()


def test_only_the_root_user_has_this_page(client, account, bob, sign_in_as):
    sign_in_as(client, account, bob)

    for url in (CREDENTIALS, ASSIGN):
        assert client.get(url).status_code == 404


def test_charlie_sees_only_his_devices(charlie_client, account, root_acting):
    _enabled_root_device(account, root_acting)

    html = charlie_client.get(CREDENTIALS).content.decode()

    assert "root-phone" not in html
    assert "No MFA devices" in html


# --- assign MFA device ------------------------------------------------------------------------------


def test_assign_step_one_asks_for_a_name_full_page_and_fragment(root_client):
    full = root_client.get(ASSIGN).content.decode()
    fragment = root_client.get(ASSIGN, headers=HTMX).content.decode()

    assert "<h1>Assign MFA device</h1>" in full and "<html" in full
    assert "Step 1: Select MFA device" in full
    assert "Authenticator app" in full and "Device name" in full
    assert "<html" not in fragment
    assert fragment.strip().startswith('<div id="mfa-assign"')
    assert 'hx-target="#mfa-assign"' in fragment


def test_assign_step_two_shows_a_local_qr_code_and_the_secret(root_client, account):
    html = root_client.post(ASSIGN, {"step": "name", "name": "root-phone"}, headers=HTMX).content.decode()

    assert "<html" not in html
    assert "Step 2: Set up device" in html
    assert '<svg role="img" aria-label="QR code for the virtual MFA device"' in html
    secret = _secret(html)
    assert len(secret) == 64
    assert f"arn:aws:iam::{account.id}:mfa/root-phone" in html
    assert "MFA code 1" in html and "MFA code 2" in html
    # Nothing is fetched from elsewhere to draw the code.
    assert "https://" not in html.split('data-testid="mfa-qr"')[1].split("</div>")[0]


def test_assign_with_two_consecutive_codes_enables_the_device(root_client, account):
    html = root_client.post(ASSIGN, {"step": "name", "name": "root-phone"}).content.decode()

    response = root_client.post(
        ASSIGN, {"step": "codes", "device": _device_pk(html), **_codes(_secret(html))}, headers=HTMX
    )

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == CREDENTIALS
    device = MFADevice.objects.get(account=account)
    assert device.enabled_at is not None and device.user is None
    page = root_client.get(CREDENTIALS).content.decode()
    assert "MFA device assigned: root-phone." in page
    assert f"arn:aws:iam::{account.id}:mfa/root-phone" in page
    # The secret is never shown again.
    assert _secret(html) not in page


def test_assign_without_htmx_redirects(root_client):
    html = root_client.post(ASSIGN, {"step": "name", "name": "root-phone"}).content.decode()

    response = root_client.post(
        ASSIGN, {"step": "codes", "device": _device_pk(html), **_codes(_secret(html))}
    )

    assert response.status_code == 302 and response.url == CREDENTIALS


def test_wrong_codes_show_awss_message_and_never_the_seed_again(root_client, account):
    html = root_client.post(ASSIGN, {"step": "name", "name": "root-phone"}).content.decode()
    secret = _secret(html)
    codes = _codes(secret)

    response = root_client.post(
        ASSIGN,
        {"step": "codes", "device": _device_pk(html), "code1": codes["code2"], "code2": codes["code1"]},
        headers=HTMX,
    )

    again = response.content.decode()
    assert "Authentication code for device is not valid." in again
    assert secret not in again and 'data-testid="mfa-qr"' not in again
    assert 'data-testid="mfa-seed-gone"' in again
    assert MFADevice.objects.get(account=account).enabled_at is None
    assert AuditEvent.objects.get(event_name="EnableMFADevice").error_code == "InvalidAuthenticationCode"
    # The right codes still finish the set-up.
    finished = root_client.post(ASSIGN, {"step": "codes", "device": _device_pk(html), **codes})
    assert finished.status_code == 302 and finished.url == CREDENTIALS


def test_an_invalid_name_is_refused_inline(root_client):
    html = root_client.post(ASSIGN, {"step": "name", "name": "my phone"}, headers=HTMX).content.decode()

    assert "Step 1: Select MFA device" in html
    assert "Member must satisfy regular expression pattern: [\\w+=,.@-]+" in html
    assert not MFADevice.objects.exists()


def test_the_eight_device_quota_is_shown_inline(root_client, account, root_acting):
    for number in range(8):
        _enabled_root_device(account, root_acting, name=f"root-{number}")

    html = root_client.post(ASSIGN, {"step": "name", "name": "root-9"}).content.decode()

    assert "Cannot exceed quota for MFADevicesPerUser: 8" in html


def test_charlie_cannot_enable_alices_pending_device(charlie_client, account, root_acting):
    device, seed = mfa_device_create(account=account, name="root-phone", acting=root_acting)

    response = charlie_client.post(ASSIGN, {"step": "codes", "device": device.pk, **_codes(seed)})

    assert response.status_code == 302 and response.url == ASSIGN
    device.refresh_from_db()
    assert device.enabled_at is None


# --- remove and resync ------------------------------------------------------------------------------


def test_remove_deactivates_and_deletes(root_client, account, root_acting):
    device = _enabled_root_device(account, root_acting)

    response = root_client.post(reverse("accounts:root_mfa_remove", args=[device.pk]))

    assert response.url == CREDENTIALS
    assert not MFADevice.objects.exists()
    names = set(AuditEvent.objects.filter(error_code="").values_list("event_name", flat=True))
    assert {"DeactivateMFADevice", "DeleteVirtualMFADevice"} <= names
    assert "MFA device removed: root-phone." in root_client.get(CREDENTIALS).content.decode()


def test_charlie_cannot_remove_alices_device(charlie_client, account, root_acting):
    device = _enabled_root_device(account, root_acting)

    response = charlie_client.post(reverse("accounts:root_mfa_remove", args=[device.pk]))

    assert response.status_code == 404
    assert MFADevice.objects.filter(pk=device.pk).exists()


def test_remove_is_a_post(root_client, account, root_acting):
    device = _enabled_root_device(account, root_acting)

    assert root_client.get(reverse("accounts:root_mfa_remove", args=[device.pk])).status_code == 405


def test_resync(root_client, account, root_acting, monkeypatch):
    device = _enabled_root_device(account, root_acting)
    monkeypatch.setattr(mfa, "_now", lambda: NOW + 300)
    totp = pyotp.TOTP(crypto.decrypt(device.seed_encrypted))
    url = reverse("accounts:root_mfa_resync", args=[device.pk])

    assert "Resync MFA device" in root_client.get(url).content.decode()
    wrong = root_client.post(url, {"code1": totp.at(NOW + 300), "code2": totp.at(NOW + 360)})
    assert "Authentication code for device is not valid." in wrong.content.decode()

    response = root_client.post(url, {"code1": totp.at(NOW + 240), "code2": totp.at(NOW + 270)})

    assert response.url == CREDENTIALS
    assert AuditEvent.objects.filter(event_name="ResyncMFADevice", error_code="").count() == 1


def test_charlie_cannot_resync_alices_device(charlie_client, account, root_acting):
    device = _enabled_root_device(account, root_acting)

    assert charlie_client.get(reverse("accounts:root_mfa_resync", args=[device.pk])).status_code == 404


# --- the flow reused for an IAM user (as the user detail page does) -------------------------------------


@console_login_required
@http_methods("GET", "POST")
def _user_assign(request, name):
    user = request.acting.account.users.filter(name=name).first()
    if user is None:
        raise Http404
    url = f"/test-users/{name}/mfa/"
    return mfa_assign_flow(
        request, account=request.acting.account, user=user, assign_url=url, cancel_url="/", success_url="/"
    )


urlpatterns = [path("test-users/<str:name>/mfa/", _user_assign, name="test_user_assign"), *root_urlpatterns]


@pytest.fixture(autouse=True)
def test_view_is_open(monkeypatch):
    # A page nobody registered is refused: register this test's own view.
    monkeypatch.setattr(enforcement, "OPEN", enforcement.OPEN | {"test_user_assign"})


@override_settings(ROOT_URLCONF=__name__)
def test_the_flow_assigns_a_device_to_an_iam_user(root_client, account, bob):
    html = root_client.post("/test-users/bob/mfa/", {"step": "name", "name": "bob-phone"}).content.decode()
    assert "Step 2: Set up device" in html
    assert 'action="/test-users/bob/mfa/"' in html

    response = root_client.post(
        "/test-users/bob/mfa/", {"step": "codes", "device": _device_pk(html), **_codes(_secret(html))}
    )

    assert response.status_code == 302
    device = MFADevice.objects.get()
    assert device.user == bob and device.enabled_at is not None
    assert AuditEvent.objects.get(event_name="EnableMFADevice").request_parameters["userName"] == "bob"


@override_settings(ROOT_URLCONF=__name__)
def test_the_flow_keeps_devices_to_their_owner(root_client, account, bob, root_acting):
    carol = IAMUserFactory(account=account, name="carol")
    device, seed = mfa_device_create(account=account, user=carol, name="carol-phone", acting=root_acting)

    # Posting carol's pending device to bob's page finds nothing.
    response = root_client.post(
        "/test-users/bob/mfa/", {"step": "codes", "device": device.pk, **_codes(seed)}
    )

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.enabled_at is None
