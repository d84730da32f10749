"""The console obeys IAM: pages and writes of an IAM user are the engine's decisions, with AWS's
messages, through the real views and services (issue 6's matrix)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from access.acting import Acting
from access.operations import OPERATIONS, SELF_AUTHORIZED
from accounts.models import Group, GroupMembership, IAMUser
from accounts.services.groups import group_create
from accounts.services.passwords import password_policy_update, user_password_change
from accounts.services.users import user_create
from aws.errors import AccessDenied, ValidationError
from iamconsole.enforcement import OPEN, PAGES, SSO_PORTAL_PAGES
from policies.models import InstanceProfile, PolicyAttachment, Role
from policies.services.instance_profiles import instance_profile_add_role
from policies.services.permissions import policy_attach
from tests.accounts.factories import GroupFactory
from tests.grants import grant, statement
from tests.policies.permissions_helpers import EC2_TRUST, make_policy
from tests.queries import assert_constant_queries

READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["iam:GenerateCredentialReport", "iam:Get*", "iam:List*", "iam:Simulate*"],
            "Resource": "*",
        }
    ],
}
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@pytest.fixture
def bob_client(client, account, bob, sign_in_as):
    return sign_in_as(client, account, bob)


@pytest.fixture
def bob_acting(account, bob):
    return Acting(account=account, user=bob, source_ip="198.51.100.7", user_agent="pytest")


def _attach(user, name, document):
    PolicyAttachment.objects.create(policy=make_policy(name=name, document=document), user=user)


def _create_group(client, name):
    return client.post("/groups/create/", {"name": name})


# --- A user with no policy is denied everything ------------------------------------------------


@pytest.mark.parametrize(
    ("url", "action", "resource"),
    [
        ("/users/", "iam:ListUsers", "arn:aws:iam::{account}:user/"),
        ("/groups/", "iam:ListGroups", "arn:aws:iam::{account}:group/"),
        ("/roles/", "iam:ListRoles", "arn:aws:iam::{account}:role/"),
        ("/policies/", "iam:ListPolicies", "*"),
        # IAM names a user it refuses to show by name (not by ARN: its path would tell what was refused).
        ("/users/bob/", "iam:GetUser", "user bob"),
        ("/account-settings/", "iam:GetAccountPasswordPolicy", "*"),
        ("/event-history/", "cloudtrail:LookupEvents", "*"),
        ("/policy-simulator/?mode=custom", "iam:SimulateCustomPolicy", "*"),
    ],
)
def test_a_user_with_no_policy_is_denied_every_page(bob_client, account, url, action, resource):
    response = bob_client.get(url)

    assert response.status_code == 403
    resource = resource.format(account=account.id)
    assert (
        f"User: arn:aws:iam::{account.id}:user/bob is not authorized to perform: {action} on resource: "
        f"{resource} because no identity-based policy allows the {action} action"
    ) in response.content.decode()


def test_a_custom_simulation_needs_simulate_custom_policy(bob_client, bob):
    grant(statement("iam:SimulatePrincipalPolicy"), user=bob)
    custom = {"mode": "custom", "service": "s3", "actions": "s3:GetObject", "policy": "{}"}

    assert bob_client.get("/policy-simulator/").status_code == 200
    response = bob_client.post("/policy-simulator/", custom)
    assert response.status_code == 403
    assert "iam:SimulateCustomPolicy" in response.content.decode()

    grant(statement("iam:SimulateCustomPolicy"), user=bob, name="custom")
    assert bob_client.post("/policy-simulator/", custom).status_code != 403


def test_a_refused_page_is_recorded_as_a_read_only_event(bob_client, account):
    from accounts.models import AuditEvent

    bob_client.get("/users/")

    event = AuditEvent.objects.get(event_name="ListUsers")
    assert event.error_code == "AccessDenied" and event.read_only
    assert event.event_source == "iam.amazonaws.com"
    assert event.user_identity["arn"] == f"arn:aws:iam::{account.id}:user/bob"
    assert "iam:ListUsers" in event.error_message


def test_the_denial_keeps_the_page_heading_and_its_buttons(bob_client):
    html = bob_client.get("/users/").content.decode()

    assert "<h1>Users</h1>" in html
    assert 'href="/users/create/">Create user</a>' in html  # buttons are shown, the denial comes on use
    assert 'data-testid="access-denied"' in html


def test_an_htmx_request_gets_the_denial_in_place_of_its_fragment(bob_client):
    response = bob_client.get("/users/", headers={"HX-Request": "true", "HX-Target": "user-table"})

    assert response.status_code == 200  # swapped in by htmx
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="alert alert-error access-denied"')
    assert "iam:ListUsers" in html and "<html" not in html


def test_a_user_with_no_policy_cannot_create_and_nothing_changes(bob_client, account):
    response = _create_group(bob_client, "admins")

    assert response.status_code == 422
    assert (
        f"User: arn:aws:iam::{account.id}:user/bob is not authorized to perform: iam:CreateGroup on resource: "
        f"arn:aws:iam::{account.id}:group/admins because no identity-based policy allows the iam:CreateGroup action"
    ) in response.content.decode()
    assert not Group.objects.filter(account=account).exists()


def test_the_denied_write_is_in_the_event_history(bob_acting, account):
    from accounts.models import AuditEvent

    with pytest.raises(AccessDenied):
        user_create(account=account, name="mallory", acting=bob_acting)

    event = AuditEvent.objects.get(event_name="CreateUser")
    assert event.error_code == "AccessDenied"
    assert event.user_identity["userName"] == "bob"
    assert not IAMUser.objects.filter(name="mallory").exists()


def test_the_root_user_may_do_everything_in_its_account(root_client, account):
    assert root_client.get("/users/").status_code == 200
    assert _create_group(root_client, "admins").status_code == 302
    assert Group.objects.filter(account=account, name="admins").exists()


# --- IAMReadOnlyAccess can list but not create ---------------------------------------------------


def test_read_only_access_lists_but_cannot_create(bob_client, bob, account):
    _attach(bob, "IAMReadOnlyAccess", READ_ONLY)

    assert bob_client.get("/users/").status_code == 200
    assert bob_client.get("/roles/").status_code == 200
    assert bob_client.get("/users/bob/").status_code == 200
    response = _create_group(bob_client, "admins")

    assert "because no identity-based policy allows the iam:CreateGroup action" in response.content.decode()
    assert not Group.objects.filter(account=account).exists()


# --- Deny beats allow; boundaries bound ---------------------------------------------------------


def test_an_explicit_deny_through_a_group_beats_an_allow_attached_directly(bob_client, bob, account):
    _attach(bob, "AdministratorAccess", ADMIN)
    developers = GroupFactory(account=account, name="developers")
    GroupMembership.objects.create(user=bob, group=developers)
    grant(statement("iam:CreateGroup", effect="Deny"), group=developers)

    assert bob_client.get("/users/").status_code == 200  # the allow still works elsewhere
    response = _create_group(bob_client, "admins")

    assert (
        f"is not authorized to perform: iam:CreateGroup on resource: arn:aws:iam::{account.id}:group/admins "
        "with an explicit deny in an identity-based policy"
    ) in response.content.decode()
    assert not Group.objects.filter(account=account, name="admins").exists()


def test_a_permissions_boundary_limits_an_administrator(bob_client, bob, account):
    _attach(bob, "AdministratorAccess", ADMIN)
    boundary = make_policy(name="read-only-boundary", account=account, document=READ_ONLY)
    bob.permissions_boundary_arn = boundary.arn
    bob.save()

    assert bob_client.get("/users/").status_code == 200
    response = _create_group(bob_client, "admins")

    assert "because no permissions boundary allows the iam:CreateGroup action" in response.content.decode()
    assert not Group.objects.filter(account=account, name="admins").exists()


def test_a_grant_takes_effect_on_the_next_request(bob_client, bob, account):
    assert bob_client.get("/users/").status_code == 403
    grant(statement("iam:ListUsers"), user=bob)
    assert bob_client.get("/users/").status_code == 200


# --- The request context AWS sends --------------------------------------------------------------


def test_aws_username_lets_users_manage_only_their_own_credentials(bob_acting, bob, account):
    from accounts.services.access_keys import access_key_create

    grant(statement("iam:CreateAccessKey", "arn:aws:iam::*:user/${aws:username}"), user=bob)
    alice = IAMUser.objects.create(account=account, name="alice")

    access_key_create(account=account, user=bob, acting=bob_acting)
    with pytest.raises(AccessDenied, match="iam:CreateAccessKey on resource: arn:aws:iam::.*:user/alice"):
        access_key_create(account=account, user=alice, acting=bob_acting)


def test_source_ip_condition_uses_the_request_address(account, bob):
    grant(
        statement("iam:CreateGroup", condition={"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}), user=bob
    )
    inside = Acting(account=account, user=bob, source_ip="198.51.100.7")
    outside = Acting(account=account, user=bob, source_ip="203.0.113.9")

    group_create(account=account, name="inside", acting=inside)
    with pytest.raises(AccessDenied):
        group_create(account=account, name="outside", acting=outside)


def test_principal_tags_are_in_the_context(account, bob, bob_acting):
    grant(
        statement("iam:CreateGroup", condition={"StringEquals": {"aws:PrincipalTag/team": "platform"}}),
        user=bob,
    )
    with pytest.raises(AccessDenied):
        group_create(account=account, name="before", acting=bob_acting)
    bob.tags.create(key="team", value="platform")
    group_create(account=account, name="after", acting=bob_acting)


def test_policy_arn_condition_limits_what_can_be_attached(account, bob, bob_acting):
    read_only = make_policy(name="ReadOnlyAccess", document=READ_ONLY)
    admin = make_policy(name="AdministratorAccess", document=ADMIN)
    grant(
        statement("iam:AttachUserPolicy", condition={"ArnEquals": {"iam:PolicyARN": read_only.arn}}),
        user=bob,
    )
    policy_attach(policy=read_only, user=bob, acting=bob_acting)
    with pytest.raises(AccessDenied, match="iam:AttachUserPolicy"):
        policy_attach(policy=admin, user=bob, acting=bob_acting)


def test_creating_with_tags_needs_tag_user_and_sees_the_request_tags(account, bob, bob_acting):
    grant(statement("iam:CreateUser"), user=bob)
    with pytest.raises(AccessDenied, match="iam:TagUser"):
        user_create(account=account, name="tagged", tags=[{"Key": "team", "Value": "red"}], acting=bob_acting)
    assert not IAMUser.objects.filter(name="tagged").exists()

    grant(
        statement("iam:TagUser", condition={"StringEquals": {"aws:RequestTag/team": "red"}}),
        user=bob,
        name="tag",
    )
    user_create(account=account, name="tagged", tags=[{"Key": "team", "Value": "red"}], acting=bob_acting)
    with pytest.raises(AccessDenied, match="iam:TagUser"):
        user_create(account=account, name="blue", tags=[{"Key": "team", "Value": "blue"}], acting=bob_acting)


def test_adding_a_role_to_an_instance_profile_passes_it_to_ec2(account, bob, bob_acting):
    role = Role.objects.create(account=account, name="web", trust_policy=EC2_TRUST)
    profile = InstanceProfile.objects.create(account=account, name="web")
    grant(statement("iam:AddRoleToInstanceProfile"), user=bob)
    with pytest.raises(AccessDenied, match="iam:PassRole on resource: arn:aws:iam::.*:role/web"):
        instance_profile_add_role(profile=profile, role=role, acting=bob_acting)

    grant(
        statement(
            "iam:PassRole", role.arn, condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
        ),
        user=bob,
        name="pass",
    )
    instance_profile_add_role(profile=profile, role=role, acting=bob_acting)
    profile.refresh_from_db()
    assert profile.role == role


def test_the_password_policy_lets_users_change_their_own_password(account, bob, bob_acting, root_acting):
    from django.contrib.auth.hashers import make_password

    from accounts.models import LoginProfile

    LoginProfile.objects.create(user=bob, password=make_password("Old-Passw0rd-1"))
    with pytest.raises(AccessDenied, match="iam:ChangePassword"):
        user_password_change(
            user=bob, old_password="Old-Passw0rd-1", new_password="New-Passw0rd-2", acting=bob_acting
        )

    password_policy_update(account=account, allow_users_to_change_password=True, acting=root_acting)
    user_password_change(
        user=bob, old_password="Old-Passw0rd-1", new_password="New-Passw0rd-2", acting=bob_acting
    )


# --- Query counts --------------------------------------------------------------------------------


def test_an_iam_users_page_takes_as_many_queries_with_ten_groups_and_policies_as_with_two(
    bob_client, bob, account
):
    """The caller is described once per request, whatever its groups, policies and tags."""
    _attach(bob, "IAMReadOnlyAccess", READ_ONLY)

    def add_row(index):
        group = GroupFactory(account=account, name=f"team{index}")
        GroupMembership.objects.create(user=bob, group=group)
        grant(statement("iam:ListUsers"), group=group, name=f"g{index}")
        grant(statement(f"s3:Op{index}"), user=bob, name=f"own{index}")
        bob.tags.create(key=f"tag{index}", value="x")
        return f"team{index}"  # its Groups column

    # Ten: AWS's quota of groups per user.
    assert_constant_queries(bob_client, "/users/", add_row, sizes=(2, 10))


# --- Every console page and every write is in the tables ----------------------------------------


def _url_names(resolver=None, namespace=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_console_page_is_authorized_or_deliberately_open():
    # The admin site and the classroom portal sign in their own people (Django users): the middleware
    # leaves them to their views (tests/classrooms/test_portal_isolation.py sweeps the portal).
    # The AWS access portal signs in Identity Center's directory users; its views check them
    # (tests/identitycenter/test_portal_isolation.py sweeps it), and its table names only its own pages.
    names = {name for name in _url_names() if not name.startswith(("admin:", "portal:"))}
    assert {name for name in names if name.startswith("sso_portal:")} == SSO_PORTAL_PAGES
    names -= SSO_PORTAL_PAGES

    missing = names - set(PAGES) - OPEN
    assert not missing, f"place these pages in iamconsole/enforcement.py: {sorted(missing)}"
    assert set(PAGES) <= names and names >= OPEN  # no stale entries
    assert not set(PAGES) & OPEN
    static = [read for page in PAGES.values() if not callable(page.reads) for read in page.reads]
    assert len(static) > 50
    assert all((read[0] if isinstance(read, tuple) else read) in OPERATIONS for read in static)


def test_every_audited_write_names_its_operation():
    import importlib
    import inspect
    import pkgutil
    import re

    names = set()
    for package in ("accounts.services", "policies.services"):
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            source = inspect.getsource(importlib.import_module(f"{package}.{module.name}"))
            names |= set(re.findall(r'@audited\(\s*"(\w+)"', source))

    assert len(names) > 60
    assert names <= set(OPERATIONS) | SELF_AUTHORIZED


def test_operations_name_real_iam_actions():
    from policies.engine import catalog

    unknown = [op.action for op in OPERATIONS.values() if catalog.action(op.action) is None]
    assert not unknown


# --- Root-only credentials stay root-only -------------------------------------------------------


def test_an_iam_users_own_access_key_call_makes_a_key_for_that_user_never_for_root(account, bob, bob_acting):
    from accounts.services.access_keys import access_key_create

    grant(statement("iam:CreateAccessKey", "arn:aws:iam::*:user/${aws:username}"), user=bob)

    key, _ = access_key_create(account=account, acting=bob_acting)

    assert key.user == bob


def test_a_role_session_cannot_make_root_credentials(account, root_acting):
    from accounts.services.access_keys import access_key_create
    from accounts.services.mfa import mfa_device_create
    from accounts.services.sts import _issue

    role = Role.objects.create(account=account, name="admin", trust_policy=EC2_TRUST)
    grant(statement("*"), role=role)
    credential = _issue(
        account=account, duration_seconds=3600, issued_at=timezone.now(), role=role, role_session_name="s"
    ).credential
    session = Acting(account=account, credential=credential)
    assert not session.is_root

    with pytest.raises(ValidationError, match="Must specify userName"):
        access_key_create(account=account, acting=session)
    with pytest.raises(AccessDenied):
        mfa_device_create(account=account, name="root-phone", acting=session)
    from accounts.models import AccessKey, MFADevice

    assert not AccessKey.objects.exists() and not MFADevice.objects.exists()


# AWS's example policy "IAM: Allows IAM users to self-manage an MFA device".
SELF_MANAGE_MFA = [
    {
        "Sid": "AllowListActions",
        "Effect": "Allow",
        "Action": ["iam:ListUsers", "iam:ListVirtualMFADevices"],
        "Resource": "*",
    },
    {
        "Sid": "AllowUserToCreateVirtualMFADevice",
        "Effect": "Allow",
        "Action": ["iam:CreateVirtualMFADevice"],
        "Resource": "arn:aws:iam::*:mfa/*",
    },
    {
        "Sid": "AllowUserToManageTheirOwnMFA",
        "Effect": "Allow",
        "Action": ["iam:EnableMFADevice", "iam:GetMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
        "Resource": "arn:aws:iam::*:user/${aws:username}",
    },
    {
        "Sid": "BlockMostAccessUnlessSignedInWithMFA",
        "Effect": "Deny",
        "NotAction": [
            "iam:CreateVirtualMFADevice",
            "iam:EnableMFADevice",
            "iam:ListMFADevices",
            "iam:ListUsers",
            "iam:ListVirtualMFADevices",
            "iam:ResyncMFADevice",
        ],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    },
]


def test_the_self_manage_mfa_example_blocks_a_console_session_without_mfa(client, account, bob, sign_in_as):
    from accounts.services.mfa import mfa_device_create
    from console.session import SESSION_KEY

    _attach(bob, "AdministratorAccess", ADMIN)
    grant(*SELF_MANAGE_MFA, user=bob)
    sign_in_as(client, account, bob)

    assert client.get("/users/").status_code == 200  # listed in the deny's NotAction
    refused = client.get("/groups/")
    assert refused.status_code == 403
    assert "iam:ListGroups" in refused.content.decode()
    assert "with an explicit deny in an identity-based policy" in refused.content.decode()
    # Setting up the device is what the policy leaves open without MFA.
    no_mfa = Acting(account=account, user=bob, mfa=(False, None))
    mfa_device_create(account=account, user=bob, name="bob-phone", acting=no_mfa)

    session = client.session
    session[SESSION_KEY]["mfa_at"] = timezone.now().isoformat()  # signed in with an MFA code
    session.save()
    assert client.get("/groups/").status_code == 200
