import datetime
import re

import pyotp
import pytest
from django.utils import timezone

from access import crypto
from access.acting import Acting
from access.audit import REDACTED
from accounts.models import AuditEvent, MFADevice
from accounts.services import mfa
from accounts.services.mfa import (
    mfa_device_create,
    mfa_device_deactivate,
    mfa_device_delete,
    mfa_device_enable,
    mfa_device_resync,
    mfa_enabled_device,
    mfa_provisioning_uri,
    mfa_qr_svg,
    mfa_verify,
)
from aws.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from tests.grants import grant, statement
from tests.races import assert_refused_by_the_constraint, lose_race

from .factories import IAMUserFactory

pytestmark = pytest.mark.django_db

NOW = 1_900_000_000.0  # a fixed clock: step 63_333_333, ten seconds into it


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Freeze the services' clock; `clock.move(seconds)` moves it."""

    class Clock:
        now = NOW

        def move(self, seconds):
            self.now += seconds

    frozen = Clock()
    monkeypatch.setattr(mfa, "_now", lambda: frozen.now)
    return frozen


def codes(seed, at, *offsets):
    totp = pyotp.TOTP(seed)
    return [totp.at(at + offset) for offset in offsets]


def enabled_device(account, root_acting, user=None, name="phone"):
    device, seed = mfa_device_create(account=account, user=user, name=name, acting=root_acting)
    code1, code2 = codes(seed, NOW, -30, 0)
    mfa_device_enable(device=device, code1=code1, code2=code2, acting=root_acting)
    device.refresh_from_db()
    return device, seed


# --- create -------------------------------------------------------------------------------


def test_create_returns_a_device_and_its_base32_seed_encrypted_at_rest(account, root_acting):
    device, seed = mfa_device_create(account=account, name="root-phone", acting=root_acting)

    assert re.fullmatch(r"[A-Z2-7]{64}", seed)
    assert device.serial_number == f"arn:aws:iam::{account.id}:mfa/root-phone"
    assert device.user is None and device.enabled_at is None
    stored = MFADevice.objects.get(pk=device.pk).seed_encrypted
    assert seed not in stored
    assert crypto.decrypt(stored) == seed


def test_create_event_never_holds_the_seed(account, root_acting):
    _, seed = mfa_device_create(account=account, name="root-phone", acting=root_acting)

    event = AuditEvent.objects.get(event_name="CreateVirtualMFADevice")
    assert event.request_parameters == {"virtualMFADeviceName": "root-phone", "path": "/"}
    assert event.response_elements == {
        "virtualMFADevice": {"serialNumber": f"arn:aws:iam::{account.id}:mfa/root-phone"}
    }
    assert seed not in str(event.request_parameters) + str(event.response_elements)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "",
            "1 validation error detected: Value '' at 'virtualMFADeviceName' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        ),
        (
            "my phone",
            "1 validation error detected: Value 'my phone' at 'virtualMFADeviceName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ),
    ],
)
def test_create_validates_the_name(account, root_acting, name, message):
    with pytest.raises(ValidationError) as caught:
        mfa_device_create(account=account, name=name, acting=root_acting)

    assert caught.value.message == message
    assert not MFADevice.objects.exists()


def test_create_refuses_a_name_in_use_at_the_same_path_in_the_account(account, bob, root_acting):
    enabled_device(account, root_acting, name="phone")

    with pytest.raises(EntityAlreadyExists) as caught:
        mfa_device_create(account=account, user=bob, name="phone", acting=root_acting)

    assert caught.value.message == "MFA device already exists."


def test_create_takes_a_name_in_use_under_another_path(account, bob, root_acting):
    enabled_device(account, root_acting, name="phone")

    device, _ = mfa_device_create(account=account, user=bob, name="phone", path="/team/", acting=root_acting)

    assert device.serial_number == f"arn:aws:iam::{account.id}:mfa/team/phone"
    assert MFADevice.objects.filter(name="phone").count() == 2


def test_create_again_replaces_the_unfinished_device_the_same_dialog_made(account, bob, root_acting):
    first, _ = mfa_device_create(account=account, name="phone", acting=root_acting)
    bobs, _ = mfa_device_create(account=account, user=bob, name="bob-phone", acting=root_acting)

    second, _ = mfa_device_create(account=account, name="other-phone", acting=root_acting, replacing=first)

    assert set(MFADevice.objects.values_list("pk", flat=True)) == {second.pk, bobs.pk}


def test_create_leaves_anothers_set_up_in_progress_alone(account, bob, root_acting):
    """Only CreateVirtualMFADevice on a name of one's choosing must not cancel the victim's set-up."""
    bob_acting = Acting(account=account, user=bob)
    grant(statement("iam:CreateVirtualMFADevice"), user=bob)
    victims, _ = mfa_device_create(account=account, name="root-phone", acting=root_acting)
    bobs, _ = mfa_device_create(account=account, user=bob, name="bob-phone", acting=root_acting)

    mfa_device_create(account=account, user=bob, name="bob-other", acting=bob_acting)

    assert MFADevice.objects.filter(pk__in=[victims.pk, bobs.pk]).count() == 2


def test_only_the_root_user_creates_devices_for_itself_whatever_a_users_policy_allows(account, bob):
    grant(statement("iam:*"), user=bob)

    with pytest.raises(AccessDenied) as refused:
        mfa_device_create(account=account, name="root-phone", acting=Acting(account=account, user=bob))

    assert (refused.value.code, refused.value.message) == (
        "AccessDenied",
        f"User: {bob.arn} is not authorized to manage the root user's MFA devices",
    )
    assert not MFADevice.objects.exists()


def test_create_clears_the_identitys_abandoned_unfinished_devices(account, root_acting):
    abandoned, _ = mfa_device_create(account=account, name="phone", acting=root_acting)
    MFADevice.objects.filter(pk=abandoned.pk).update(
        created_at=timezone.now() - mfa.PENDING_TTL - datetime.timedelta(seconds=1)
    )
    recent, _ = mfa_device_create(account=account, name="recent", acting=root_acting)

    newest, _ = mfa_device_create(account=account, name="phone", acting=root_acting)

    assert set(MFADevice.objects.values_list("pk", flat=True)) == {recent.pk, newest.pk}


def test_at_most_eight_devices_per_user_and_for_root(account, bob, root_acting):
    for number in range(8):
        enabled_device(account, root_acting, user=bob, name=f"bob-{number}")

    with pytest.raises(LimitExceeded) as caught:
        mfa_device_create(account=account, user=bob, name="bob-9", acting=root_acting)

    assert caught.value.message == "Cannot exceed quota for MFADevicesPerUser: 8"
    # Root's quota is its own.
    mfa_device_create(account=account, name="root-1", acting=root_acting)


def test_create_for_another_accounts_user_is_no_such_entity(account, charlie_acting, bob):
    with pytest.raises(NoSuchEntity):
        mfa_device_create(account=account, user=bob, name="phone", acting=charlie_acting)
    with pytest.raises(NoSuchEntity):
        mfa_device_create(account=charlie_acting.account, user=bob, name="phone", acting=charlie_acting)

    assert not MFADevice.objects.exists()


# --- QR code -------------------------------------------------------------------------------


def test_provisioning_uri_and_qr_code_are_local(account, bob, root_acting):
    device, seed = mfa_device_create(account=account, user=bob, name="bob-phone", acting=root_acting)

    uri = mfa_provisioning_uri(device=device, seed=seed)
    assert uri == f"otpauth://totp/IAM%20Console:bob%40{account.id}?secret={seed}&issuer=IAM%20Console"
    svg = mfa_qr_svg(device=device, seed=seed)
    assert svg.startswith('<svg role="img" aria-label="QR code for the virtual MFA device"')
    assert "<path" in svg


# --- enable --------------------------------------------------------------------------------


def test_enable_with_two_consecutive_codes(account, root_acting):
    device, seed = mfa_device_create(account=account, name="phone", acting=root_acting)
    code1, code2 = codes(seed, NOW, 0, 30)  # now and the next step, as a test can compute them

    mfa_device_enable(device=device, code1=code1, code2=code2, acting=root_acting)

    device.refresh_from_db()
    assert device.enabled_at is not None
    assert mfa_enabled_device(account=account) == device
    event = AuditEvent.objects.get(event_name="EnableMFADevice")
    assert event.request_parameters == {
        "serialNumber": device.serial_number,
        "authenticationCode1": REDACTED,
        "authenticationCode2": REDACTED,
    }
    with pytest.raises(EntityAlreadyExists) as caught:
        mfa_device_enable(device=device, code1=code1, code2=code2, acting=root_acting)
    assert caught.value.message == "MFA Device is already in use."


@pytest.mark.parametrize(
    "offsets",
    [
        (0, 0),  # the same code twice
        (30, 0),  # the right codes in the wrong order
        (0, 60),  # not consecutive
        (-150, -120),  # too old
        (60, 90),  # from the future
    ],
)
def test_enable_refuses_codes_that_are_not_two_consecutive_current_ones(account, root_acting, offsets):
    device, seed = mfa_device_create(account=account, name="phone", acting=root_acting)
    code1, code2 = codes(seed, NOW, *offsets)

    with pytest.raises(InvalidAuthenticationCode) as caught:
        mfa_device_enable(device=device, code1=code1, code2=code2, acting=root_acting)

    assert caught.value.message == "Authentication code for device is not valid."
    device.refresh_from_db()
    assert device.enabled_at is None
    event = AuditEvent.objects.get(event_name="EnableMFADevice")
    assert event.error_code == "InvalidAuthenticationCode"


@pytest.mark.parametrize(("code1", "code2"), [("", ""), ("abcdef", "123456"), ("12345", "1234567")])
def test_enable_refuses_malformed_codes(account, root_acting, code1, code2):
    device, _ = mfa_device_create(account=account, name="phone", acting=root_acting)

    with pytest.raises(InvalidAuthenticationCode):
        mfa_device_enable(device=device, code1=code1, code2=code2, acting=root_acting)


def test_enable_twice_is_refused(account, root_acting):
    device, seed = enabled_device(account, root_acting)
    code1, code2 = codes(seed, NOW, 0, 30)

    with pytest.raises(EntityAlreadyExists):
        mfa_device_enable(device=device, code1=code1, code2=code2, acting=root_acting)


def test_enable_from_another_account_is_no_such_entity(account, root_acting, charlie_acting):
    device, seed = mfa_device_create(account=account, name="phone", acting=root_acting)
    code1, code2 = codes(seed, NOW, 0, 30)

    with pytest.raises(NoSuchEntity):
        mfa_device_enable(device=device, code1=code1, code2=code2, acting=charlie_acting)

    device.refresh_from_db()
    assert device.enabled_at is None


# --- verify (sign-in) ------------------------------------------------------------------------


def test_verify_accepts_the_current_code_once(account, root_acting, clock):
    device, seed = enabled_device(account, root_acting)
    clock.move(30)  # enabling used the codes up to the current step
    (code,) = codes(seed, clock.now, 0)

    assert mfa_verify(device=device, code=code) is True
    # Replay: the same code again, within its window, is refused.
    assert mfa_verify(device=device, code=code) is False


def test_verify_allows_one_step_of_drift_either_way(account, root_acting, clock):
    device, seed = enabled_device(account, root_acting)
    clock.move(90)

    behind, ahead = codes(seed, clock.now, -30, 30)
    assert mfa_verify(device=device, code=behind) is True
    assert mfa_verify(device=device, code=ahead) is True
    # An older step than the last accepted one is a replay too.
    (current,) = codes(seed, clock.now, 0)
    assert mfa_verify(device=device, code=current) is False


def test_verify_refuses_codes_two_steps_away_and_wrong_codes(account, root_acting, clock):
    device, seed = enabled_device(account, root_acting)
    clock.move(300)

    too_old, too_new = codes(seed, clock.now, -60, 60)
    assert mfa_verify(device=device, code=too_old) is False
    assert mfa_verify(device=device, code=too_new) is False
    (current,) = codes(seed, clock.now, 0)
    assert mfa_verify(device=device, code=f"{(int(current) + 1) % 1_000_000:06d}") is False
    assert mfa_verify(device=device, code="not-a-code") is False


def test_verify_refuses_the_codes_used_to_enable(account, root_acting):
    device, seed = mfa_device_create(account=account, name="phone", acting=root_acting)
    code1, code2 = codes(seed, NOW, 0, 30)
    mfa_device_enable(device=device, code1=code1, code2=code2, acting=root_acting)

    assert mfa_verify(device=device, code=code2) is False


def test_verify_refuses_a_device_that_is_not_enabled(account, root_acting):
    device, seed = mfa_device_create(account=account, name="phone", acting=root_acting)

    assert mfa_verify(device=device, code=codes(seed, NOW, 0)[0]) is False


# --- resync, deactivate, delete ---------------------------------------------------------------


def test_resync_accepts_drifted_consecutive_codes(account, root_acting, clock):
    device, seed = enabled_device(account, root_acting)
    clock.move(60)
    # The device's clock runs five minutes slow.
    code1, code2 = codes(seed, clock.now, -300, -270)

    mfa_device_resync(device=device, code1=code1, code2=code2, acting=root_acting)

    device.refresh_from_db()
    assert device.last_used_step == int((clock.now - 270) // 30)
    assert device.drift_steps == -9
    assert AuditEvent.objects.filter(event_name="ResyncMFADevice", error_code="").exists()
    # Sign-in now expects the slow device's codes, and still refuses a replay.
    clock.move(60)
    (code,) = codes(seed, clock.now, -300)
    assert mfa_verify(device=device, code=code) is True
    assert mfa_verify(device=device, code=code) is False


def test_resync_refuses_wrong_codes(account, root_acting, clock):
    device, seed = enabled_device(account, root_acting)
    clock.move(60)
    code1, code2 = codes(seed, clock.now, 0, 60)

    with pytest.raises(InvalidAuthenticationCode):
        mfa_device_resync(device=device, code1=code1, code2=code2, acting=root_acting)


def test_resync_of_a_deactivated_device_is_no_such_entity_even_with_good_codes(account, root_acting):
    device, seed = enabled_device(account, root_acting)
    mfa_device_deactivate(device=device, acting=root_acting)
    code1, code2 = codes(seed, NOW, 30, 60)

    with pytest.raises(NoSuchEntity) as caught:
        mfa_device_resync(device=device, code1=code1, code2=code2, acting=root_acting)

    assert (caught.value.code, caught.value.message) == (
        "NoSuchEntity",
        f"MFA Device with serial number {device.serial_number} does not exist.",
    )
    stored = MFADevice.objects.get(pk=device.pk)
    assert (stored.enabled_at, stored.last_used_step) == (None, None)
    assert AuditEvent.objects.get(event_name="ResyncMFADevice").error_code == "NoSuchEntity"


def test_deactivate_then_delete(account, root_acting):
    device, _ = enabled_device(account, root_acting)

    with pytest.raises(DeleteConflict) as caught:
        mfa_device_delete(device=device, acting=root_acting)
    assert caught.value.message == "MFA device is still in use."

    mfa_device_deactivate(device=device, acting=root_acting)
    assert mfa_enabled_device(account=account) is None
    mfa_device_delete(device=device, acting=root_acting)

    assert not MFADevice.objects.exists()
    names = list(AuditEvent.objects.filter(error_code="").values_list("event_name", flat=True))
    assert names[:2] == ["DeleteVirtualMFADevice", "DeactivateMFADevice"]


def test_deactivate_a_device_that_is_not_enabled_is_no_such_entity(account, root_acting):
    device, _ = mfa_device_create(account=account, name="phone", acting=root_acting)

    with pytest.raises(NoSuchEntity) as caught:
        mfa_device_deactivate(device=device, acting=root_acting)

    assert caught.value.message == f"MFA Device with serial number {device.serial_number} does not exist."


def test_delete_of_a_device_already_deleted_is_no_such_entity(account, root_acting):
    device, _ = mfa_device_create(account=account, name="phone", acting=root_acting)
    mfa_device_delete(device=device, acting=root_acting)

    with pytest.raises(NoSuchEntity) as caught:
        mfa_device_delete(device=device, acting=root_acting)

    assert caught.value.message == f"MFA Device with serial number {device.serial_number} does not exist."
    assert (
        AuditEvent.objects.filter(event_name="DeleteVirtualMFADevice", error_code="NoSuchEntity").count() == 1
    )


def test_another_account_cannot_deactivate_or_delete(account, root_acting, charlie_acting):
    device, _ = enabled_device(account, root_acting)

    with pytest.raises(NoSuchEntity):
        mfa_device_deactivate(device=device, acting=charlie_acting)
    with pytest.raises(NoSuchEntity):
        mfa_device_delete(device=device, acting=charlie_acting)

    device.refresh_from_db()
    assert device.enabled_at is not None


def test_user_devices_and_root_devices_are_separate(account, root_acting):
    bob = IAMUserFactory(account=account, name="bob")
    enabled_device(account, root_acting, user=bob, name="bob-phone")

    assert mfa_enabled_device(account=account) is None
    assert mfa_enabled_device(account=account, user=bob).name == "bob-phone"
    event = AuditEvent.objects.filter(event_name="EnableMFADevice").first()
    assert event.request_parameters["userName"] == "bob"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_devices_created_with_one_name_at_once_get_entity_already_exists(account, bob):
    _, lost = lose_race(
        winner=lambda: mfa_device_create(
            account=account, user=bob, name="phone", acting=Acting(account=account)
        ),
        loser=lambda: mfa_device_create(account=account, name="phone", acting=Acting(account=account)),
    )

    assert_refused_by_the_constraint(lost, "EntityAlreadyExists", "MFA device already exists.")
    assert list(MFADevice.objects.values_list("name", "user")) == [("phone", bob.pk)]
