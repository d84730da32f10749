"""The access portal's Accounts tab and the way into an account: the accounts and permission sets
assigned to the user directly or through groups (only theirs), the console as the role session
`AWSReservedSSO_<PermissionSet>_<hex>/<user name>` for the permission set's session duration, the
access keys for the CLI, and Event history's AssumeRoleWithSAML under the Identity Center user."""

import datetime

import pytest

from accounts.models import AuditEvent, TemporaryCredential
from accounts.services import sts
from accounts.services.users import user_create
from aws.errors import AccessDenied
from console.session import SESSION_KEY
from identitycenter import federation, flows, services
from identitycenter.models import AccountAssignment
from policies.models import SAMLProvider
from tests.queries import assert_constant_queries

from .portal_helpers import directory_user, sign_in, url, with_password


@pytest.fixture
def dana_client(client, instance, dana, developer_access):
    with_password(dana)
    sign_in(client, instance, "dana")
    return client


def test_the_accounts_tab_lists_what_the_groups_of_the_user_are_assigned(
    dana_client, instance, member, developer_access
):
    page = dana_client.get(url("start", instance)).content.decode()
    assert "Dave&#x27;s workload" in page or "Dave's workload" in page
    assert member.id in page and "dave@example.com" in page
    assert "DeveloperAccess" in page
    assert "Management console" in page and "Access keys" in page


def test_a_user_sees_only_their_own_assignments(client, instance, root_acting, developer_access, member):
    erin = with_password(directory_user(instance, "erin", acting=root_acting))
    sign_in(client, instance, "erin")
    page = client.get(url("start", instance)).content.decode()
    assert "DeveloperAccess" not in page and member.id not in page
    assert "You do not have any AWS accounts assigned to you." in page
    # Not even by its address.
    opened = client.post(url("console", instance, member.id, developer_access.id))
    assert opened.status_code == 404
    keys = client.post(url("credentials", instance, member.id, developer_access.id))
    assert keys.status_code == 404
    with pytest.raises(federation.NotAssigned):
        federation.role_session(user=erin, account_id=member.id, permission_set_id=developer_access.id)


def test_direct_and_group_assignments_show_once_each(instance, dana, member, developer_access, root_acting):
    flows.assignment_create(
        permission_set=developer_access,
        account_id=member.id,
        principal_type="USER",
        principal_id=dana.id,
        acting=root_acting,
    )
    assert [(e.account.id, e.permission_set.name) for e in federation.entitlements(dana)] == [
        (member.id, "DeveloperAccess")
    ]


def test_the_accounts_tab_takes_as_many_queries_for_many_assignments(
    dana_client, instance, member, developers, root_acting
):
    def add_row(index):
        permission_set = services.permission_set_create(
            instance=instance, name=f"set-{index:02d}", acting=root_acting
        )
        AccountAssignment.objects.create(
            permission_set=permission_set, account=member, principal_type="GROUP", principal_id=developers.id
        )
        return f"set-{index:02d}"

    assert_constant_queries(dana_client, url("start", instance), add_row)


def test_management_console_opens_the_account_as_the_role_session(
    dana_client, instance, member, developer_access
):
    assert dana_client.get(url("console", instance, member.id, developer_access.id)).status_code == 405
    opened = dana_client.post(url("console", instance, member.id, developer_access.id))
    assert opened.status_code == 302 and opened.url == "/"

    credential = TemporaryCredential.objects.get(account=member, role__isnull=False, role_session_name="dana")
    role = credential.role
    assert role.name.startswith("AWSReservedSSO_DeveloperAccess_")
    assert credential.arn == f"arn:aws:sts::{member.id}:assumed-role/{role.name}/dana"
    assert credential.expiration - credential.issued_at == datetime.timedelta(hours=8)

    users = dana_client.get("/users/")
    assert users.status_code == 200
    acting = users.wsgi_request.acting
    assert acting.arn == credential.arn and acting.account == member
    assert f"{role.name}/dana" in users.content.decode()

    event = AuditEvent.objects.filter(account=member, event_name="AssumeRoleWithSAML").get()
    assert event.user_identity["type"] == "SAMLUser"
    assert event.user_identity["userName"] == "dana"
    assert event.request_parameters["durationSeconds"] == 8 * 3600
    assert event.request_parameters["principalArn"] == (
        f"arn:aws:iam::{member.id}:saml-provider/{instance.saml_provider_name}"
    )
    # ReadOnlyAccess: creating a user is refused, in AWS's words naming the role session.
    with pytest.raises(AccessDenied) as refused:
        user_create(account=member, name="carol", acting=acting)
    assert refused.value.message == (
        f"User: {credential.arn} is not authorized to perform: iam:CreateUser on resource: "
        f"arn:aws:iam::{member.id}:user/carol because no identity-based policy allows the iam:CreateUser action"
    )
    denied = AuditEvent.objects.filter(account=member, event_name="CreateUser").get()
    assert denied.user_identity["arn"] == credential.arn and denied.error_code == "AccessDenied"
    # The management account records the portal's federation under the directory user.
    federate = AuditEvent.objects.get(account=instance.owner_account, event_name="Federate")
    assert federate.event_source == "sso.amazonaws.com" and federate.user_name == "dana"
    assert federate.request_parameters == {"accountId": member.id, "roleName": "DeveloperAccess"}


def test_signing_out_of_the_console_returns_to_the_portal(dana_client, instance, member, developer_access):
    dana_client.post(url("console", instance, member.id, developer_access.id))
    out = dana_client.post("/signout")
    assert out.url == url("start", instance)
    assert SESSION_KEY not in dana_client.session
    # The portal's session stays.
    assert dana_client.get(url("start", instance)).status_code == 200
    assert dana_client.get("/users/").status_code == 302


def test_the_console_session_ends_with_its_credentials(dana_client, instance, member, developer_access):
    dana_client.post(url("console", instance, member.id, developer_access.id))
    TemporaryCredential.objects.filter(account=member).update(
        expiration=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    assert dana_client.get("/users/").status_code == 302


def test_access_keys_are_the_role_sessions_temporary_credentials(
    dana_client, instance, member, developer_access
):
    page = dana_client.post(url("credentials", instance, member.id, developer_access.id))
    html = page.content.decode()
    assert "Get credentials for DeveloperAccess" in html
    credential = TemporaryCredential.objects.get(account=member, role_session_name="dana")
    assert f'export AWS_ACCESS_KEY_ID="{credential.access_key_id}"' in html
    assert "export AWS_SECRET_ACCESS_KEY=" in html and "export AWS_SESSION_TOKEN=" in html
    assert f"[{member.id}_DeveloperAccess]" in html
    assert AuditEvent.objects.filter(account=instance.owner_account, event_name="GetRoleCredentials").exists()
    token = html.split('export AWS_SESSION_TOKEN="', 1)[1].split('"', 1)[0]
    found = sts.credentials_lookup(access_key_id=credential.access_key_id, session_token=token)
    assert sts.get_caller_identity(credentials_or_user=found)["Arn"] == credential.arn


def test_an_assignment_not_provisioned_yet_is_not_found(
    dana_client, instance, member, developers, root_acting
):
    pending = services.permission_set_create(instance=instance, name="Pending", acting=root_acting)
    AccountAssignment.objects.create(
        permission_set=pending, account=member, principal_type="GROUP", principal_id=developers.id
    )
    answer = dana_client.post(url("console", instance, member.id, pending.id))
    assert answer.status_code == 404


def test_stss_refusal_is_shown_on_the_portal(dana_client, instance, member, developer_access):
    SAMLProvider.objects.filter(account=member).delete()
    for name in ("console", "credentials"):
        answer = dana_client.post(url(name, instance, member.id, developer_access.id), follow=True)
        assert "Specified provider doesn&#x27;t exist." in answer.content.decode()
    assert SESSION_KEY not in dana_client.session


def test_a_federated_console_session_switches_role_as_itself(dana_client, instance, member, developer_access):
    dana_client.post(url("console", instance, member.id, developer_access.id))
    role_arn = f"arn:aws:iam::{member.id}:role/OrganizationAccountAccessRole"
    answer = dana_client.post(
        "/switchrole", {"account": member.id, "role_name": "OrganizationAccountAccessRole"}
    )
    # The access role trusts the management account only: refused, in the switch role page's words.
    assert answer.status_code == 403
    event = AuditEvent.objects.filter(account=member, event_name="AssumeRole").latest("event_time")
    assert event.request_parameters["roleArn"] == role_arn
    assert event.request_parameters["roleSessionName"] == "dana"
