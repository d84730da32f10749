"""The enforcement holes an IAM user with a crafted request found, each reproduced and now refused.

Personas: alice's account is under test; bob is an IAM user in it trying what he should not; victim
is an administrator bob would like to take over.
"""

import json
import re
import types

import pyotp
import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse

from access.acting import Acting
from access.operations import OPERATIONS, Target, target_tags
from accounts.models import AccessKey, AuditEvent, Group, GroupMembership, LoginProfile, MFADevice, UserTag
from accounts.services.access_keys import access_key_create
from accounts.services.login_profiles import login_profile_update
from accounts.services.mfa import mfa_device_create
from accounts.services.sts import console_switch_role
from aws.errors import AccessDenied
from policies.engine import catalog
from policies.models import InlinePolicy, ManagedPolicy, OpenIDConnectProvider, Role, RoleTag, SAMLProvider
from tests.accounts.factories import IAMUserFactory
from tests.grants import grant, statement
from tests.policies.permissions_helpers import make_policy

pytestmark = pytest.mark.django_db

PROTECTED = {"StringEquals": {"aws:ResourceTag/protected": "true"}}


@pytest.fixture
def victim(account):
    user = IAMUserFactory(account=account, name="victim")
    UserTag.objects.create(user=user, key="protected", value="true")
    LoginProfile.objects.create(user=user, password=make_password("Victim-Passw0rd-1"))
    grant(statement("*"), user=user, name="admin")
    return user


@pytest.fixture
def bob_client(client, account, bob, sign_in_as):
    return sign_in_as(client, account, bob)


def _bob(account, bob):
    return Acting(account=account, user=bob, source_ip="198.51.100.7", user_agent="pytest")


def _all_but_protected(bob, actions="iam:*"):
    grant(statement(actions), statement(actions, effect="Deny", condition=PROTECTED), user=bob)


# --- 1. Reads through another HTTP method ---------------------------------------------------------


@pytest.mark.parametrize("method", ["options", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url",
    [
        "/users/",
        "/users/victim/?tab=security_credentials",
        "/users/victim/?tab=last_accessed",
        "/event-history/download/",
        "/roles/admin/?tab=trust",
    ],
)
def test_a_method_the_view_does_not_serve_is_405_before_anything_is_read(
    bob_client, victim, account, method, url
):
    Role.objects.create(account=account, name="admin", trust_policy='{"Version":"2012-10-17","Statement":[]}')

    response = getattr(bob_client, method)(url)

    assert response.status_code == 405
    assert b"victim" not in response.content and b"AKIA" not in response.content


def test_options_on_a_policy_page_is_405(bob_client, account):
    policy = make_policy(name="secret-policy", account=account)

    response = bob_client.options(reverse("policies:policy_detail", args=[policy.arn]))

    assert response.status_code == 405
    assert b"secret-policy" not in response.content


def test_every_view_names_the_methods_it_serves():
    from django.urls import URLResolver, get_resolver

    def callbacks(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from callbacks(pattern.url_patterns)
            else:
                yield pattern

    unnamed = [str(p.pattern) for p in callbacks(get_resolver().url_patterns) if not p.callback.http_methods]
    assert not unnamed
    assert all("OPTIONS" not in p.callback.http_methods for p in callbacks(get_resolver().url_patterns))


# --- 2. Another user's MFA seed during set-up -------------------------------------------------------


def test_a_pending_devices_seed_never_reaches_anyone_else(bob_client, account, bob, victim, root_acting):
    """bob, even allowed every IAM action on victim, cannot read the seed of victim's set-up."""
    device, seed = mfa_device_create(account=account, user=victim, name="victim-phone", acting=root_acting)
    grant(statement("iam:*"), user=bob)

    response = bob_client.post(
        reverse("accounts:user_mfa_assign", args=["victim"]), {"step": "codes", "device": device.pk}
    )

    assert response.status_code == 302
    assert seed.encode() not in response.content
    assert seed not in bob_client.get(response.url).content.decode()
    device.refresh_from_db()
    assert device.enabled_at is None


def test_a_user_with_no_policy_cannot_open_the_mfa_set_up_of_another(
    bob_client, account, victim, root_acting
):
    device, seed = mfa_device_create(account=account, user=victim, name="victim-phone", acting=root_acting)

    response = bob_client.post(
        reverse("accounts:user_mfa_assign", args=["victim"]), {"step": "codes", "device": device.pk}
    )

    assert response.status_code == 403
    assert "iam:ListMFADevices" in response.content.decode()
    assert seed not in response.content.decode()


def test_the_seed_is_shown_once_to_the_session_that_created_the_device(root_client, account, victim):
    url = reverse("accounts:user_mfa_assign", args=["victim"])
    first = root_client.post(url, {"step": "name", "name": "victim-phone"}).content.decode()
    device = MFADevice.objects.get(name="victim-phone")
    seed = json.loads(json.dumps(first)).split('data-testid="mfa-secret">')[1].split("<")[0]
    assert pyotp.TOTP(seed).now()

    again = root_client.post(url, {"step": "codes", "device": device.pk, "code1": "1", "code2": "2"})

    assert again.status_code == 200
    assert seed not in again.content.decode()


# --- 3. Tag-based Deny statements bite ----------------------------------------------------------------


def test_a_deny_on_a_resource_tag_stops_taking_over_a_protected_admin(account, bob, victim):
    _all_but_protected(bob)
    acting = _bob(account, bob)

    with pytest.raises(AccessDenied) as key_refused:
        access_key_create(account=account, user=victim, acting=acting)
    with pytest.raises(AccessDenied) as password_refused:
        login_profile_update(user=victim, password="Taken-Over-Passw0rd-1", acting=acting)

    assert "with an explicit deny in an identity-based policy" in key_refused.value.message
    assert "iam:UpdateLoginProfile" in password_refused.value.message
    assert not AccessKey.objects.filter(user=victim).exists()
    assert check_password("Victim-Passw0rd-1", LoginProfile.objects.get(user=victim).password)
    # An unprotected user is still bob's to manage.
    other = IAMUserFactory(account=account, name="intern")
    access_key_create(account=account, user=other, acting=acting)


def test_a_deny_on_a_resource_tag_hides_the_protected_users_pages(bob_client, account, bob, victim):
    _all_but_protected(bob)

    refused = bob_client.get("/users/victim/?tab=security_credentials")
    listed = bob_client.get("/users/").content.decode()

    assert refused.status_code == 403
    assert "iam:GetUser" in refused.content.decode()
    assert "victim" in listed  # ListUsers is not on a tagged resource …
    assert "Access denied: iam:ListAccessKeys" in listed  # … but victim's keys are victim's own read


def test_a_deny_on_the_roles_tag_stops_switching_into_it(account, bob):
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": account.root_arn}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    tagged = Role.objects.create(account=account, name="administrator", trust_policy=trust)
    RoleTag.objects.create(role=tagged, key="privileged", value="true")
    plain = Role.objects.create(account=account, name="reader", trust_policy=trust)
    grant(
        statement("sts:AssumeRole"),
        statement(
            "sts:AssumeRole",
            effect="Deny",
            condition={"StringEquals": {"aws:ResourceTag/privileged": "true"}},
        ),
        user=bob,
    )
    acting = Acting(account=account, user=bob, mfa=(False, None))

    with pytest.raises(AccessDenied) as refused:
        console_switch_role(acting=acting, account_identifier=account.id, role_name="administrator")

    assert f"sts:AssumeRole on resource: {tagged.arn}" in refused.value.message
    assert (
        console_switch_role(acting=acting, account_identifier=account.id, role_name="reader").credential.role
        == plain
    )


def _fake_tagged(kind):
    tags = [types.SimpleNamespace(key="team", value="red")]
    entity = types.SimpleNamespace(
        arn=f"arn:aws:iam::111122223333:{kind}/x", serial_number="arn:aws:iam::111122223333:mfa/x"
    )
    entity.tags = types.SimpleNamespace(all=lambda: tags)
    entity.user = entity
    return entity


def _catalog_tag_families(action):
    found = catalog.action(action)
    keys = {key.lower() for row in found.resources for key in row.condition_keys}
    keys |= {key.lower() for rtype, _ in catalog.resource_types_for(action) for key in rtype.condition_keys}
    return {family for family in ("aws:resourcetag/", "iam:resourcetag/") if f"{family}${{tagkey}}" in keys}


# Operations whose catalog entry names ResourceTag keys but that act on no existing entity: they
# create one (no tags yet), or they are reads whose console pages pass the entity (enforcement.PAGES).
NO_EXISTING_TARGET = {
    "CreateUser": "creates",
    "CreateRole": "creates",
    "CreatePolicy": "creates",
    "CreateVirtualMFADevice": "creates",
    "CreateInstanceProfile": "creates",
    "CreateOpenIDConnectProvider": "creates",
    "CreateSAMLProvider": "creates",
    "CreateServiceLinkedRole": "creates",
    "UploadServerCertificate": "creates",
    "GetServiceLinkedRoleDeletionStatus": "its role is being deleted; the status is the deletion task's",
}
# Reads: the console page's resource passes the entity and its tags (enforcement.PAGES; the test
# below opens each kind of page under a Deny on a tag).
READ_ON_PAGE_ENTITY = {
    name for name in OPERATIONS if name.startswith(("Get", "List")) or name == "SimulatePrincipalPolicy"
} - set(NO_EXISTING_TARGET)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_operation_gets_the_resource_tag_keys_its_catalog_entry_names(name):
    operation = OPERATIONS[name]
    families = _catalog_tag_families(operation.action)
    if not isinstance(operation.resource, Target):
        assert not families or name in NO_EXISTING_TARGET or name in READ_ON_PAGE_ENTITY, (
            f"{name}: the catalog names {families} but the table gives no entity"
        )
        return
    entity = _fake_tagged("user")
    kinds = (
        "user",
        "group",
        "role",
        "policy",
        "profile",
        "provider",
        "device",
        "key",
        "certificate",
        "credential",
        "server_certificate",
        "entity",  # Access Advisor's job: a user, group, role or policy
    )
    kw = dict.fromkeys(kinds, entity)
    kw["acting"] = types.SimpleNamespace(user=entity, arn=entity.arn)

    context = target_tags(operation.action, operation.resource, kw)

    assert {key.lower().rsplit("/", 1)[0] + "/" for key in context} == families
    assert all(value == "red" for value in context.values())


@pytest.mark.parametrize(
    "url",
    [
        "/users/victim/",
        "/users/victim/?tab=groups",
        "/users/victim/?tab=tags",
        "/users/victim/?tab=security_credentials",
        "/users/victim/permissions/",
        "/users/victim/permissions/inline/",
        "/users/victim/console-access/",
        "/users/victim/access-keys/create/",
        "/users/victim/mfa/assign/",
        "/roles/ops/",
        "/roles/ops/?tab=tags",
        "/roles/ops/edit/",
        "/roles/ops/permissions/",
        "/policy-simulator/?principal=user:{victim}",
        "/policies/details/{policy}",
        "/policies/details/{policy}?tab=versions",
        "/policies/details/{policy}?tab=last_accessed",
        "/policies/compare/{policy}",
    ],
)
def test_every_kind_of_page_read_passes_its_entitys_tags(bob_client, bob, account, victim, url):
    role = Role.objects.create(
        account=account, name="ops", trust_policy='{"Version":"2012-10-17","Statement":[]}'
    )
    RoleTag.objects.create(role=role, key="protected", value="true")
    policy = make_policy(name="tagged", account=account)
    policy.tags.create(key="protected", value="true")
    grant(statement("*"), statement("*", effect="Deny", condition=PROTECTED), user=bob)

    response = bob_client.get(url.format(victim=victim.pk, policy=policy.arn))

    assert response.status_code == 403
    assert "with an explicit deny in an identity-based policy" in response.content.decode()


# --- 4. POST handlers and pages that rendered data with no read ----------------------------------------


@pytest.fixture
def loaded(account, victim):
    """Things bob may write to but not read: tags, groups, a policy with versions, roles."""
    group = Group.objects.create(account=account, name="admins")
    GroupMembership.objects.create(group=group, user=victim)
    policy = make_policy(name="admin-policy", account=account)
    role = Role.objects.create(
        account=account, name="ops", trust_policy='{"Version":"2012-10-17","Statement":[]}'
    )
    RoleTag.objects.create(role=role, key="secret-role-tag", value="hidden-value")
    InlinePolicy.objects.create(user=victim, name="victim-inline", document='{"Statement":"secret-inline"}')
    return types.SimpleNamespace(group=group, policy=policy, role=role)


@pytest.mark.parametrize(
    ("write", "url", "data", "hidden"),
    [
        ("iam:TagUser", "/users/victim/tags/", {"action": "edit"}, "protected"),
        ("iam:AddUserToGroup", "/users/victim/groups/", {"action": "add"}, "admins"),
        ("iam:SetDefaultPolicyVersion", "/policies/versions/{policy}", {"action": "x"}, "v1"),
        ("iam:CreatePolicyVersion", "/policies/edit/{policy}?step=2", {"action": "previous"}, "Statement"),
        ("iam:PutUserPolicy", "/users/victim/permissions/inline/?policy=victim-inline", {}, "secret-inline"),
        ("iam:TagRole", "/roles/ops/tags/", {"action": "edit"}, "hidden-value"),
        ("iam:RemoveUserFromGroup", "/groups/admins/remove-users/", {}, "victim"),
    ],
)
def test_a_post_that_re_renders_a_page_needs_its_read(bob_client, bob, loaded, write, url, data, hidden):
    grant(statement(write), user=bob)

    response = bob_client.post(url.format(policy=loaded.policy.arn), data)

    assert response.status_code == 403
    # A whole word: the page's random CSRF token can hold a short marker like "v1" by chance.
    assert not re.search(rf"\b{re.escape(hidden)}\b", response.content.decode())


@pytest.mark.parametrize(
    ("url", "hidden"),
    [
        ("/groups/create/", "victim"),
        ("/users/delete/?user=victim", "victim"),
        ("/organizations/invitations/", "Invitations received"),
    ],
)
def test_pages_that_showed_data_without_a_read_refuse_it(bob_client, bob, loaded, url, hidden):
    grant(statement(["iam:CreateGroup", "iam:DeleteUser"]), user=bob)

    html = bob_client.get(url).content.decode()

    assert "Access denied" in html
    if url != "/organizations/invitations/":
        assert not re.search(rf"\b{re.escape(hidden)}\b", html)
    else:
        assert "organizations:ListHandshakesForAccount" in html


def test_the_create_group_page_lists_users_with_list_users(bob_client, bob, loaded):
    grant(statement(["iam:CreateGroup", "iam:ListUsers"]), user=bob)

    html = bob_client.get("/groups/create/").content.decode()

    # The users table is ListUsers'; the policies table beside it is ListPolicies', refused here.
    assert "victim" in html and html.count('data-testid="access-denied"') == 1
    assert "iam:ListPolicies" in html
    grant(statement("iam:ListPolicies"), user=bob, name="policies")
    html = bob_client.get("/groups/create/").content.decode()
    assert "victim" in html and 'data-testid="access-denied"' not in html


# --- 5. The simulator authorizes the simulated principal ------------------------------------------------

# AWS's example: "allows users to simulate only their own policies".
SIMULATE_OWN = statement(
    ["iam:GetContextKeysForPrincipalPolicy", "iam:SimulatePrincipalPolicy"],
    "arn:aws:iam::*:user/${aws:username}",
)


def _simulate(client, principal):
    return client.post(
        "/policy-simulator/",
        {"op": "run", "principal": principal, "service": "s3", "action": ["s3:GetObject"]},
    )


def test_simulate_your_own_policies_works_for_yourself_only(bob_client, bob, victim):
    grant(SIMULATE_OWN, user=bob)

    own = _simulate(bob_client, f"user:{bob.pk}")
    other = _simulate(bob_client, f"user:{victim.pk}")
    page = bob_client.get("/policy-simulator/").content.decode()

    assert own.status_code == 200
    assert other.status_code == 403
    # The caller named the principal by its key in a form, not by name: the refusal does not say whose.
    assert f"User: {bob.arn} is not authorized to perform: iam:SimulatePrincipalPolicy because" in (
        other.content.decode()
    )
    assert f'value="user:{bob.pk}"' in page and f'value="user:{victim.pk}"' not in page


def test_a_deny_on_one_principal_stops_simulating_it(bob_client, bob, victim, account):
    other = IAMUserFactory(account=account, name="other")
    grant(
        statement(["iam:SimulatePrincipalPolicy", "iam:ListUsers"]),
        statement("iam:SimulatePrincipalPolicy", victim.arn, effect="Deny"),
        user=bob,
    )

    assert _simulate(bob_client, f"user:{victim.pk}").status_code == 403
    assert _simulate(bob_client, f"user:{other.pk}").status_code == 200


def test_a_run_is_only_its_starters(client, account, bob, sign_in_as, root_acting):
    from policies.services.simulation_runs import simulation_run_start

    grant(statement("iam:*"), user=bob)
    run = simulation_run_start(
        acting=root_acting, parameters={"mode": "custom", "service": "sts", "resource": "*"}
    )
    sign_in_as(client, account, bob)

    assert client.get(reverse("policies:simulation_run", args=[run.pk])).status_code == 404
    assert client.get(reverse("policies:simulation_run_csv", args=[run.pk])).status_code == 404


# --- 7. A refused step leaves the console password as it was ------------------------------------------


def test_a_password_reset_refused_half_way_changes_nothing(bob_client, bob, account, victim):
    UserTag.objects.filter(user=victim).delete()
    make_policy(name="IAMUserChangePassword")  # what the console attaches when a reset is required
    grant(statement(["iam:GetLoginProfile", "iam:UpdateLoginProfile"]), user=bob)

    response = bob_client.post(
        reverse("accounts:login_profile_manage", args=["victim"]),
        {"access": "enable", "password_type": "autogenerated", "reset_required": "on"},
    )

    assert response.status_code == 422
    assert "iam:AttachUserPolicy" in response.content.decode()
    assert check_password("Victim-Passw0rd-1", LoginProfile.objects.get(user=victim).password)
    refused = AuditEvent.objects.get(event_name="AttachUserPolicy")
    assert refused.error_code == "AccessDenied"
    assert not AuditEvent.objects.filter(event_name="UpdateLoginProfile", error_code="").exists()


# --- 8. Refusals inside a flow's transaction stay in Event history --------------------------------------


@pytest.mark.parametrize(
    ("url", "data", "event"),
    [
        ("/users/victim/tags/", {"action": "save", "tag_key": "k", "tag_value": "v"}, "TagUser"),
        ("/users/victim/groups/", {"action": "add", "group": "admins"}, "AddUserToGroup"),
        ("/users/victim/delete/", {"confirm": "victim"}, "DeleteUser"),
    ],
)
def test_a_refused_write_in_a_flow_is_recorded(bob_client, bob, account, victim, url, data, event):
    UserTag.objects.filter(user=victim).delete()
    Group.objects.create(account=account, name="admins")
    grant(
        statement(["iam:Get*", "iam:List*", "iam:DeleteLoginProfile", "iam:DeleteUserPolicy"]),
        user=bob,
    )

    bob_client.post(url, data)

    refused = AuditEvent.objects.filter(event_name=event, error_code="AccessDenied")
    assert refused.count() == 1
    assert refused.get().user_identity["arn"] == bob.arn


# --- 10. Identity provider pages ----------------------------------------------------------------------


def test_provider_pages_ask_for_their_own_read_on_awss_arn(bob_client, bob, account):
    oidc = OpenIDConnectProvider.objects.create(account=account, url="token.example.com", client_ids=["x"])
    saml = SAMLProvider.objects.create(account=account, name="corp", metadata_document="<x/>")
    grant(
        statement(
            "iam:GetOpenIDConnectProvider", f"arn:aws:iam::{account.id}:oidc-provider/token.example.com"
        ),
        user=bob,
    )

    oidc_page = bob_client.get(reverse("policies:identity_provider_detail", args=["oidc", oidc.pk]))
    saml_page = bob_client.get(reverse("policies:identity_provider_detail", args=["saml", saml.name]))

    assert oidc_page.status_code == 200
    assert saml_page.status_code == 403
    assert f"iam:GetSAMLProvider on resource: {saml.arn}" in saml_page.content.decode()


def test_a_policy_page_needs_the_policys_read_with_its_tags(bob_client, bob, account):
    policy = make_policy(name="tagged", account=account)
    policy.tags.create(key="protected", value="true")
    _all_but_protected(bob)

    response = bob_client.get(reverse("policies:policy_detail", args=[policy.arn]))

    assert response.status_code == 403
    assert isinstance(ManagedPolicy.objects.get(pk=policy.pk), ManagedPolicy)


def test_add_permissions_copy_and_groups_tables_need_their_list_reads(bob_client, bob, account, victim):
    Group.objects.create(account=account, name="admins")
    grant(statement(["iam:ListAttachedUserPolicies", "iam:ListPolicies"]), user=bob)
    url = reverse("policies:user_permissions_add", args=["bob"])

    copy = bob_client.get(url, {"option": "copy"}).content.decode()
    groups = bob_client.get(url, {"option": "groups"}).content.decode()

    assert "iam:ListUsers" in copy and "victim" not in copy
    assert "iam:ListGroups" in groups and "admins" not in groups


def test_a_copy_source_shows_its_groups_only_with_its_own_read(bob_client, bob, account, victim):
    group = Group.objects.create(account=account, name="admins")
    GroupMembership.objects.create(group=group, user=victim)
    _all_but_protected(bob)
    url = reverse("policies:user_permissions_add", args=["bob"])

    copy = bob_client.get(url, {"option": "copy"}).content.decode()
    refused = bob_client.post(url, {"option": "copy", "source_user": "victim", "action": "next"})

    assert "victim" in copy and "admins" not in copy  # listed, but its groups are its own read
    assert "Access denied: iam:ListGroupsForUser" in copy
    assert refused.status_code == 422 and "iam:ListGroupsForUser" in refused.content.decode()
