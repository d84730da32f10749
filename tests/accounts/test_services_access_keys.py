import threading

import pytest
from django.db import IntegrityError, close_old_connections

from access.crypto import decrypt
from accounts.models import AccessKey, AuditEvent
from accounts.services.access_keys import access_key_create, access_key_delete, access_key_update_status
from aws.errors import LimitExceeded, NoSuchEntity, ValidationError

from .factories import IAMUserFactory


def test_create_key_returns_the_secret_once_and_stores_it_encrypted(account, bob, root_acting):
    key, secret = access_key_create(account=account, user=bob, acting=root_acting)

    assert key.access_key_id.startswith("AKIA") and len(key.access_key_id) == 20
    assert len(secret) == 40
    assert key.status == "Active"
    assert secret not in key.secret_encrypted
    assert decrypt(key.secret_encrypted) == secret
    event = AuditEvent.objects.get(event_name="CreateAccessKey")
    assert event.request_parameters == {"userName": "bob"}
    assert event.response_elements["accessKey"]["accessKeyId"] == key.access_key_id
    assert secret not in str(event.response_elements) and secret not in str(event.request_parameters)


def test_at_most_two_keys_per_user(account, bob, root_acting):
    access_key_create(account=account, user=bob, acting=root_acting)
    access_key_create(account=account, user=bob, acting=root_acting)

    with pytest.raises(LimitExceeded) as error:
        access_key_create(account=account, user=bob, acting=root_acting)

    assert error.value.message == "Cannot exceed quota for AccessKeysPerUser: 2"
    assert bob.access_keys.count() == 2
    assert AuditEvent.objects.filter(event_name="CreateAccessKey", error_code="LimitExceeded").count() == 1


def test_root_keys_have_their_own_limit(account, bob, root_acting):
    access_key_create(account=account, user=bob, acting=root_acting)
    access_key_create(account=account, user=bob, acting=root_acting)
    root_key, _ = access_key_create(account=account, acting=root_acting)
    access_key_create(account=account, acting=root_acting)

    assert root_key.user is None
    assert AuditEvent.objects.filter(event_name="CreateAccessKey").first().request_parameters == {}
    with pytest.raises(LimitExceeded):
        access_key_create(account=account, acting=root_acting)


def test_update_status_and_delete(account, bob, root_acting):
    key, _ = access_key_create(account=account, user=bob, acting=root_acting)

    access_key_update_status(key=key, status="Inactive", acting=root_acting)
    key.refresh_from_db()
    assert key.status == "Inactive"
    assert AuditEvent.objects.get(event_name="UpdateAccessKey").request_parameters == {
        "userName": "bob",
        "accessKeyId": key.access_key_id,
        "status": "Inactive",
    }

    with pytest.raises(ValidationError) as error:
        access_key_update_status(key=key, status="Paused", acting=root_acting)
    assert "Member must satisfy enum value set: [Active, Inactive]" in error.value.message

    access_key_delete(key=key, acting=root_acting)
    assert not AccessKey.objects.exists()
    with pytest.raises(NoSuchEntity) as error:
        access_key_delete(key=key, acting=root_acting)
    assert error.value.message == f"The Access Key with id {key.access_key_id} cannot be found."


def test_a_colliding_key_id_is_drawn_again(account, bob, root_acting, monkeypatch):
    taken, _ = access_key_create(account=account, user=bob, acting=root_acting)
    drawn = iter([taken.access_key_id, "AKIAFRESHKEY2345ABCD"])
    monkeypatch.setattr("accounts.services.access_keys.new_access_key_id", lambda: next(drawn))

    key, _ = access_key_create(account=account, acting=root_acting)

    assert key.access_key_id == "AKIAFRESHKEY2345ABCD"


def test_three_colliding_key_ids_in_a_row_fail_without_a_key(account, bob, root_acting, monkeypatch):
    # Three collisions of 16 random base32 characters never happen; if the generator broke, the
    # request fails loudly (a server error, as AWS's ServiceFailure) instead of looping for ever.
    taken, _ = access_key_create(account=account, user=bob, acting=root_acting)
    monkeypatch.setattr("accounts.services.access_keys.new_access_key_id", lambda: taken.access_key_id)

    with pytest.raises(IntegrityError, match="^Could not allocate a unique access key ID.$"):
        access_key_create(account=account, acting=root_acting)

    assert list(AccessKey.objects.values_list("pk", flat=True)) == [taken.pk]
    assert AuditEvent.objects.filter(event_name="CreateAccessKey").count() == 1


def test_keys_of_another_account_cannot_be_touched(
    account, bob, root_acting, charlie_acting, charlie_account
):
    key, _ = access_key_create(account=account, user=bob, acting=root_acting)
    with pytest.raises(NoSuchEntity):
        access_key_delete(key=key, acting=charlie_acting)
    with pytest.raises(NoSuchEntity):
        access_key_update_status(key=key, status="Inactive", acting=charlie_acting)
    with pytest.raises(NoSuchEntity):
        access_key_create(account=charlie_account, user=bob, acting=charlie_acting)
    assert AccessKey.objects.get().status == "Active"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("for_root", [False, True])
def test_the_two_key_limit_holds_under_concurrent_creates(account, root_acting, for_root):
    user = None if for_root else IAMUserFactory(account=account)
    barrier = threading.Barrier(6)
    outcomes = []

    def create():
        try:
            barrier.wait()
            access_key_create(account=account, user=user, acting=root_acting)
            outcomes.append("ok")
        except LimitExceeded:
            outcomes.append("limit")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["limit"] * 4 + ["ok"] * 2
    assert AccessKey.objects.filter(account=account, user=user).count() == 2
