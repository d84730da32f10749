"""The enforcement middleware's own refusals: a page in neither table, a refused write a view lets
through, and a root user's key named by an IAM user."""

from django.test import RequestFactory
from django.urls import resolve, reverse

from access.acting import Acting
from accounts.models import AccessKey
from accounts.services.access_keys import access_key_create
from aws.errors import AccessDenied
from iamconsole import enforcement


def test_a_page_in_neither_table_is_refused_even_to_the_root_user(root_client, monkeypatch):
    pages = {name: page for name, page in enforcement.PAGES.items() if name != "accounts:user_list"}
    monkeypatch.setattr(enforcement, "PAGES", pages)

    response = root_client.get(reverse("accounts:user_list"))

    assert response.status_code == 403
    assert "accounts:user_list is not a console page." in response.content.decode()


def test_a_refused_write_a_view_does_not_catch_is_shown_as_the_pages_refusal(root_client, account):
    request = RequestFactory().post(reverse("accounts:user_list"))
    request.session = root_client.session
    request.resolver_match = resolve(reverse("accounts:user_list"))
    request.acting = Acting(account=account)
    request.htmx = False
    middleware = enforcement.EnforcementMiddleware(lambda request: None)

    response = middleware.process_exception(request, AccessDenied("User: you is not authorized."))

    assert response.status_code == 403 and "User: you is not authorized." in response.content.decode()
    assert middleware.process_exception(request, ValueError("not ours")) is None


def test_an_iam_user_naming_the_root_users_key_is_refused_on_the_root_user(client, account, bob, sign_in_as):
    key, _ = access_key_create(account=account, user=None, acting=Acting(account=account))
    signed_in = sign_in_as(client, account, bob)

    response = signed_in.post(
        reverse("accounts:access_key_action", args=[key.access_key_id]), {"action": "deactivate"}
    )

    # Refused on the root user's ARN; the message does not say whose key it is (the URL named a key ID).
    assert response.status_code == 403
    page = response.content.decode()
    assert (
        f"User: {bob.arn} is not authorized to perform: iam:ListAccessKeys because no identity-based "
        "policy allows the iam:ListAccessKeys action"
    ) in page
    assert account.root_arn not in page
    assert AccessKey.objects.get(pk=key.pk).status == AccessKey.Status.ACTIVE
