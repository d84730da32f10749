"""Service-specific credentials of IAM users: a user name and password for CodeCommit's Git over
HTTPS or Amazon Keyspaces, the password shown once (at creation or reset) and stored hashed."""

from django.contrib.auth.hashers import make_password

from access.audit import audited
from access.entities import ensure_same_account
from accounts.models import IAMUser, ServiceSpecificCredential
from accounts.services.ssh_keys import validate_status
from aws.errors import LimitExceeded, NoSuchEntity, ServiceNotSupported
from aws.ids import new_service_password

# The services whose user name and password IAM issues (Amazon Bedrock's API keys are not modelled).
SUPPORTED_SERVICES = ("codecommit.amazonaws.com", "cassandra.amazonaws.com")
CREDENTIALS_PER_USER_PER_SERVICE = 2


def _missing(credential_id):
    return f"The Service Specific Credential with id {credential_id} cannot be found."


def service_credential_not_found(credential_id):
    return NoSuchEntity(_missing(credential_id))


def service_credential_elements(credential):
    """CloudTrail's `serviceSpecificCredential` response element (never the password)."""
    return {
        "createDate": credential.created_at.isoformat() if credential.created_at else None,
        "serviceName": credential.service_name,
        "serviceUserName": credential.service_user_name,
        "serviceSpecificCredentialId": credential.credential_id,
        "userName": credential.user.name,
        "status": credential.status,
    }


def _credential_params(kw):
    credential = kw["credential"]
    return {"userName": credential.user.name, "serviceSpecificCredentialId": credential.credential_id}


@audited(
    "CreateServiceSpecificCredential",
    params=lambda kw: {"userName": kw["user"].name, "serviceName": kw["service_name"]},
    response=lambda result: {"serviceSpecificCredential": service_credential_elements(result[0])},
)
def service_credential_create(*, user, service_name, acting):
    """A credential for one service: (the credential, its plaintext password); 2 per user per service."""
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    if service_name not in SUPPORTED_SERVICES:
        raise ServiceNotSupported(f"The specified service {service_name} is not supported.")
    IAMUser.objects.select_for_update().filter(pk=user.pk).first()
    if (
        ServiceSpecificCredential.objects.filter(user=user, service_name=service_name).count()
        >= CREDENTIALS_PER_USER_PER_SERVICE
    ):
        raise LimitExceeded(
            "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: "
            f"{CREDENTIALS_PER_USER_PER_SERVICE}"
        )
    password = new_service_password()
    credential = ServiceSpecificCredential.objects.create(
        account_id=user.account_id,
        user=user,
        service_name=service_name,
        # IAM's form: the user's name, "-at-", the account ID.
        service_user_name=f"{user.name}-at-{user.account_id}",
        password=make_password(password),
    )
    return credential, password


@audited(
    "ResetServiceSpecificCredential",
    params=_credential_params,
    response=lambda result: {"serviceSpecificCredential": service_credential_elements(result[0])},
)
def service_credential_reset(*, credential, acting):
    """A new password for the credential (the old one stops working): (the credential, the password)."""
    ensure_same_account(credential, acting, _missing(credential.credential_id))
    password = new_service_password()
    credential.password = make_password(password)
    credential.save(update_fields=["password"])
    return credential, password


@audited(
    "UpdateServiceSpecificCredential", params=lambda kw: {**_credential_params(kw), "status": kw["status"]}
)
def service_credential_update_status(*, credential, status, acting):
    """Make a credential Active or Inactive."""
    ensure_same_account(credential, acting, _missing(credential.credential_id))
    credential.status = validate_status(status)
    credential.save(update_fields=["status"])
    return credential


@audited("DeleteServiceSpecificCredential", params=_credential_params)
def service_credential_delete(*, credential, acting):
    """Delete a credential for good."""
    ensure_same_account(credential, acting, _missing(credential.credential_id))
    deleted, _ = ServiceSpecificCredential.objects.filter(pk=credential.pk).delete()
    if not deleted:
        raise service_credential_not_found(credential.credential_id)
