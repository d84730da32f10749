"""Virtual MFA devices: TOTP (RFC 6238) seeds encrypted at rest, enabling with two consecutive codes,
verification that refuses a code used before, resync, deactivate and delete."""

import datetime
import hmac
import re
import struct
import time
import zlib

import pyotp
import qrcode
import qrcode.image.svg
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from access import crypto
from access.audit import audited
from access.entities import ensure_same_account, entity_tags_add, tags_remove
from accounts.models import MFADevice, MFADeviceTag
from aws.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from aws.names import tags_param, validate_path, validate_tags

MFA_DEVICES_PER_USER = 8  # IAM's quota, for each IAM user and for the root user
SEED_LENGTH = 64  # base32 characters, as the Base32StringSeed IAM returns
STEP_SECONDS = 30
ISSUER = "IAM Console"
NAME_PATTERN = r"[\w+=,.@-]+"
_NAME_RE = re.compile(NAME_PATTERN)
# Codes are accepted one step either side of now (clock drift); resync looks further.
VERIFY_DRIFT_STEPS = 1
ENABLE_LOOKBACK_STEPS = 3
RESYNC_DRIFT_STEPS = 20

INVALID_CODE = "Authentication code for device is not valid."
# An unfinished device (its dialog abandoned) may be cleared by a later "Assign MFA device" for the
# same identity after this long; before that it is someone's set-up in progress.
PENDING_TTL = datetime.timedelta(minutes=15)


def _now():
    # One place for the clock, so tests can move it.
    return time.time()


def _current_step():
    return int(_now() // STEP_SECONDS)


def _totp(seed):
    return pyotp.TOTP(seed, interval=STEP_SECONDS)


def _step_of(totp, code, steps):
    """The first step in `steps` whose code is `code`, compared in constant time; None when none is."""
    code = str(code or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        return None
    for step in steps:
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _seed(device):
    return crypto.decrypt(device.seed_encrypted)


def _owner_devices(*, account, user):
    return MFADevice.objects.filter(account=account, user=user)


def _check_quota(*, account, user):
    if (
        _owner_devices(account=account, user=user).filter(enabled_at__isnull=False).count()
        >= MFA_DEVICES_PER_USER
    ):
        raise LimitExceeded(f"Cannot exceed quota for MFADevicesPerUser: {MFA_DEVICES_PER_USER}")


def _same_account(device, acting):
    if device.account_id != acting.account.id:
        raise NoSuchEntity(f"MFA Device with serial number {device.serial_number} does not exist.")


def _validate_name(name):
    errors = []
    if not 1 <= len(name) <= 226:
        bound = "greater than or equal to 1" if not name else "less than or equal to 226"
        errors.append(
            f"Value '{name}' at 'virtualMFADeviceName' failed to satisfy constraint: Member must have length {bound}"
        )
    if name and not _NAME_RE.fullmatch(name):
        errors.append(
            f"Value '{name}' at 'virtualMFADeviceName' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
        )
    if errors:
        noun = "validation error" if len(errors) == 1 else "validation errors"
        raise ValidationError(f"{len(errors)} {noun} detected: " + "; ".join(errors))


def _device_params(kwargs):
    device = kwargs["device"]
    params = {"serialNumber": device.serial_number}
    if device.user_id:
        params["userName"] = device.user.name
    for key, aws in (("code1", "authenticationCode1"), ("code2", "authenticationCode2")):
        if key in kwargs:
            params[aws] = kwargs[key]
    return params


@audited(
    "CreateVirtualMFADevice",
    params=lambda kw: {
        "virtualMFADeviceName": kw["name"],
        "path": kw.get("path", "/"),
        **({"tags": tags_param(kw["tags"])} if kw.get("tags") else {}),
    },
    response=lambda result: {"virtualMFADevice": {"serialNumber": result[0].serial_number}},
)
def mfa_device_create(*, account, user=None, name, path="/", tags=(), acting, replacing=None):
    """A new virtual MFA device for an IAM user (or the root user when `user` is None): (device, seed).

    The seed is returned once to show as a QR code and as text; it is stored encrypted and never shown
    again. `replacing` is the unfinished device the same console dialog made before (opened again);
    other unfinished devices of the identity are cleared only once abandoned (PENDING_TTL), so that
    nobody can cancel another person's set-up in progress by starting one.
    """
    if account.id != acting.account.id or (user is not None and user.account_id != account.id):
        raise NoSuchEntity(f"The user with name {user.name if user else 'root'} cannot be found.")
    if user is None and not acting.is_root:
        # Only the root user makes devices for itself; anyone else names the user.
        raise AccessDenied(f"User: {acting.arn} is not authorized to manage the root user's MFA devices")
    name = (name or "").strip()
    _validate_name(name)
    validate_path(path, empty_segments=True)
    tags = validate_tags(tags)
    _check_quota(account=account, user=user)
    unfinished = _owner_devices(account=account, user=user).filter(enabled_at__isnull=True)
    abandoned = Q(created_at__lt=timezone.now() - PENDING_TTL)
    if replacing is not None:
        abandoned |= Q(pk=replacing.pk)
    unfinished.filter(abandoned).delete()
    if MFADevice.objects.filter(account=account, path=path, name=name).exists():
        raise EntityAlreadyExists("MFA device already exists.")
    seed = pyotp.random_base32(length=SEED_LENGTH)
    try:
        with transaction.atomic():
            device = MFADevice.objects.create(
                account=account, user=user, name=name, path=path, seed_encrypted=crypto.encrypt(seed)
            )
    except IntegrityError as exc:
        raise EntityAlreadyExists("MFA device already exists.") from exc
    MFADeviceTag.objects.bulk_create(
        [MFADeviceTag(device=device, key=key, value=value) for key, value in tags]
    )
    return device, seed


def _device_not_found(device):
    return f"MFA Device with serial number {device.serial_number} does not exist."


@audited(
    "TagMFADevice",
    params=lambda kw: {"serialNumber": kw["device"].serial_number, "tags": tags_param(list(kw["tags"]))},
)
def mfa_device_tag(*, device, tags, acting):
    """Add tags or replace the values of existing keys (keys match ignoring case)."""
    ensure_same_account(device, acting, _device_not_found(device))
    entity_tags_add(device, tags)


@audited(
    "UntagMFADevice",
    params=lambda kw: {"serialNumber": kw["device"].serial_number, "tagKeys": list(kw["keys"])},
)
def mfa_device_untag(*, device, keys, acting):
    """Remove tags by key (ignoring case); unknown keys are ignored, as AWS does."""
    ensure_same_account(device, acting, _device_not_found(device))
    tags_remove(device.tags, keys)


def mfa_provisioning_uri(*, device, seed):
    """The otpauth:// URI an authenticator app reads: issuer "IAM Console", label identity@alias-or-id."""
    identity = device.user.name if device.user_id else "root"
    return _totp(seed).provisioning_uri(
        name=f"{identity}@{device.account.alias or device.account_id}", issuer_name=ISSUER
    )


def mfa_qr_svg(*, device, seed):
    """The QR code of the provisioning URI as inline SVG, drawn here: the seed never leaves the server."""
    image = qrcode.make(
        mfa_provisioning_uri(device=device, seed=seed),
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=8,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for the virtual MFA device" ', 1)


def mfa_qr_png(*, device, seed):
    """The QR code of the provisioning URI as a PNG (the API's QRCodePNG), written with zlib alone."""
    code = qrcode.QRCode(border=4)
    code.add_data(mfa_provisioning_uri(device=device, seed=seed))
    matrix = code.get_matrix()
    scale = 4
    rows = b""
    for row in matrix:
        line = b"\x00" + bytes(0 if dark else 255 for dark in row for _ in range(scale))
        rows += line * scale
    size = len(matrix) * scale

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _enable_params(kwargs):
    params = _device_params(kwargs)
    if kwargs.get("assign_to") is not None:
        params["userName"] = kwargs["assign_to"].name
    return params


@audited("EnableMFADevice", params=_enable_params)
def mfa_device_enable(*, device, code1, code2, acting, assign_to=None):
    """Enable a virtual device with two consecutive codes from the authenticator app (AWS's rule).

    `assign_to` is the IAM user the API's EnableMFADevice names: the device becomes theirs, as in
    IAM, where a virtual device belongs to nobody until it is enabled for someone."""
    _same_account(device, acting)
    device = (
        MFADevice.objects.select_for_update(of=("self",)).select_related("user", "account").get(pk=device.pk)
    )
    if device.enabled_at is not None:
        raise EntityAlreadyExists("MFA Device is already in use.")
    if assign_to is not None:
        ensure_same_account(assign_to, acting, f"The user with name {assign_to.name} cannot be found.")
        device.user = assign_to
    _check_quota(account=device.account, user=device.user)
    totp = _totp(_seed(device))
    now = _current_step()
    # code1 is from a step up to a couple of minutes ago, code2 from the step right after it.
    step = _step_of(totp, code1, range(now - ENABLE_LOOKBACK_STEPS, now + 1))
    if step is None or _step_of(totp, code2, [step + 1]) is None:
        raise InvalidAuthenticationCode(INVALID_CODE)
    device.enabled_at = timezone.now()
    device.last_used_step = step + 1
    device.save(update_fields=["user", "enabled_at", "last_used_step"])
    return device


def mfa_verify(*, device, code):
    """True when `code` is valid now (one step of drift either way) and newer than the last code
    accepted: a code is never accepted twice (replay refused)."""
    with transaction.atomic():
        device = MFADevice.objects.select_for_update().filter(pk=device.pk, enabled_at__isnull=False).first()
        if device is None:
            return False
        now = _current_step() + device.drift_steps
        steps = range(now - VERIFY_DRIFT_STEPS, now + VERIFY_DRIFT_STEPS + 1)
        step = _step_of(_totp(_seed(device)), code, steps)
        if step is None or (device.last_used_step is not None and step <= device.last_used_step):
            return False
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
        return True


@audited("ResyncMFADevice", params=_device_params)
def mfa_device_resync(*, device, code1, code2, acting):
    """Resynchronize a device whose clock drifted: two consecutive codes, looked for further away."""
    _same_account(device, acting)
    device = (
        MFADevice.objects.select_for_update(of=("self",)).select_related("user", "account").get(pk=device.pk)
    )
    if device.enabled_at is None:
        raise NoSuchEntity(f"MFA Device with serial number {device.serial_number} does not exist.")
    totp = _totp(_seed(device))
    now = _current_step()
    steps = range(now - RESYNC_DRIFT_STEPS, now + RESYNC_DRIFT_STEPS)
    step = _step_of(totp, code1, steps)
    if step is None or _step_of(totp, code2, [step + 1]) is None:
        raise InvalidAuthenticationCode(INVALID_CODE)
    # The pair sets a new baseline: a slow device's codes are older than the last one accepted.
    device.drift_steps = step + 1 - now
    device.last_used_step = step + 1
    device.save(update_fields=["drift_steps", "last_used_step"])
    return device


@audited("DeactivateMFADevice", params=_device_params)
def mfa_device_deactivate(*, device, acting):
    """Detach the device from its identity: sign-in no longer asks for its codes."""
    _same_account(device, acting)
    if device.enabled_at is None:
        raise NoSuchEntity(f"MFA Device with serial number {device.serial_number} does not exist.")
    MFADevice.objects.filter(pk=device.pk).update(enabled_at=None, last_used_step=None, drift_steps=0)
    device.enabled_at = None
    device.last_used_step = None
    return device


@audited("DeleteVirtualMFADevice", params=lambda kw: {"serialNumber": kw["device"].serial_number})
def mfa_device_delete(*, device, acting):
    """Delete a virtual device; an enabled one must be deactivated first, as in IAM."""
    _same_account(device, acting)
    if MFADevice.objects.filter(pk=device.pk, enabled_at__isnull=False).exists():
        raise DeleteConflict("MFA device is still in use.")
    deleted, _ = MFADevice.objects.filter(pk=device.pk).delete()
    if not deleted:
        raise NoSuchEntity(f"MFA Device with serial number {device.serial_number} does not exist.")


def mfa_enabled_device(*, account, user=None):
    """The identity's first enabled device (sign-in asks for its code), or None."""
    return (
        MFADevice.objects.filter(account=account, user=user, enabled_at__isnull=False)
        .order_by("enabled_at")
        .first()
    )
