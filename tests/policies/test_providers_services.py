"""Identity provider services: CreateOpenIDConnectProvider and CreateSAMLProvider rules, delete."""

import datetime

import pytest

from access.acting import Acting
from accounts.models import AuditEvent
from aws.errors import EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity, ValidationError
from policies.models import OpenIDConnectProvider, SAMLProvider
from policies.services.providers import (
    oidc_provider_add_client_id,
    oidc_provider_create,
    oidc_provider_delete,
    oidc_provider_remove_client_id,
    oidc_provider_tag,
    oidc_provider_untag,
    oidc_provider_update_thumbprints,
    saml_entity_id,
    saml_provider_create,
    saml_provider_delete,
    saml_provider_tag,
    saml_provider_untag,
    saml_provider_update,
    saml_valid_until,
)
from tests.races import assert_refused_by_the_constraint, lose_race

pytestmark = pytest.mark.django_db

THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"


def saml_metadata(entity_id="https://idp.example.com/saml", padding=1000):
    """A SAML 2.0 metadata document of at least 1,000 characters, as IdPs publish them."""
    certificate = "MIIC" + "A" * padding
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
        f"<ds:X509Data><ds:X509Certificate>{certificate}</ds:X509Certificate></ds:X509Data>"
        "</ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        'Location="https://idp.example.com/sso"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )


def test_oidc_provider_arn_drops_the_scheme(account, root_acting):
    provider = oidc_provider_create(
        account=account,
        url="https://token.actions.githubusercontent.com",
        client_ids=["sts.amazonaws.com"],
        thumbprints=[THUMBPRINT.upper()],
        acting=root_acting,
    )
    assert provider.arn == f"arn:aws:iam::{account.id}:oidc-provider/token.actions.githubusercontent.com"
    assert provider.client_ids == ["sts.amazonaws.com"]
    assert provider.thumbprints == [THUMBPRINT]
    event = AuditEvent.objects.get(event_name="CreateOpenIDConnectProvider")
    assert event.response_elements == {"openIDConnectProviderArn": provider.arn}


def test_oidc_thumbprints_are_optional(account, root_acting):
    provider = oidc_provider_create(
        account=account, url="https://accounts.example.com/tenant", client_ids=["app"], acting=root_acting
    )
    assert provider.thumbprints == []
    assert provider.url == "accounts.example.com/tenant"


def test_oidc_url_once_per_account(account, root_acting, charlie_account, charlie_acting):
    oidc_provider_create(
        account=account, url="https://issuer.example.com", client_ids=["a"], acting=root_acting
    )
    with pytest.raises(EntityAlreadyExists) as exc:
        oidc_provider_create(
            account=account, url="https://issuer.example.com", client_ids=["b"], acting=root_acting
        )
    assert exc.value.message == "Provider with url https://issuer.example.com already exists."
    assert oidc_provider_create(
        account=charlie_account, url="https://issuer.example.com", client_ids=["a"], acting=charlie_acting
    )


@pytest.mark.parametrize(
    ("url", "error", "message"),
    [
        ("http://issuer.example.com", ValidationError, "Invalid Open ID Connect Provider URL"),
        ("issuer.example.com", ValidationError, "Invalid Open ID Connect Provider URL"),
        ("https://", ValidationError, "Invalid Open ID Connect Provider URL"),
        ("https://issuer.example.com/oidc?tenant=1", ValidationError, "Invalid Open ID Connect Provider URL"),
        ("https://issuer.example.com/#oidc", ValidationError, "Invalid Open ID Connect Provider URL"),
        (
            "https://" + "a" * 248,
            ValidationError,
            "at 'url' failed to satisfy constraint: Member must have length less than or equal to 255",
        ),
    ],
)
def test_oidc_url_must_be_https_and_at_most_255(account, root_acting, url, error, message):
    with pytest.raises(error) as exc:
        oidc_provider_create(account=account, url=url, client_ids=["a"], acting=root_acting)
    assert message in exc.value.message
    assert not OpenIDConnectProvider.objects.exists()


def test_oidc_at_most_100_client_ids_and_5_thumbprints(account, root_acting):
    with pytest.raises(LimitExceeded) as exc:
        oidc_provider_create(
            account=account,
            url="https://issuer.example.com",
            client_ids=[f"client-{index}" for index in range(101)],
            acting=root_acting,
        )
    assert exc.value.message == "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100"
    with pytest.raises(InvalidInput) as exc:
        oidc_provider_create(
            account=account,
            url="https://issuer.example.com",
            thumbprints=[THUMBPRINT] * 6,
            acting=root_acting,
        )
    assert exc.value.message == "Thumbprint list must contain fewer than 5 entries."
    provider = oidc_provider_create(
        account=account,
        url="https://issuer.example.com",
        client_ids=[f"client-{index}" for index in range(100)],
        thumbprints=[THUMBPRINT] * 5,
        acting=root_acting,
    )
    assert len(provider.client_ids) == 100


def test_oidc_client_ids_are_at_most_255_characters(account, root_acting):
    client_ids = ["sts.amazonaws.com", "c" * 256]

    with pytest.raises(ValidationError) as exc:
        oidc_provider_create(
            account=account, url="https://issuer.example.com", client_ids=client_ids, acting=root_acting
        )

    assert exc.value.message == (
        f"1 validation error detected: Value '{client_ids}' at 'clientIDList' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 255, "
        "Member must have length greater than or equal to 1]"
    )
    assert not OpenIDConnectProvider.objects.exists()


@pytest.mark.parametrize(("thumbprint", "error"), [("abc", ValidationError), ("z" * 40, InvalidInput)])
def test_oidc_thumbprints_are_40_hex_characters(account, root_acting, thumbprint, error):
    with pytest.raises(error):
        oidc_provider_create(
            account=account, url="https://issuer.example.com", thumbprints=[thumbprint], acting=root_acting
        )


def test_oidc_delete_and_isolation(account, root_acting, charlie_acting):
    provider = oidc_provider_create(
        account=account, url="https://issuer.example.com", client_ids=["a"], acting=root_acting
    )
    with pytest.raises(NoSuchEntity) as exc:
        oidc_provider_delete(provider=provider, acting=charlie_acting)
    assert exc.value.message == f"OpenIDConnect Provider not found for arn {provider.arn}"
    oidc_provider_delete(provider=provider, acting=root_acting)
    assert not OpenIDConnectProvider.objects.exists()


def test_oidc_audiences_are_added_and_removed_idempotently(account, root_acting):
    provider = oidc_provider_create(
        account=account, url="https://issuer.example.com", client_ids=["a"], acting=root_acting
    )
    oidc_provider_add_client_id(provider=provider, client_id="b", acting=root_acting)
    oidc_provider_add_client_id(provider=provider, client_id="b", acting=root_acting)
    oidc_provider_remove_client_id(provider=provider, client_id="a", acting=root_acting)
    oidc_provider_remove_client_id(provider=provider, client_id="a", acting=root_acting)
    provider.refresh_from_db()
    assert provider.client_ids == ["b"]
    names = list(AuditEvent.objects.order_by("pk").values_list("event_name", flat=True))
    assert (
        names[1:]
        == ["AddClientIDToOpenIDConnectProvider"] * 2 + ["RemoveClientIDFromOpenIDConnectProvider"] * 2
    )


def test_oidc_audiences_stay_within_100(account, root_acting):
    provider = oidc_provider_create(
        account=account,
        url="https://issuer.example.com",
        client_ids=[f"c{n}" for n in range(100)],
        acting=root_acting,
    )
    with pytest.raises(LimitExceeded) as exc:
        oidc_provider_add_client_id(provider=provider, client_id="one-more", acting=root_acting)
    assert exc.value.message == "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100"
    provider.refresh_from_db()
    assert len(provider.client_ids) == 100


def test_oidc_thumbprints_are_replaced_and_checked(account, root_acting, charlie_acting):
    provider = oidc_provider_create(
        account=account, url="https://issuer.example.com", thumbprints=[THUMBPRINT], acting=root_acting
    )
    oidc_provider_update_thumbprints(provider=provider, thumbprints=["A" * 40, "b" * 40], acting=root_acting)
    provider.refresh_from_db()
    assert provider.thumbprints == ["a" * 40, "b" * 40]
    with pytest.raises(InvalidInput):
        oidc_provider_update_thumbprints(provider=provider, thumbprints=["a" * 40] * 6, acting=root_acting)
    with pytest.raises(NoSuchEntity):
        oidc_provider_update_thumbprints(provider=provider, thumbprints=[], acting=charlie_acting)
    provider.refresh_from_db()
    assert provider.thumbprints == ["a" * 40, "b" * 40]


def test_saml_metadata_is_replaced_after_the_same_checks(account, root_acting, charlie_acting):
    provider = saml_provider_create(
        account=account, name="MyIdP", metadata_document=saml_metadata(), acting=root_acting
    )
    other = saml_metadata("https://idp.example.com/other")
    saml_provider_update(provider=provider, metadata_document=other, acting=root_acting)
    provider.refresh_from_db()
    assert saml_entity_id(provider) == "https://idp.example.com/other"
    with pytest.raises(InvalidInput) as exc:
        saml_provider_update(provider=provider, metadata_document="<a/>" * 300, acting=root_acting)
    assert exc.value.message == "Could not parse metadata"
    with pytest.raises(NoSuchEntity):
        saml_provider_update(provider=provider, metadata_document=saml_metadata(), acting=charlie_acting)
    provider.refresh_from_db()
    assert provider.metadata_document == other
    event = AuditEvent.objects.get(event_name="UpdateSAMLProvider", error_code="")
    assert event.request_parameters == {
        "sAMLProviderArn": provider.arn,
        "sAMLMetadataDocumentLength": len(other),
    }


def test_saml_provider_from_metadata(account, root_acting):
    provider = saml_provider_create(
        account=account, name="MyIdP", metadata_document=saml_metadata(), acting=root_acting
    )
    assert provider.arn == f"arn:aws:iam::{account.id}:saml-provider/MyIdP"
    assert saml_entity_id(provider) == "https://idp.example.com/saml"
    event = AuditEvent.objects.get(event_name="CreateSAMLProvider")
    assert event.response_elements == {"sAMLProviderArn": provider.arn}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Member must have length greater than or equal to 1"),
        ("n" * 129, "Member must have length less than or equal to 128"),
        ("my idp", "Member must satisfy regular expression pattern: [\\w._-]+"),
    ],
)
def test_saml_name_rules(account, root_acting, name, message):
    with pytest.raises(ValidationError) as exc:
        saml_provider_create(
            account=account, name=name, metadata_document=saml_metadata(), acting=root_acting
        )
    assert message in exc.value.message


def test_saml_metadata_length_and_shape(account, root_acting):
    with pytest.raises(ValidationError) as exc:
        saml_provider_create(account=account, name="idp", metadata_document="<x/>", acting=root_acting)
    assert "Member must have length greater than or equal to 1000" in exc.value.message
    not_xml = "not xml at all " * 100
    not_metadata = "<root>" + "x" * 1000 + "</root>"
    bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>' + saml_metadata()[22:]
    for document in (not_xml, not_metadata, bomb):
        with pytest.raises(InvalidInput) as exc:
            saml_provider_create(account=account, name="idp", metadata_document=document, acting=root_acting)
        assert exc.value.message == "Could not parse metadata"
    assert not SAMLProvider.objects.exists()


def test_saml_metadata_over_10_mb_is_refused_quoting_only_its_start(account, root_acting):
    document = saml_metadata(padding=10_000_000)

    with pytest.raises(ValidationError) as exc:
        saml_provider_create(account=account, name="idp", metadata_document=document, acting=root_acting)

    assert exc.value.message == (
        f"1 validation error detected: Value '{document[:64]}...' at 'sAMLMetadataDocument' failed to "
        "satisfy constraint: Member must have length less than or equal to 10000000"
    )
    assert not SAMLProvider.objects.exists()


def test_saml_names_are_unique_in_the_account(account, root_acting, charlie_acting):
    provider = saml_provider_create(
        account=account, name="idp", metadata_document=saml_metadata(), acting=root_acting
    )
    with pytest.raises(EntityAlreadyExists) as exc:
        saml_provider_create(
            account=account, name="idp", metadata_document=saml_metadata(), acting=root_acting
        )
    assert exc.value.message == "Provider with name idp already exists."
    with pytest.raises(NoSuchEntity):
        saml_provider_delete(provider=provider, acting=charlie_acting)
    saml_provider_delete(provider=provider, acting=root_acting)
    assert not SAMLProvider.objects.exists()


# Races: two requests for one provider pass the pre-check together; the constraint decides (PostgreSQL).


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_oidc_providers_created_for_one_url_at_once_get_entity_already_exists(account):
    def create():
        return oidc_provider_create(
            account=account,
            url="https://issuer.example.com",
            client_ids=["a"],
            acting=Acting(account=account),
        )

    _, lost = lose_race(winner=create, loser=create)

    assert_refused_by_the_constraint(
        lost, "EntityAlreadyExists", "Provider with url https://issuer.example.com already exists."
    )
    assert OpenIDConnectProvider.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saml_providers_created_with_one_name_at_once_get_entity_already_exists(account):
    def create(entity_id):
        return saml_provider_create(
            account=account,
            name="idp",
            metadata_document=saml_metadata(entity_id),
            acting=Acting(account=account),
        )

    winner, lost = lose_race(
        winner=lambda: create("https://first.example.com/saml"),
        loser=lambda: create("https://second.example.com/saml"),
    )

    assert_refused_by_the_constraint(lost, "EntityAlreadyExists", "Provider with name idp already exists.")
    assert [saml_entity_id(provider) for provider in SAMLProvider.objects.all()] == [
        "https://first.example.com/saml"
    ]


def test_saml_valid_until_is_the_metadatas_or_a_century_after_creation(account, root_acting):
    stated = saml_metadata().replace('entityID="', 'validUntil="2031-05-06T07:08:09Z" entityID="')
    provider = saml_provider_create(
        account=account, name="Dated", metadata_document=stated, acting=root_acting
    )
    assert saml_valid_until(provider) == datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    provider.metadata_document = saml_metadata()
    provider.created_at = datetime.datetime(2024, 2, 29, 12, 0, tzinfo=datetime.UTC)
    assert saml_valid_until(provider) == datetime.datetime(2124, 2, 29, 12, 0, tzinfo=datetime.UTC)
    provider.created_at = datetime.datetime(2028, 2, 29, 12, 0, tzinfo=datetime.UTC)
    assert saml_valid_until(provider) == datetime.datetime(2128, 2, 29, 12, 0, tzinfo=datetime.UTC)
    provider.created_at = datetime.datetime(2000, 2, 29, 12, 0, tzinfo=datetime.UTC)
    assert saml_valid_until(provider) == datetime.datetime(2100, 2, 28, 12, 0, tzinfo=datetime.UTC)


# Tags


def _oidc(account, acting, tags=()):
    return oidc_provider_create(
        account=account, url="https://token.example.com", thumbprints=[THUMBPRINT], tags=tags, acting=acting
    )


def _saml(account, acting, tags=()):
    return saml_provider_create(
        account=account, name="corp", metadata_document=saml_metadata(), tags=tags, acting=acting
    )


PROVIDER_TAGS = pytest.mark.parametrize(
    ("create", "tag", "untag", "not_found"),
    [
        (_oidc, oidc_provider_tag, oidc_provider_untag, "OpenIDConnect Provider not found for arn {arn}"),
        (_saml, saml_provider_tag, saml_provider_untag, "Manifest not found for arn {arn}"),
    ],
    ids=["oidc", "saml"],
)


@PROVIDER_TAGS
def test_provider_tags_on_create_then_added_replaced_and_removed_ignoring_key_case(
    account, root_acting, create, tag, untag, not_found
):
    provider = create(account, root_acting, tags=[("team", "blue")])
    tag(provider=provider, tags=[("Team", "red"), ("env", "dev")], acting=root_acting)
    assert list(provider.tags.values_list("key", "value")) == [("Team", "red"), ("env", "dev")]
    untag(provider=provider, keys=["TEAM", "unknown"], acting=root_acting)
    assert list(provider.tags.values_list("key", "value")) == [("env", "dev")]
    created = AuditEvent.objects.filter(event_name__startswith="Create").get()
    assert created.request_parameters["tags"] == [{"key": "team", "value": "blue"}]


@PROVIDER_TAGS
def test_charlie_cannot_tag_alices_provider(
    account, root_acting, charlie_acting, create, tag, untag, not_found
):
    provider = create(account, root_acting, tags=[("team", "blue")])
    for call, more in ((tag, {"tags": [("x", "y")]}), (untag, {"keys": ["team"]})):
        with pytest.raises(NoSuchEntity) as exc:
            call(provider=provider, acting=charlie_acting, **more)
        assert exc.value.message == not_found.format(arn=provider.arn)
    assert list(provider.tags.values_list("key", flat=True)) == ["team"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@PROVIDER_TAGS
def test_two_provider_tag_calls_adding_one_key_at_once_leave_one_tag(account, create, tag, untag, not_found):
    provider = create(account, Acting(account=account))

    _, lost = lose_race(
        winner=lambda: tag(provider=provider, tags=[("team", "red")], acting=Acting(account=account)),
        loser=lambda: tag(provider=provider, tags=[("Team", "blue")], acting=Acting(account=account)),
    )

    assert lost is None
    assert list(provider.tags.values_list("key", "value")) == [("Team", "blue")]
