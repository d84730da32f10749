"""Identity providers page: list, add (SAML and OpenID Connect), view, delete; charlie sees none of it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.models import OpenIDConnectProvider, SAMLProvider
from policies.services.providers import oidc_provider_create, saml_provider_create

from .test_providers_services import saml_metadata

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
CREATE = reverse("policies:identity_provider_create")


def test_list_full_page_and_fragment(root_client, account, root_acting):
    oidc_provider_create(
        account=account, url="https://issuer.example.com", client_ids=["a"], acting=root_acting
    )
    saml_provider_create(account=account, name="corp", metadata_document=saml_metadata(), acting=root_acting)
    url = reverse("policies:identity_provider_list")
    html = root_client.get(url).content.decode()
    assert "Identity providers" in html and "issuer.example.com" in html and "corp" in html
    assert "OpenID Connect" in html and "SAML" in html
    fragment = root_client.get(url, headers={**HX, "HX-Target": "provider-table"}).content.decode()
    assert fragment.lstrip().startswith('<div id="provider-table"')


def test_add_oidc_provider(root_client, account):
    form = root_client.get(CREATE, {"provider_type": "oidc"}).content.decode()
    assert "Provider URL" in form
    response = root_client.post(
        CREATE,
        {
            "provider_type": "oidc",
            "url": "https://token.actions.githubusercontent.com",
            "audience": "sts.amazonaws.com",
            "action": "add",
        },
    )
    provider = OpenIDConnectProvider.objects.get(account=account)
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:identity_provider_detail", args=["oidc", provider.pk])
    assert provider.client_ids == ["sts.amazonaws.com"]
    page = root_client.get(response["Location"]).content.decode()
    assert provider.arn in page and "sts.amazonaws.com" in page


def test_add_oidc_refuses_http_inline(root_client):
    response = root_client.post(
        CREATE,
        {"provider_type": "oidc", "url": "http://insecure.example.com", "audience": "a", "action": "add"},
        headers={**HX, "HX-Target": "provider-form"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="provider-form"')
    assert "Invalid Open ID Connect Provider URL" in html
    assert not OpenIDConnectProvider.objects.exists()


def test_switching_type_keeps_the_form(root_client):
    response = root_client.post(
        CREATE, {"provider_type": "oidc", "action": "switch"}, headers={**HX, "HX-Target": "provider-form"}
    )
    assert response.status_code == 200 and "Provider URL" in response.content.decode()


def test_add_saml_provider_from_an_uploaded_file(root_client, account):
    upload = SimpleUploadedFile("metadata.xml", saml_metadata().encode(), content_type="text/xml")
    response = root_client.post(
        CREATE, {"provider_type": "saml", "name": "corp", "metadata_file": upload, "action": "add"}
    )
    assert response.status_code == 302
    provider = SAMLProvider.objects.get(account=account, name="corp")
    page = root_client.get(response["Location"]).content.decode()
    assert provider.arn in page and "https://idp.example.com/saml" in page


def test_add_saml_refuses_bad_metadata(root_client):
    response = root_client.post(
        CREATE,
        {"provider_type": "saml", "name": "corp", "metadata": "<a>" + "x" * 1000 + "</a>", "action": "add"},
        headers={**HX, "HX-Target": "provider-form"},
    )
    assert response.status_code == 422
    assert "Could not parse metadata" in response.content.decode()


def test_delete_provider_by_typing_its_name(root_client, account, root_acting):
    provider = saml_provider_create(
        account=account, name="corp", metadata_document=saml_metadata(), acting=root_acting
    )
    url = reverse("policies:identity_provider_delete", args=["saml", "corp"])
    dialog = root_client.get(url, headers={**HX, "HX-Target": "provider-dialog"}).content.decode()
    assert dialog.lstrip().startswith('<div id="provider-dialog"')
    assert root_client.post(url, {"confirm": "nope"}).status_code == 422
    assert root_client.post(url, {"confirm": "corp"}).status_code == 302
    assert not SAMLProvider.objects.filter(pk=provider.pk).exists()


def test_charlie_gets_404(charlie_client, account, root_acting):
    oidc = oidc_provider_create(
        account=account, url="https://issuer.example.com", client_ids=["a"], acting=root_acting
    )
    saml_provider_create(account=account, name="corp", metadata_document=saml_metadata(), acting=root_acting)
    for kind, key in (("oidc", oidc.pk), ("saml", "corp"), ("ldap", "x"), ("oidc", "abc")):
        assert (
            charlie_client.get(reverse("policies:identity_provider_detail", args=[kind, key])).status_code
            == 404
        )
        assert (
            charlie_client.post(
                reverse("policies:identity_provider_delete", args=[kind, key]), {"confirm": "corp"}
            ).status_code
            == 404
        )
    assert (
        "issuer.example.com"
        not in charlie_client.get(reverse("policies:identity_provider_list")).content.decode()
    )
    assert OpenIDConnectProvider.objects.count() == 1 and SAMLProvider.objects.count() == 1
