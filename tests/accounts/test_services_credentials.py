"""The services behind SSH public keys, signing certificates, service-specific credentials and group
renames, called as the console and the API call them: refusals a request can meet, races included."""

import pytest

from access.acting import Acting
from accounts.models import AuditEvent, Group, SigningCertificate
from accounts.services.groups import group_update
from accounts.services.service_credentials import service_credential_create, service_credential_delete
from accounts.services.signing_certificates import signing_certificate_delete, signing_certificate_upload
from accounts.services.ssh_keys import (
    ssh_public_key_delete,
    ssh_public_key_update_status,
    ssh_public_key_upload,
)
from aws.errors import NoSuchEntity, ValidationError
from tests.aws_api.test_credentials import certificate_pem, openssh, rsa_key
from tests.races import assert_refused_by_the_constraint, lose_race

from .factories import GroupFactory, IAMUserFactory


@pytest.fixture(scope="module")
def key():
    return rsa_key()


def test_an_ssh_key_status_outside_the_models_set_is_a_validation_error(bob, root_acting, key):
    uploaded = ssh_public_key_upload(user=bob, body=openssh(key), acting=root_acting)
    with pytest.raises(ValidationError) as error:
        ssh_public_key_update_status(key=uploaded, status="On", acting=root_acting)
    assert error.value.message == (
        "1 validation error detected: Value 'On' at 'status' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Active, Inactive]"
    )


def test_deleting_what_another_request_deleted_first_is_no_such_entity(bob, root_acting, key):
    ssh = ssh_public_key_upload(user=bob, body=openssh(key), acting=root_acting)
    certificate = signing_certificate_upload(
        account=bob.account, user=bob, body=certificate_pem(key), acting=root_acting
    )
    credential, _ = service_credential_create(
        user=bob, service_name="codecommit.amazonaws.com", acting=root_acting
    )
    for delete, entity, keyword, message in (
        (ssh_public_key_delete, ssh, "key", f"The Public Key with id {ssh.key_id} cannot be found."),
        (
            signing_certificate_delete,
            certificate,
            "certificate",
            f"The Certificate with id {certificate.certificate_id} cannot be found.",
        ),
        (
            service_credential_delete,
            credential,
            "credential",
            f"The Service Specific Credential with id {credential.credential_id} cannot be found.",
        ),
    ):
        delete(**{keyword: entity}, acting=root_acting)
        with pytest.raises(NoSuchEntity) as error:
            delete(**{keyword: entity}, acting=root_acting)  # the same object, already gone
        assert error.value.message == message


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_upload_of_the_same_certificate_gets_duplicate_certificate(account, key):
    alice, carol = (
        IAMUserFactory(account=account, name="alice"),
        IAMUserFactory(account=account, name="carol"),
    )
    body = certificate_pem(key)
    _, lost = lose_race(
        winner=lambda: signing_certificate_upload(
            account=account, user=alice, body=body, acting=Acting(account=account)
        ),
        loser=lambda: signing_certificate_upload(
            account=account, user=carol, body=body, acting=Acting(account=account)
        ),
    )
    assert_refused_by_the_constraint(
        lost,
        "DuplicateCertificate",
        "The same certificate is already associated with an IAM user in the account.",
    )
    assert list(SigningCertificate.objects.values_list("user__name", flat=True)) == ["alice"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_group_rename_to_the_same_name_gets_entity_already_exists(account):
    first, second = (GroupFactory(account=account, name=name) for name in ("first", "second"))
    _, lost = lose_race(
        winner=lambda: group_update(group=first, new_name="Shared", acting=Acting(account=account)),
        loser=lambda: group_update(group=second, new_name="shared", acting=Acting(account=account)),
    )
    assert_refused_by_the_constraint(lost, "EntityAlreadyExists", "Group with name shared already exists.")
    assert sorted(Group.objects.filter(account=account).values_list("name", flat=True)) == [
        "Shared",
        "second",
    ]
    assert AuditEvent.objects.filter(event_name="UpdateGroup", error_code="EntityAlreadyExists").exists()
