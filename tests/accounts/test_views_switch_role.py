"""Switch role in the console: the role's permissions replace the user's for an hour, then or on
"Switch back" the user's return; refusals in AWS's words change nothing."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Group, TemporaryCredential
from console.session import HISTORY_KEY, SESSION_KEY
from policies.flows import revoke_role_sessions
from policies.models import InlinePolicy, Role
from tests.accounts.factories import GroupFactory, IAMUserFactory
from tests.grants import grant, statement


def _trust(principal, **extra):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole", **extra}
            ],
        }
    )


@pytest.fixture
def alice(account):
    user = IAMUserFactory(account=account, name="alice")
    # Her own rights: list users, and switch to roles of this account.
    grant(
        statement("iam:ListUsers"),
        statement("sts:AssumeRole", f"arn:aws:iam::{account.id}:role/*"),
        user=user,
    )
    return user


@pytest.fixture
def admin_role(account):
    role = Role.objects.create(account=account, name="admin", trust_policy=_trust(account.root_arn))
    grant(statement(["iam:CreateGroup", "iam:ListGroups", "iam:GetGroup"]), role=role)
    return role


@pytest.fixture
def alice_client(client, account, alice, sign_in_as):
    return sign_in_as(client, account, alice)


def _switch(client, account, role="admin", display="Admin", color="red"):
    return client.post(
        "/switchrole", {"account": account.id, "role_name": role, "display_name": display, "color": color}
    )


def test_the_shareable_link_prefills_the_form(alice_client, account):
    html = alice_client.get(
        f"/switchrole?account={account.id}&roleName=admin&displayName=Admin&color=blue"
    ).content.decode()

    assert f'value="{account.id}"' in html
    assert 'name="role_name" value="admin"' in html
    assert 'name="display_name" value="Admin"' in html
    assert re.search(r'value="blue"[^>]* checked', html)


def test_a_switch_grants_the_roles_permissions_and_drops_the_users(alice_client, account, admin_role):
    assert alice_client.get("/users/").status_code == 200
    assert alice_client.get("/groups/").status_code == 403

    response = _switch(alice_client, account)

    assert response.status_code == 302 and response.url == "/"
    page = alice_client.get("/").content.decode()
    assert "identity-role-red" in page and ">Admin</summary>" in page
    assert alice_client.get("/groups/").status_code == 200
    assert alice_client.post("/groups/create/", {"name": "ops"}).status_code == 302
    assert Group.objects.filter(account=account, name="ops").exists()
    denied = alice_client.get("/users/")
    assert denied.status_code == 403
    assert (
        f"User: arn:aws:sts::{account.id}:assumed-role/admin/alice is not authorized to perform: iam:ListUsers"
    ) in denied.content.decode()
    event = AuditEvent.objects.get(event_name="CreateGroup", error_code="")
    assert event.user_identity["type"] == "AssumedRole"
    assert event.user_identity["sessionContext"]["sessionIssuer"]["arn"] == admin_role.arn


def test_switch_back_returns_to_the_users_own_permissions(alice_client, account, admin_role):
    _switch(alice_client, account)

    response = alice_client.post("/switchrole/back")

    assert response.status_code == 302
    assert "role" not in alice_client.session[SESSION_KEY]
    assert alice_client.get("/users/").status_code == 200
    assert alice_client.get("/groups/").status_code == 403


def test_the_last_roles_are_offered_for_one_click_switching(alice_client, account, admin_role):
    _switch(alice_client, account)
    alice_client.post("/switchrole/back")

    history = alice_client.session[HISTORY_KEY]
    assert history == [{"account": account.id, "role": "admin", "display_name": "Admin", "color": "red"}]
    assert "Role history" in alice_client.get("/").content.decode()
    alice_client.post("/switchrole/recent", {"index": "0"})
    assert alice_client.session[SESSION_KEY]["role"]["display_name"] == "Admin"


def test_the_session_lasts_one_hour_and_ends_with_a_message(alice_client, account, admin_role):
    _switch(alice_client, account)
    credential = TemporaryCredential.objects.get(role=admin_role)
    assert credential.expiration - credential.issued_at == datetime.timedelta(hours=1)

    TemporaryCredential.objects.filter(pk=credential.pk).update(
        expiration=timezone.now() - datetime.timedelta(seconds=1)
    )
    page = alice_client.get("/", follow=True).content.decode()

    assert "Your role session for Admin has ended. You are back as alice @" in page
    assert "role" not in alice_client.session[SESSION_KEY]
    assert alice_client.get("/users/").status_code == 200


def test_revoked_sessions_stop(alice_client, account, admin_role, root_acting):
    _switch(alice_client, account)
    assert alice_client.get("/groups/").status_code == 200
    # Token issue times count in whole seconds: the session began a little before the revocation.
    TemporaryCredential.objects.update(issued_at=timezone.now() - datetime.timedelta(seconds=5))

    revoke_role_sessions(role=admin_role, acting=root_acting)
    response = alice_client.get("/groups/")

    assert response.status_code == 403
    assert "iam:ListGroups" in response.content.decode()
    assert "with an explicit deny in an identity-based policy" in response.content.decode()
    # A new switch is a new session, after the revocation: it works again.
    alice_client.post("/switchrole/back")
    _switch(alice_client, account)
    assert alice_client.get("/groups/").status_code == 200


def test_a_trust_policy_with_an_external_id_cannot_be_switched_to(alice_client, account):
    Role.objects.create(
        account=account,
        name="vendor",
        trust_policy=_trust(account.root_arn, Condition={"StringEquals": {"sts:ExternalId": "abc-123"}}),
    )

    response = _switch(alice_client, account, role="vendor")

    assert response.status_code == 403
    html = response.content.decode()
    assert (
        "Invalid information in one or more fields. Check your information or contact your administrator."
        in html
    )
    assert "is not authorized to perform: sts:AssumeRole" in html
    assert "role" not in alice_client.session[SESSION_KEY]
    assert not TemporaryCredential.objects.exists()


def test_a_trust_policy_that_needs_mfa_refuses_a_sign_in_without_it(client, account, alice, sign_in_as):
    Role.objects.create(
        account=account,
        name="guarded",
        trust_policy=_trust(account.root_arn, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    )
    sign_in_as(client, account, alice)
    assert _switch(client, account, role="guarded").status_code == 403

    session = client.session
    session[SESSION_KEY]["mfa_at"] = timezone.now().isoformat()  # as a sign-in with an MFA code leaves it
    session.save()
    assert _switch(client, account, role="guarded").status_code == 302
    assert TemporaryCredential.objects.get().mfa_authenticated


def test_without_sts_assume_role_the_switch_is_refused(client, account, admin_role, sign_in_as):
    carol = IAMUserFactory(account=account, name="carol")
    sign_in_as(client, account, carol)

    response = _switch(client, account)

    assert response.status_code == 403
    assert (
        f"User: {carol.arn} is not authorized to perform: sts:AssumeRole on resource: {admin_role.arn}"
    ) in response.content.decode()


def test_root_cannot_switch_roles(root_client, account, admin_role):
    response = _switch(root_client, account)

    assert response.status_code == 403
    assert "Roles may not be assumed by root accounts." in response.content.decode()


def test_a_switch_into_another_account_shows_that_account(alice_client, alice, account, charlie_account):
    role = Role.objects.create(account=charlie_account, name="auditor", trust_policy=_trust(account.root_arn))
    grant(statement(["iam:ListGroups"]), role=role)
    GroupFactory(account=charlie_account, name="charlies-team")
    GroupFactory(account=account, name="alices-team")
    # Across accounts, her own policy must allow sts:AssumeRole on the role too.
    grant(statement("sts:AssumeRole", role.arn), user=alice, name="cross-account")

    assert _switch(alice_client, charlie_account, role="auditor", display="Auditor").status_code == 302
    html = alice_client.get("/groups/").content.decode()

    assert "charlies-team" in html and "alices-team" not in html
    assert charlie_account.id in alice_client.get("/").content.decode()


def test_revoke_sessions_tab_puts_aws_revoke_older_sessions(root_client, account, admin_role):
    refused = root_client.post("/roles/admin/revoke-sessions/", follow=True)
    assert "Confirm that you are revoking" in refused.content.decode()
    assert not InlinePolicy.objects.filter(role=admin_role, name="AWSRevokeOlderSessions").exists()

    root_client.post("/roles/admin/revoke-sessions/", {"confirm": "on"})

    policy = InlinePolicy.objects.get(role=admin_role, name="AWSRevokeOlderSessions")
    document = json.loads(policy.document)
    assert document["Statement"][0]["Effect"] == "Deny"
    assert "aws:TokenIssueTime" in document["Statement"][0]["Condition"]["DateLessThan"]
    page = root_client.get("/roles/admin/?tab=revoke").content.decode()
    assert "Revoke active sessions" in page
    assert f"/switchrole?roleName=admin&amp;account={account.id}" in page


def test_a_remembered_role_that_no_longer_trusts_the_user_is_refused_with_a_message(
    alice_client, account, admin_role
):
    _switch(alice_client, account)
    alice_client.post("/switchrole/back")
    admin_role.delete()

    page = alice_client.post("/switchrole/recent", {"index": "0"}, follow=True).content.decode()
    assert "Invalid information in one or more fields." in page
    assert "role" not in alice_client.session[SESSION_KEY]

    page = alice_client.post("/switchrole/recent", {"index": "7"}, follow=True).content.decode()
    assert "Invalid information in one or more fields." in page
