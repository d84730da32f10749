"""The access portal's device page (sso-oidc's verificationUri): signed out, the portal's sign-in comes
first and returns with the code; signed in, dana confirms the code, then allows access, and the
CLI's CreateToken gets her token. A wrong, expired or used code, or another portal's, is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from identitycenter import services, tokens
from identitycenter.models import DeviceAuthorization
from organizations import services as organizations_services

from .portal_helpers import sign_in, url, with_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(instance):
    client, secret = tokens.client_register(
        name="botocore-client-dev", grant_types=[tokens.DEVICE_CODE_GRANT]
    )
    authorization, code = tokens.device_authorization_start(
        client_id=client.client_id,
        client_secret=secret,
        start_url=f"http://testserver/start/{instance.identity_store_id}/",
    )
    return authorization, lambda: tokens.token_create(
        client_id=client.client_id,
        client_secret=secret,
        grant_type=tokens.DEVICE_CODE_GRANT,
        device_code=code,
    )


@pytest.fixture
def signed_in(client, instance, dana):
    with_password(dana)
    sign_in(client, instance, "dana")
    return client


def test_signed_out_the_portal_sign_in_comes_first_and_keeps_the_code(client, instance, pending):
    authorization, _ = pending
    page = url("device", instance) + f"?user_code={authorization.user_code}"
    answer = client.get(page)
    assert answer.status_code == 302
    assert answer.url.startswith(url("signin", instance)) and "user_code" in answer.url


def test_confirm_the_code_then_allow_access_gives_the_cli_its_token(signed_in, instance, dana, pending):
    authorization, create_token = pending
    page = url("device", instance)
    first = signed_in.get(page, {"user_code": authorization.user_code})
    body = first.content.decode()
    assert first.status_code == 200 and "Authorization requested" in body
    assert f'value="{authorization.user_code}"' in body and "Confirm and continue" in body
    confirm = signed_in.post(page, {"user_code": authorization.user_code.lower(), "action": "confirm"})
    body = confirm.content.decode()
    assert "Allow botocore-client-dev to access your data?" in body and "Allow access" in body
    authorization.refresh_from_db()
    assert authorization.approved_at is None  # confirming is not allowing
    allowed = signed_in.post(page, {"user_code": authorization.user_code, "action": "allow"})
    assert "Request approved" in allowed.content.decode()
    authorization.refresh_from_db()
    assert authorization.approved_by == dana
    row, _, _ = create_token()
    assert row.user == dana


@pytest.mark.parametrize("action", ["confirm", "allow"])
def test_a_wrong_expired_or_used_code_is_refused(signed_in, instance, dana, pending, action):
    authorization, _ = pending
    page = url("device", instance)
    wrong = signed_in.post(page, {"user_code": "BCDF-GHJK", "action": action})
    assert tokens.USER_CODE_INVALID in wrong.content.decode()
    empty = signed_in.post(page, {"user_code": "", "action": action})
    assert "This field is required." in empty.content.decode()
    DeviceAuthorization.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = signed_in.post(page, {"user_code": authorization.user_code, "action": action})
    assert tokens.USER_CODE_INVALID in expired.content.decode()
    assert DeviceAuthorization.objects.get().approved_at is None


def test_a_code_of_another_portal_is_not_found_here(client, signed_in, instance, charlie_acting):
    organization = organizations_services.organization_create(acting=charlie_acting)
    elsewhere = services.instance_create(organization=organization, acting=charlie_acting)
    other, secret = tokens.client_register(name="other")
    foreign, _ = tokens.device_authorization_start(
        client_id=other.client_id,
        client_secret=secret,
        start_url=f"http://testserver/start/{elsewhere.identity_store_id}/",
    )
    answer = signed_in.post(url("device", instance), {"user_code": foreign.user_code, "action": "allow"})
    assert tokens.USER_CODE_INVALID in answer.content.decode()
    assert DeviceAuthorization.objects.get().approved_at is None
    # dana's session is her store's: the other portal's device page sends her to its sign-in.
    assert signed_in.get(url("device", elsewhere)).status_code == 302


def test_the_page_serves_get_and_post_only(signed_in, instance):
    assert signed_in.put(url("device", instance)).status_code == 405
