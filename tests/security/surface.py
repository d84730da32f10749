"""The console's whole attack surface: one account holding one of each entity, and every URL filled in.

`build_surface()` makes the account through the services (as an administrator would), naming every
entity, tag, description and document with a marker of its own, so that a test can tell from a
response what it showed. `url_cases(surface)` walks Django's URL resolver and fills each pattern from
the surface, so that a URL added tomorrow is tested without anyone listing it; a pattern it cannot
fill is an error, never a silent skip.

Markers are ASCII letters and digits only (they survive URL- and JSON-encoding); search responses for
them case-insensitively (`surface.leaks(text)`), since some fields are stored lower-cased.
"""

import functools
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyotp
from django import forms
from django.conf import settings
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone

from access.acting import Acting
from accounts.models import AccessKey, Account, Group, IAMUser, MFADevice
from accounts.services.access_keys import access_key_create
from accounts.services.groups import group_add_user, group_create
from accounts.services.login_profiles import login_profile_create
from accounts.services.mfa import mfa_device_create, mfa_device_enable
from accounts.services.signin import root_password_reset_link
from accounts.services.users import user_create
from console.session import SESSION_KEY
from identitycenter import flows as identitycenter_flows
from identitycenter import services as identitycenter_services
from identitycenter.models import DirectoryGroup, DirectoryUser, PermissionSet
from organizations import flows as organizations_flows
from organizations import services as org_services
from organizations.models import SCP, Handshake, Membership, Organization, OrganizationalUnit
from organizations.models import Policy as OrganizationPolicy
from policies.models import (
    InstanceProfile,
    ManagedPolicy,
    OpenIDConnectProvider,
    Role,
    SAMLProvider,
    SimulationRun,
)
from policies.services.instance_profiles import instance_profile_add_role, instance_profile_create
from policies.services.permissions import inline_policy_put, policy_attach
from policies.services.policies import policy_create, policy_tag, policy_version_create
from policies.services.providers import oidc_provider_create, saml_provider_create
from policies.services.roles import role_create
from policies.services.simulation_runs import simulation_run_start
from tests.accounts.factories import ROOT_PASSWORD, AccountFactory, IAMUserFactory
from tests.policies.test_providers_services import saml_metadata

# The only URLs left out, and why: the Django admin authenticates Django staff users with its own
# login (tests/iamconsole/test_admin.py), the classroom portal its people (Django users; swept by
# tests/classrooms/test_portal_isolation.py), the AWS access portal its directory users (swept by
# tests/identitycenter/test_portal_isolation.py), and static files are not views.
EXCLUDED_PREFIXES = ("admin/", "classroom/", "start/", settings.STATIC_URL.lstrip("/"))

USER_PASSWORD = "Surface-Passw0rd!"


@dataclass
class Surface:
    """The account under test, its entities, the markers they carry and the secrets they hold."""

    account: Account
    caller: IAMUser  # an IAM user with no policy, group or tag: the identity authorization tests sign in
    user: IAMUser
    access_key: AccessKey
    mfa_device: MFADevice  # the user's enabled virtual MFA device
    pending_mfa_device: MFADevice  # the user's device still waiting for its two codes
    root_mfa_device: MFADevice
    group: Group
    role: Role
    instance_profile: InstanceProfile
    policy: ManagedPolicy  # customer managed, two versions (v2 the default), tagged
    oidc_provider: OpenIDConnectProvider
    saml_provider: SAMLProvider
    organization: Organization
    ou: OrganizationalUnit
    member: Membership  # an account the organization created, in the OU
    scp: OrganizationPolicy
    handshake: Handshake  # an open invitation to an account outside the organization
    invited_account: Account
    simulation_run: SimulationRun
    reset_link: str  # the root user's password reset link
    sso_user: DirectoryUser  # IAM Identity Center's: a user in a group, assigned to the member account
    sso_group: DirectoryGroup
    permission_set: PermissionSet
    markers: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)

    def leaks(self, text):
        """The markers and secrets that `text` shows (case-insensitive)."""
        folded = text.casefold()
        return [value for value in [*self.markers, *self.secrets] if value.casefold() in folded]


class _Markers:
    """Unique marker strings: `MARKER<kind><nn>`, the kind letters only, so none is a prefix of another."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.made = []

    def __call__(self, kind):
        assert kind.isalpha(), kind
        marker = f"{self.prefix}{kind}{len(self.made):02d}"
        self.made.append(marker)
        return marker


def _document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(marker, action="s3:GetObject"):
    # The marker is the Sid and part of the resource: it shows wherever the document does.
    return {
        "Sid": marker,
        "Effect": "Allow",
        "Action": action,
        "Resource": f"arn:aws:s3:::{marker.lower()}/*",
    }


def _put_inline(marker, acting, **owner):
    (kind,) = owner
    document = _document(_allow(marker(f"{kind}inlinesid")))
    inline_policy_put(name=marker(f"{kind}inline"), document=document, acting=acting, **owner)


def _codes(seed):
    """Two consecutive codes for enabling a device, as an authenticator app shows them."""
    totp = pyotp.TOTP(seed)
    now = int(time.time()) // 30 * 30
    return totp.at(now - 30), totp.at(now)


def _enabled_device(*, account, user, name, acting):
    device, seed = mfa_device_create(account=account, user=user, name=name, acting=acting)
    code1, code2 = _codes(seed)
    mfa_device_enable(device=device, code1=code1, code2=code2, acting=acting)
    device.refresh_from_db()
    return device, seed


def build_surface(*, prefix="MARKER", caller_name="caller"):
    """An account with one of each entity, made through the services by its root user.

    Give another `prefix` to build a second surface in the same database.
    """
    marker = _Markers(prefix)
    account = AccountFactory(name=f"{prefix} surface")
    acting = Acting(account=account, source_ip="198.51.100.20", user_agent="surface")
    caller = IAMUserFactory(account=account, name=caller_name)

    user = user_create(
        account=account,
        name=marker("user"),
        path=f"/{marker('userpath')}/",
        tags=[(marker("usertagkey"), marker("usertagvalue"))],
        acting=acting,
    )
    login_profile_create(user=user, password=USER_PASSWORD, acting=acting)
    access_key, secret_access_key = access_key_create(account=account, user=user, acting=acting)
    mfa_device, mfa_seed = _enabled_device(account=account, user=user, name=marker("mfa"), acting=acting)
    pending_mfa_device, pending_seed = mfa_device_create(
        account=account, user=user, name=marker("pendingmfa"), acting=acting
    )
    root_mfa_device, root_seed = _enabled_device(
        account=account, user=None, name=marker("rootmfa"), acting=acting
    )

    policy = policy_create(
        account=account,
        name=marker("policy"),
        path=f"/{marker('policypath')}/",
        description=marker("policydescription"),
        document=_document(_allow(marker("policyversionone"))),
        tags=[(marker("policytagkey"), marker("policytagvalue"))],
        acting=acting,
    )
    policy_version_create(
        policy=policy,
        document=_document(_allow(marker("policyversiontwo"), "s3:ListBucket")),
        set_as_default=True,
        acting=acting,
    )
    policy_tag(policy=policy, tags=[(marker("policytagkeytwo"), marker("policytagvaluetwo"))], acting=acting)
    policy.refresh_from_db()

    group = group_create(
        account=account, name=marker("group"), path=f"/{marker('grouppath')}/", acting=acting
    )
    group_add_user(group=group, user=user, acting=acting)
    policy_attach(policy=policy, group=group, acting=acting)
    _put_inline(marker, acting, group=group)
    _put_inline(marker, acting, user=user)

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account.id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": marker("trustexternalid")}},
            }
        ],
    }
    role = role_create(
        account=account,
        name=marker("role"),
        path=f"/{marker('rolepath')}/",
        description=marker("roledescription"),
        trust_policy=json.dumps(trust),
        tags=[(marker("roletagkey"), marker("roletagvalue"))],
        acting=acting,
    )
    policy_attach(policy=policy, role=role, acting=acting)
    _put_inline(marker, acting, role=role)
    instance_profile = instance_profile_create(account=account, name=marker("instanceprofile"), acting=acting)
    instance_profile_add_role(profile=instance_profile, role=role, acting=acting)

    oidc_host = f"{marker('oidc').lower()}.example.com"
    oidc_provider = oidc_provider_create(
        account=account, url=f"https://{oidc_host}", client_ids=[marker("oidcclient")], acting=acting
    )
    saml_provider = saml_provider_create(
        account=account,
        name=marker("saml"),
        metadata_document=saml_metadata(f"https://idp.example.com/{marker('samlentity')}"),
        acting=acting,
    )

    organization = org_services.organization_create(acting=acting)
    organization = org_services.policy_type_enable(organization=organization, policy_type=SCP, acting=acting)
    ou = org_services.ou_create(
        organization=organization, parent_id=organization.root_id, name=marker("ou"), acting=acting
    )
    member = organizations_flows.account_create_with_access_role(
        organization=organization,
        name=marker("memberaccount"),
        email=f"{marker('memberemail').lower()}@example.com",
        acting=acting,
    )
    member = org_services.account_move(membership=member, destination_id=ou.id, acting=acting)
    scp = org_services.policy_create(
        organization=organization,
        policy_type=SCP,
        name=marker("scp"),
        description=marker("scpdescription"),
        content=_document({**_allow(marker("scpsid"), "iam:CreateUser"), "Effect": "Deny"}),
        acting=acting,
    )
    org_services.policy_attach(organization=organization, policy=scp, target_id=ou.id, acting=acting)
    invited_account = AccountFactory(
        # Invited by its ID: the organization never sees its email address, so that holds no marker.
        name=marker("invitedaccount"),
        root_email=f"invited-{prefix.lower()}@example.com",
    )
    handshake = org_services.handshake_invite(
        organization=organization, target=invited_account.id, notes=marker("handshakenotes"), acting=acting
    )

    sso = identitycenter_services.instance_create(
        organization=organization, name=marker("ssoinstance"), acting=acting
    )
    sso_user = identitycenter_services.user_create(
        instance=sso,
        user_name=marker("ssouser"),
        display_name=marker("ssodisplayname"),
        given_name=marker("ssogivenname"),
        family_name=marker("ssofamilyname"),
        emails=[{"Value": f"{marker('ssoemail').lower()}@example.com", "Primary": True}],
        acting=acting,
    )
    sso_group = identitycenter_flows.group_create_with_members(
        instance=sso,
        display_name=marker("ssogroup"),
        description=marker("ssogroupdescription"),
        users=[sso_user],
        acting=acting,
    )
    permission_set = identitycenter_flows.permission_set_create_with_policies(
        instance=sso,
        name=marker("permissionset"),
        description=marker("permissionsetdescription"),
        inline_policy=_document(_allow(marker("permissionsetinlinesid"))),
        acting=acting,
    )
    identitycenter_flows.assignment_create(
        permission_set=permission_set,
        account_id=member.account_id,
        principal_type="GROUP",
        principal_id=sso_group.id,
        acting=acting,
    )

    simulation_run = simulation_run_start(
        acting=acting,
        parameters={"mode": "existing", "principal": f"user:{user.pk}", "service": "sts", "resource": "*"},
    )

    return Surface(
        account=account,
        caller=caller,
        user=user,
        access_key=access_key,
        mfa_device=mfa_device,
        pending_mfa_device=pending_mfa_device,
        root_mfa_device=root_mfa_device,
        group=group,
        role=role,
        instance_profile=instance_profile,
        policy=policy,
        oidc_provider=oidc_provider,
        saml_provider=saml_provider,
        organization=organization,
        ou=ou,
        member=member,
        scp=scp,
        handshake=handshake,
        invited_account=invited_account,
        simulation_run=simulation_run,
        reset_link=root_password_reset_link(account=account, base_url="http://testserver"),
        sso_user=sso_user,
        sso_group=sso_group,
        permission_set=permission_set,
        markers=marker.made,
        secrets=[
            access_key.access_key_id,
            secret_access_key,
            mfa_seed,
            pending_seed,
            root_seed,
            USER_PASSWORD,
            ROOT_PASSWORD,
        ],
    )


def response_text(response):
    """The body of a response, streamed or not (the event history download streams)."""
    if response.streaming:
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return body.decode(errors="replace")


def sign_in(client, account, user=None, *, mfa=False):
    """Make `client` a console session of the root user (user=None) or an IAM user of `account`."""
    session = client.session
    session[SESSION_KEY] = {
        "account": account.id,
        "user": user.pk if user else None,
        "mfa_at": timezone.now().isoformat() if mfa else None,
    }
    session.save()
    return client


# --- the URL resolver's patterns, filled ----------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One URL pattern as the resolver holds it, with the route of its includes joined."""

    name: str  # "namespace:name"
    route: str  # "users/<str:name>/tags/"
    defaults: dict

    @property
    def kwargs(self):
        return _ROUTE_KWARG.findall(self.route)


_ROUTE_KWARG = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def url_patterns():
    """Every pattern of the project's URLconf except EXCLUDED_PREFIXES, in the resolver's order."""

    def walk(patterns, prefix, namespaces):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                spaces = [*namespaces, entry.namespace] if entry.namespace else namespaces
                yield from walk(entry.url_patterns, route, spaces)
            else:
                name = ":".join([*namespaces, entry.name or route])
                yield Pattern(name=name, route=route, defaults=dict(entry.default_args))

    return list(walk(get_resolver().url_patterns, "", []))


def _names(route, s):
    owner = {
        "users": s.user.name,
        "groups": s.group.name,
        "roles": s.role.name,
        "instance-profiles": s.instance_profile.name,
    }.get(route.split("/", 1)[0])
    return [(owner,)] if owner else []


def _pks(route, s):
    section = route.split("/", 1)[0]
    if section == "users":
        return [(s.mfa_device.pk,), (s.pending_mfa_device.pk,)]
    if section == "security-credentials":
        return [(s.root_mfa_device.pk,)]
    if section == "policy-simulator":
        return [(s.simulation_run.pk,)]
    return []


def _targets(route, s):
    # An OU is renamed or deleted, an account moved or removed; the other pages take any of the three.
    action = route.rstrip("/").rsplit("/", 1)[-1]
    if action in ("rename", "delete"):
        return [(s.ou.id,)]
    if action in ("move", "remove"):
        return [(s.member.account_id,)]
    return [(s.organization.root_id,), (s.ou.id,), (s.member.account_id,)]


def _reset(route, s):
    uidb64, token = urlsplit(s.reset_link).path.rstrip("/").split("/")[-2:]
    return [(uidb64, token)]


# Each filler names the route keywords it fills together and gives the value tuples for a route
# (several tuples: one case each). The first filler whose keywords a route has wins those keywords.
FILLERS = [
    (("kind", "key"), lambda r, s: [("oidc", s.oidc_provider.pk), ("saml", s.saml_provider.name)]),
    (("slug", "policy_id"), lambda r, s: [("service-control-policies", s.scp.id)]),
    (("slug",), lambda r, s: [("service-control-policies",), ("resource-control-policies",)]),
    (("uidb64", "token"), _reset),
    (("name",), _names),
    (("pk",), _pks),
    (("arn",), lambda r, s: [(s.policy.arn,)]),
    (("key_id",), lambda r, s: [(s.access_key.access_key_id,)]),
    (("handshake_id",), lambda r, s: [(s.handshake.id,)]),
    (("target_id",), _targets),
    (("account_identifier",), lambda r, s: [(s.account.id,)]),
    # A seat's Labs page: the surface's account is no seat, so any lab is a 404 there.
    (("lab_id",), lambda r, s: [(1,)]),
    (("user_id",), lambda r, s: [(s.sso_user.id,)]),
    (("group_id",), lambda r, s: [(s.sso_group.id,)]),
    (("permission_set_id",), lambda r, s: [(s.permission_set.id,)]),
    (("account_id",), lambda r, s: [(s.member.account_id,), (s.account.id,)]),
]

# Django's reverse() quotes a path the same way.
_SAFE = "/~:@!$&'()*+,;="


def path_for(route, values):
    """The path of a route with its keywords filled from `values`."""
    return "/" + quote(_ROUTE_KWARG.sub(lambda m: str(values[m.group(1)]), route), safe=_SAFE)


def filled_patterns(surface):
    """(pattern, {keyword: value}) for every URL pattern, filled from the surface (several for some);
    AssertionError naming every pattern it cannot fill or that resolves to another view."""
    filled, problems = [], []
    for pattern in url_patterns():
        wanted = pattern.kwargs
        choices = []
        for keys, fill in FILLERS:
            if set(keys) <= set(wanted) - {k for group, _ in choices for k in group}:
                choices.append((keys, fill(pattern.route, surface)))
        missing = [k for k in wanted if not any(k in keys for keys, _ in choices)]
        empty = [keys for keys, values in choices if not values]
        if missing or empty:
            problems.append(f"{pattern.name} ({pattern.route}): no value for {missing or empty}")
            continue
        for combination in itertools.product(*(values for _, values in choices)):
            values = {}
            for (keys, _), row in zip(choices, combination, strict=True):
                values.update(zip(keys, row, strict=True))
            match = resolve(path_for(pattern.route, values))
            if match.route != pattern.route:
                problems.append(f"{pattern.name} ({pattern.route}): resolves to {match.view_name}")
                continue
            filled.append((pattern, values))
    assert not problems, "tests/security/surface.py cannot fill these URL patterns (teach FILLERS):\n  " + (
        "\n  ".join(problems)
    )
    return filled


def url_cases(surface):
    """(url name, path) for every URL pattern of the project, filled from the surface."""
    return [(pattern.name, path_for(pattern.route, values)) for pattern, values in filled_patterns(surface)]


# --- what the console's forms post -----------------------------------------------------------------

PROJECT_APPS = ("accounts", "policies", "organizations", "iamconsole")
_TEMPLATE_EXPRESSION = re.compile(r"{{.*?}}|{%.*?%}")
_TAG = re.compile(r"<(input|button|select|option|textarea)\b(.*?)>", re.DOTALL)
_ATTRIBUTE = re.compile(r"""\b(name|value)=(["'])(.*?)\2""")
_HX_VALS = re.compile(r"""hx-vals='(.*?)'""")
_PAIR = re.compile(r'"([^"]+)":\s*"([^"]*)"')
_PARTIAL = re.compile(r"{%\s*partialdef\s+([\w-]+)")


@functools.cache
def _template_texts():
    folders = settings.TEMPLATES[0]["DIRS"]
    return tuple(path.read_text() for folder in folders for path in sorted(Path(folder).rglob("*.html")))


def _literal(text):
    # A template expression in a name or value (ve-{{ b.index }}-service) stands for the first one: 0.
    return _TEMPLATE_EXPRESSION.sub("0", text)


def _project_forms(cls=forms.BaseForm):
    for sub in cls.__subclasses__():
        if sub.__module__.split(".")[0] in PROJECT_APPS:
            yield sub
        yield from _project_forms(sub)


def _template_pairs(text):
    select = None
    for tag, attributes in _TAG.findall(text):
        found = {key: _literal(value) for key, _, value in _ATTRIBUTE.findall(attributes)}
        if tag == "select":
            select = found.get("name")
        name = select if tag == "option" else found.get("name")
        if name:
            yield name, found.get("value")
    for vals in _HX_VALS.findall(text):
        yield from ((_literal(key), _literal(value)) for key, value in _PAIR.findall(vals))


def form_fields():
    """{field: [values]} of every field the console's forms post: the Django forms' fields (with
    their choices), the inputs, buttons and options the templates name, and their hx-vals (a
    template expression stands for 0: ve-0-service, remove_tag_0)."""
    fields = {}
    for form in _project_forms():
        for name, form_field in form.base_fields.items():
            choices = getattr(form_field, "choices", ())
            fields.setdefault(name, set()).update(str(value) for value, _ in choices if value != "")
    for text in _template_texts():
        for name, value in _template_pairs(text):
            # A value cut short by quotes inside a template tag ("{{ x|default:"" }}") is no value.
            values = fields.setdefault(name, set())
            if value and "{" not in value:
                values.add(value)
    return {name: sorted(values) for name, values in sorted(fields.items()) if name}


def htmx_targets():
    """The partials a page can answer alone: HX-Target values that select a fragment."""
    return sorted({name for text in _template_texts() for name in _PARTIAL.findall(text)})
