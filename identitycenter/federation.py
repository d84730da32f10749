"""From the AWS access portal into an account: the portal, as the instance's SAML identity provider,
signs an assertion for the directory user and the permission set's AWSReservedSSO_ role, and STS's
AssumeRoleWithSAML (accounts/services/federation.py) exchanges it for the role session
`assumed-role/AWSReservedSSO_<PermissionSet>_<hex>/<user name>`, for the permission set's session
duration. CloudTrail records the federation in the account under the Identity Center user (SAMLUser),
then every call as the role session."""

import base64
import datetime
import uuid
from dataclasses import dataclass

import signxml
from django.utils import timezone
from lxml import etree

from access import crypto
from accounts.services.federation import SAML_NS, SAMLP_NS, assume_role_with_saml
from accounts.services.signin import Client

from . import portal, selectors
from .flows import SAML_AUDIENCE
from .models import SSO_SERVICE, ProvisionedPermissionSet

ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
SESSION_DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
ASSERTION_LIFETIME = datetime.timedelta(minutes=5)
EXCLUSIVE_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
NOT_ASSIGNED = "You do not have access to this permission set in this account."  # unconfirmed
NOT_PROVISIONED = "The permission set is not provisioned to this account yet. Ask your administrator to provision it."  # unconfirmed


class NotAssigned(Exception):
    """The user has no assignment of that permission set in that account (the page answers 404)."""

    def __init__(self, message=NOT_ASSIGNED):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Entitlement:
    """An account and permission set the portal user may open: one row of the Accounts tab."""

    account: object
    permission_set: object


def entitlements(user):
    """The user's accounts with their permission sets, assigned directly or through groups, each once,
    in account name then permission set name order."""
    seen = {}
    for assignment in selectors.assignments_of_user(user.instance, user):
        key = (assignment.account_id, assignment.permission_set_id)
        seen.setdefault(key, Entitlement(assignment.account, assignment.permission_set))
    return sorted(
        seen.values(), key=lambda e: (e.account.name.lower(), e.account.id, e.permission_set.name.lower())
    )


def entitlement(user, *, account_id, permission_set_id):
    """The user's entitlement to that permission set in that account; NotAssigned otherwise."""
    for each in entitlements(user):
        if each.account.id == account_id and each.permission_set.id == permission_set_id:
            return each
    raise NotAssigned()


def _iso(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _element(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def saml_response(*, instance, user, role_arn, provider_arn, duration_seconds, now=None):
    """The portal's SAML 2.0 Response for `user` into `role_arn`, its Assertion signed with the
    instance's key (RSA-SHA256, exclusive canonicalization), in base64."""
    now = now or timezone.now()
    until = _iso(now + ASSERTION_LIFETIME)
    assertion_id = f"_{uuid.uuid4()}"
    saml, samlp = f"{{{SAML_NS}}}", f"{{{SAMLP_NS}}}"
    nsmap = {"saml2p": SAMLP_NS, "saml2": SAML_NS}
    response = etree.Element(
        f"{samlp}Response",
        nsmap=nsmap,
        ID=f"_{uuid.uuid4()}",
        Version="2.0",
        IssueInstant=_iso(now),
        Destination=SAML_AUDIENCE,
    )
    _element(response, f"{saml}Issuer", instance.portal_entity_id)
    status = _element(response, f"{samlp}Status")
    _element(status, f"{samlp}StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Success")
    assertion = _element(response, f"{saml}Assertion", ID=assertion_id, Version="2.0", IssueInstant=_iso(now))
    _element(assertion, f"{saml}Issuer", instance.portal_entity_id)
    subject = _element(assertion, f"{saml}Subject")
    _element(
        subject,
        f"{saml}NameID",
        user.user_name,
        Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    )
    confirmation = _element(
        subject, f"{saml}SubjectConfirmation", Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"
    )
    _element(confirmation, f"{saml}SubjectConfirmationData", NotOnOrAfter=until, Recipient=SAML_AUDIENCE)
    conditions = _element(assertion, f"{saml}Conditions", NotBefore=_iso(now), NotOnOrAfter=until)
    restriction = _element(conditions, f"{saml}AudienceRestriction")
    _element(restriction, f"{saml}Audience", SAML_AUDIENCE)
    # The session's length is the SessionDuration attribute's (the permission set's), to the second.
    _element(assertion, f"{saml}AuthnStatement", AuthnInstant=_iso(now), SessionIndex=assertion_id)
    attributes = _element(assertion, f"{saml}AttributeStatement")
    for name, value in (
        (ROLE_ATTRIBUTE, f"{role_arn},{provider_arn}"),
        (SESSION_NAME_ATTRIBUTE, user.user_name),
        (SESSION_DURATION_ATTRIBUTE, str(duration_seconds)),
    ):
        attribute = _element(attributes, f"{saml}Attribute", Name=name)
        _element(attribute, f"{saml}AttributeValue", value)
    signed = signxml.XMLSigner(c14n_algorithm=EXCLUSIVE_C14N).sign(
        assertion,
        key=crypto.decrypt(instance.private_key_encrypted).encode(),
        cert=instance.certificate_pem,
        reference_uri=assertion_id,
    )
    response.replace(assertion, signed)
    return base64.b64encode(etree.tostring(response)).decode()


def role_session(*, user, account_id, permission_set_id, source_ip="", user_agent="", event_name="Federate"):
    """The role session of the user's permission set in the account (FederatedCredentials), through
    AssumeRoleWithSAML: NotAssigned unless assigned (directly or through a group) and provisioned.
    The instance's account records `event_name` (the portal's Federate for the console,
    GetRoleCredentials for access keys) under the directory user."""
    granted = entitlement(user, account_id=account_id, permission_set_id=permission_set_id)
    permission_set, instance = granted.permission_set, user.instance
    row = (
        ProvisionedPermissionSet.objects.select_related("role", "permission_set")
        .filter(permission_set=permission_set, account_id=account_id, role__isnull=False)
        .first()
    )
    if row is None:
        raise NotAssigned(NOT_PROVISIONED)
    provider_arn = f"arn:aws:iam::{account_id}:saml-provider/{instance.saml_provider_name}"
    duration = permission_set.session_seconds
    assertion = saml_response(
        instance=instance,
        user=user,
        role_arn=row.role.arn,
        provider_arn=provider_arn,
        duration_seconds=duration,
    )
    issued = assume_role_with_saml(
        role_arn=row.role.arn,
        principal_arn=provider_arn,
        saml_assertion=assertion,
        duration_seconds=duration,
        source_ip=source_ip,
        user_agent=user_agent,
    )
    portal.portal_event(
        instance=instance,
        user=user,
        event_name=event_name,
        event_source=SSO_SERVICE,
        client=Client(source_ip=source_ip, user_agent=user_agent),
        request_parameters={"accountId": account_id, "roleName": permission_set.name},
    )
    return issued
