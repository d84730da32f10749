"""Identity providers: OpenID Connect (URL, audiences, thumbprints) and SAML 2.0 (name, metadata)."""

import datetime
import re
import xml.etree.ElementTree as ET

from django.db import IntegrityError, transaction

from access.audit import audited
from access.entities import ensure_same_account, entity_tags_add, tags_remove
from aws.errors import EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity, ValidationError
from aws.names import constraint_error, tags_param, validate_tags
from policies.models import OpenIDConnectProvider, OpenIDConnectProviderTag, SAMLProvider, SAMLProviderTag

URL_MAX = 255
CLIENT_ID_MAX = 255
CLIENT_IDS_MAX = 100
THUMBPRINTS_MAX = 5
SAML_NAME_MAX = 128
SAML_NAME_PATTERN = r"[\w._-]+"
METADATA_MIN = 1000
METADATA_MAX = 10_000_000
SAML_METADATA_NS = "urn:oasis:names:tc:SAML:2.0:metadata"


def oidc_not_found(arn):
    return NoSuchEntity(f"OpenIDConnect Provider not found for arn {arn}")


def saml_not_found(arn):
    # IAM's words for GetSAMLProvider and DeleteSAMLProvider of a provider that does not exist.
    return NoSuchEntity(f"Manifest not found for arn {arn}")


def _validate_url(url):
    if len(url) > URL_MAX:
        raise constraint_error(url, "url", f"Member must have length less than or equal to {URL_MAX}")
    rest = url.removeprefix("https://")
    # IAM takes only https URLs with a host and, "per the OIDC standard", a path but no query
    # parameters (the ARN names the host and path).
    if (
        not url.startswith("https://")
        or not rest
        or rest.startswith("/")
        or any(c.isspace() or c in "?#" for c in rest)
    ):
        raise ValidationError("Invalid Open ID Connect Provider URL")
    return rest


def _validate_client_ids(client_ids):
    client_ids = list(dict.fromkeys(client_id.strip() for client_id in client_ids if client_id.strip()))
    if len(client_ids) > CLIENT_IDS_MAX:
        raise LimitExceeded(f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {CLIENT_IDS_MAX}")
    for client_id in client_ids:
        if len(client_id) > CLIENT_ID_MAX:
            raise constraint_error(
                client_ids,
                "clientIDList",
                "Member must satisfy constraint: [Member must have length less than or equal to 255, "
                "Member must have length greater than or equal to 1]",
            )
    return client_ids


def _validate_thumbprints(thumbprints):
    thumbprints = [thumbprint.strip() for thumbprint in thumbprints if thumbprint.strip()]
    if len(thumbprints) > THUMBPRINTS_MAX:
        raise InvalidInput("Thumbprint list must contain fewer than 5 entries.")
    for thumbprint in thumbprints:
        if len(thumbprint) != 40:
            raise constraint_error(
                thumbprints,
                "thumbprintList",
                "Member must satisfy constraint: [Member must have length less than or equal to 40, "
                "Member must have length greater than or equal to 40]",
            )
        if not re.fullmatch(r"[0-9A-Fa-f]{40}", thumbprint):
            # A thumbprint is the hex SHA-1 of the certificate (this wording is the console's own).
            raise InvalidInput(f"The thumbprint {thumbprint} is not a 40-character hexadecimal string.")
    return [thumbprint.lower() for thumbprint in thumbprints]


@audited(
    "CreateOpenIDConnectProvider",
    params=lambda kw: {
        "url": kw["url"],
        "clientIDList": list(kw.get("client_ids", [])),
        "thumbprintList": list(kw.get("thumbprints", [])),
        **({"tags": tags_param(kw["tags"])} if kw.get("tags") else {}),
    },
    response=lambda provider: {"openIDConnectProviderArn": provider.arn},
)
def oidc_provider_create(*, account, url, client_ids=(), thumbprints=(), tags=(), acting):
    """Create an OIDC provider: an https URL (once per account), up to 100 audiences and 5 thumbprints."""
    url = url.strip()
    host_and_path = _validate_url(url)
    client_ids = _validate_client_ids(client_ids)
    thumbprints = _validate_thumbprints(thumbprints)
    tags = validate_tags(tags)
    exists = EntityAlreadyExists(f"Provider with url {url} already exists.")
    if OpenIDConnectProvider.objects.filter(account=account, url=host_and_path).exists():
        raise exists
    try:
        with transaction.atomic():
            provider = OpenIDConnectProvider.objects.create(
                account=account, url=host_and_path, client_ids=client_ids, thumbprints=thumbprints
            )
    except IntegrityError as exc:
        raise exists from exc
    OpenIDConnectProviderTag.objects.bulk_create(
        [OpenIDConnectProviderTag(provider=provider, key=key, value=value) for key, value in tags]
    )
    return provider


@audited(
    "DeleteOpenIDConnectProvider",
    params=lambda kw: {"openIDConnectProviderArn": kw["provider"].arn if kw["provider"] else kw["arn"]},
)
def oidc_provider_delete(*, provider, arn=None, acting):
    """Delete an OIDC provider (roles that trust it keep naming its ARN, as in IAM). IAM's delete is
    idempotent: with no provider (none has the ARN `arn`), the call succeeds and changes nothing."""
    if provider is None:
        return
    ensure_same_account(provider, acting, oidc_not_found(provider.arn).message)
    provider.delete()


@audited(
    "UpdateOpenIDConnectProviderThumbprint",
    params=lambda kw: {
        "openIDConnectProviderArn": kw["provider"].arn,
        "thumbprintList": list(kw["thumbprints"]),
    },
)
def oidc_provider_update_thumbprints(*, provider, thumbprints, acting):
    """Replace an OIDC provider's thumbprints (up to 5)."""
    ensure_same_account(provider, acting, oidc_not_found(provider.arn).message)
    provider.thumbprints = _validate_thumbprints(thumbprints)
    provider.save(update_fields=["thumbprints"])
    return provider


@audited(
    "AddClientIDToOpenIDConnectProvider",
    params=lambda kw: {"openIDConnectProviderArn": kw["provider"].arn, "clientID": kw["client_id"]},
)
def oidc_provider_add_client_id(*, provider, client_id, acting):
    """Add an audience; adding one the provider has already is not an error (AWS: idempotent)."""
    ensure_same_account(provider, acting, oidc_not_found(provider.arn).message)
    # Lock the row: two concurrent adds must not both start from the same list.
    locked = OpenIDConnectProvider.objects.select_for_update().get(pk=provider.pk)
    provider.client_ids = _validate_client_ids([*locked.client_ids, client_id])
    provider.save(update_fields=["client_ids"])
    return provider


@audited(
    "RemoveClientIDFromOpenIDConnectProvider",
    params=lambda kw: {"openIDConnectProviderArn": kw["provider"].arn, "clientID": kw["client_id"]},
)
def oidc_provider_remove_client_id(*, provider, client_id, acting):
    """Remove an audience; removing one the provider does not have is not an error (AWS: idempotent)."""
    ensure_same_account(provider, acting, oidc_not_found(provider.arn).message)
    locked = OpenIDConnectProvider.objects.select_for_update().get(pk=provider.pk)
    provider.client_ids = [each for each in locked.client_ids if each != client_id]
    provider.save(update_fields=["client_ids"])
    return provider


def _validate_metadata(document):
    if len(document) < METADATA_MIN:
        raise constraint_error(
            document,
            "sAMLMetadataDocument",
            f"Member must have length greater than or equal to {METADATA_MIN}",
        )
    if len(document) > METADATA_MAX:
        # The message would quote the whole document; its start is enough to recognise it.
        raise constraint_error(
            document[:64] + "...",
            "sAMLMetadataDocument",
            f"Member must have length less than or equal to {METADATA_MAX}",
        )
    # No DTDs: entity expansion has no place in SAML metadata and is how XML bombs work.
    if "<!DOCTYPE" in document.upper() or "<!ENTITY" in document.upper():
        raise InvalidInput("Could not parse metadata")
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        raise InvalidInput("Could not parse metadata") from exc
    tag = f"{{{SAML_METADATA_NS}}}EntityDescriptor"
    if root.tag != tag and root.find(f".//{tag}") is None:
        raise InvalidInput("Could not parse metadata")
    return document


@audited(
    "CreateSAMLProvider",
    # CloudTrail shows the metadata document; the audit keeps its size, not up to 10 MB of XML.
    params=lambda kw: {
        "name": kw["name"],
        "sAMLMetadataDocumentLength": len(kw["metadata_document"]),
        **({"tags": tags_param(kw["tags"])} if kw.get("tags") else {}),
    },
    response=lambda provider: {"sAMLProviderArn": provider.arn},
)
def saml_provider_create(*, account, name, metadata_document, tags=(), acting):
    """Create a SAML provider from the IdP's metadata document (XML with an EntityDescriptor)."""
    if not name:
        raise constraint_error(name, "name", "Member must have length greater than or equal to 1")
    if len(name) > SAML_NAME_MAX:
        raise constraint_error(name, "name", f"Member must have length less than or equal to {SAML_NAME_MAX}")
    if not re.fullmatch(SAML_NAME_PATTERN, name, re.ASCII):
        raise constraint_error(
            name, "name", f"Member must satisfy regular expression pattern: {SAML_NAME_PATTERN}"
        )
    _validate_metadata(metadata_document)
    tags = validate_tags(tags)
    exists = EntityAlreadyExists(f"Provider with name {name} already exists.")
    if SAMLProvider.objects.filter(account=account, name=name).exists():
        raise exists
    try:
        with transaction.atomic():
            provider = SAMLProvider.objects.create(
                account=account, name=name, metadata_document=metadata_document
            )
    except IntegrityError as exc:
        raise exists from exc
    SAMLProviderTag.objects.bulk_create(
        [SAMLProviderTag(provider=provider, key=key, value=value) for key, value in tags]
    )
    return provider


@audited(
    "UpdateSAMLProvider",
    params=lambda kw: {
        "sAMLProviderArn": kw["provider"].arn,
        **(
            {"sAMLMetadataDocumentLength": len(kw["metadata_document"])}
            if kw.get("metadata_document") is not None
            else {}
        ),
    },
    response=lambda provider: {"sAMLProviderArn": provider.arn},
)
def saml_provider_update(*, provider, metadata_document=None, acting):
    """Replace a SAML provider's metadata document (None: unchanged)."""
    ensure_same_account(provider, acting, saml_not_found(provider.arn).message)
    if metadata_document is not None:
        provider.metadata_document = _validate_metadata(metadata_document)
        provider.save(update_fields=["metadata_document"])
    return provider


@audited("DeleteSAMLProvider", params=lambda kw: {"sAMLProviderArn": kw["provider"].arn})
def saml_provider_delete(*, provider, acting):
    """Delete a SAML provider."""
    ensure_same_account(provider, acting, saml_not_found(provider.arn).message)
    provider.delete()


# Tags: keys match ignoring case; the provider's row lock keeps two calls adding one key from both
# inserting it.


@audited(
    "TagOpenIDConnectProvider",
    params=lambda kw: {"openIDConnectProviderArn": kw["provider"].arn, "tags": tags_param(list(kw["tags"]))},
)
def oidc_provider_tag(*, provider, tags, acting):
    """Add tags to an OIDC provider or replace the values of existing keys."""
    ensure_same_account(provider, acting, oidc_not_found(provider.arn).message)
    entity_tags_add(provider, tags)


@audited(
    "UntagOpenIDConnectProvider",
    params=lambda kw: {"openIDConnectProviderArn": kw["provider"].arn, "tagKeys": list(kw["keys"])},
)
def oidc_provider_untag(*, provider, keys, acting):
    """Remove an OIDC provider's tags by key; unknown keys are ignored, as AWS does."""
    ensure_same_account(provider, acting, oidc_not_found(provider.arn).message)
    tags_remove(provider.tags, keys)


@audited(
    "TagSAMLProvider",
    params=lambda kw: {"sAMLProviderArn": kw["provider"].arn, "tags": tags_param(list(kw["tags"]))},
)
def saml_provider_tag(*, provider, tags, acting):
    """Add tags to a SAML provider or replace the values of existing keys."""
    ensure_same_account(provider, acting, saml_not_found(provider.arn).message)
    entity_tags_add(provider, tags)


@audited(
    "UntagSAMLProvider",
    params=lambda kw: {"sAMLProviderArn": kw["provider"].arn, "tagKeys": list(kw["keys"])},
)
def saml_provider_untag(*, provider, keys, acting):
    """Remove a SAML provider's tags by key; unknown keys are ignored, as AWS does."""
    ensure_same_account(provider, acting, saml_not_found(provider.arn).message)
    tags_remove(provider.tags, keys)


def _entity_descriptor(provider):
    try:
        root = ET.fromstring(provider.metadata_document)
    except ET.ParseError:
        return None
    tag = f"{{{SAML_METADATA_NS}}}EntityDescriptor"
    return root if root.tag == tag else root.find(f".//{tag}")


def saml_entity_id(provider):
    """The IdP's entityID from its metadata, for the provider's page."""
    node = _entity_descriptor(provider)
    return node.get("entityID", "") if node is not None else ""


def saml_valid_until(provider):
    """When the provider expires: its metadata's validUntil, else 100 years after its creation, as IAM
    shows it (GetSAMLProvider, ListSAMLProviders)."""
    node = _entity_descriptor(provider)
    stated = node.get("validUntil", "") if node is not None else ""
    try:
        moment = datetime.datetime.fromisoformat(stated)
    except ValueError:
        created = provider.created_at
        try:
            return created.replace(year=created.year + 100)
        except ValueError:  # 29 February, in a year 100 years on that has none
            return created.replace(year=created.year + 100, day=28)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
