"""The services behind server certificates, called as the console and the API call them: refusals a
request can meet, races included."""

import pytest

from access.acting import Acting
from accounts.models import AuditEvent, ServerCertificate
from accounts.services.server_certificates import (
    server_certificate_delete,
    server_certificate_tag,
    server_certificate_untag,
    server_certificate_update,
    server_certificate_upload,
)
from aws.errors import NoSuchEntity
from tests.aws_api.test_credentials import rsa_key
from tests.aws_api.test_server_certificates import issue, pem_of, private_pem
from tests.races import assert_refused_by_the_constraint, lose_race


@pytest.fixture(scope="module")
def pair():
    key = rsa_key()
    return pem_of(issue(key, "www.example.com")), private_pem(key)


def _upload(account, pair, name="web", acting=None, **more):
    body, private_key = pair
    return server_certificate_upload(
        account=account,
        name=name,
        body=body,
        private_key=private_key,
        acting=acting or Acting(account=account),
        **more,
    )


@pytest.mark.django_db
def test_the_upload_event_shows_the_certificate_never_the_private_key(account, root_acting, pair):
    uploaded = _upload(account, pair, path="/cdn/", acting=root_acting)
    event = AuditEvent.objects.get(event_name="UploadServerCertificate")
    assert event.request_parameters == {
        "serverCertificateName": "web",
        "path": "/cdn/",
        "certificateBody": pair[0],
    }
    assert event.response_elements["serverCertificateMetadata"]["serverCertificateId"] == (
        uploaded.server_certificate_id
    )
    assert "PRIVATE KEY" not in str(event.request_parameters) + str(event.response_elements)


@pytest.mark.django_db
def test_deleting_what_another_request_deleted_first_is_no_such_entity(account, root_acting, pair):
    uploaded = _upload(account, pair, acting=root_acting)
    server_certificate_delete(server_certificate=uploaded, acting=root_acting)
    with pytest.raises(NoSuchEntity) as error:
        server_certificate_delete(server_certificate=uploaded, acting=root_acting)  # the same object, gone
    assert error.value.message == "The Server Certificate with name web cannot be found."


@pytest.mark.django_db
def test_charlie_cannot_touch_alices_certificate(account, root_acting, charlie_acting, pair):
    uploaded = _upload(account, pair, acting=root_acting, tags=[("team", "web")])
    calls = (
        (server_certificate_update, {"new_name": "mine"}),
        (server_certificate_delete, {}),
        (server_certificate_tag, {"tags": [("k", "v")]}),
        (server_certificate_untag, {"keys": ["team"]}),
    )
    for call, more in calls:
        with pytest.raises(NoSuchEntity) as error:
            call(server_certificate=uploaded, acting=charlie_acting, **more)
        assert error.value.message == "The Server Certificate with name web cannot be found."
    stored = ServerCertificate.objects.get()
    assert (stored.name, list(stored.tags.values_list("key", flat=True))) == ("web", ["team"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_upload_meeting_a_concurrent_rename_to_its_name_gets_entity_already_exists(account, pair):
    renamed = _upload(account, pair, name="old")
    _, lost = lose_race(
        winner=lambda: server_certificate_update(
            server_certificate=renamed, new_name="Web", acting=Acting(account=account)
        ),
        loser=lambda: _upload(account, pair, name="web"),
    )
    assert_refused_by_the_constraint(
        lost, "EntityAlreadyExists", "The Server Certificate with name web already exists."
    )
    assert list(ServerCertificate.objects.values_list("name", flat=True)) == ["Web"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rename_meeting_a_concurrent_upload_of_its_name_gets_entity_already_exists(account, pair):
    renamed = _upload(account, pair, name="old")
    _, lost = lose_race(
        winner=lambda: _upload(account, pair, name="Web"),
        loser=lambda: server_certificate_update(
            server_certificate=renamed, new_name="web", acting=Acting(account=account)
        ),
    )
    assert_refused_by_the_constraint(
        lost, "EntityAlreadyExists", "The Server Certificate with name web already exists."
    )
    assert sorted(ServerCertificate.objects.values_list("name", flat=True)) == ["Web", "old"]
