"""The Organizations pages: full pages and their HTMX fragments, who may see them, query counts."""

import json
import re

import pytest
from django.urls import reverse

from access.acting import Acting
from organizations import flows as organizations_flows
from organizations import services
from organizations.models import SCP, Handshake, Membership, OrganizationalUnit, Policy, PolicyAttachment
from policies.aws_managed.loader import aws_managed_policy
from policies.services.permissions import inline_policy_put, policy_attach
from tests.accounts.factories import IAMUserFactory

from .conftest import document

HX = {"HX-Request": "true"}


def hx(target):
    return {**HX, "HX-Target": target}


def test_start_page_creates_an_organization(root_client, account):
    page = root_client.get(reverse("organizations:accounts"))
    assert "Create an organization" in page.content.decode()

    response = root_client.post(reverse("organizations:organization_create"))

    assert response.status_code == 302
    assert Membership.objects.get(account=account).organization.management_account_id == account.id


def test_accounts_tree_full_page_and_fragment(root_client, scp_organization, root_acting, member):
    ou = services.ou_create(
        organization=scp_organization,
        parent_id=scp_organization.root_id,
        name="Workloads",
        acting=root_acting,
    )
    services.account_move(membership=member, destination_id=ou.id, acting=root_acting)
    url = reverse("organizations:accounts")

    closed = root_client.get(url).content.decode()
    assert "<html" in closed and "Workloads" in closed and "Dave&#x27;s workload" not in closed
    assert 'aria-label="Expand Workloads"' in closed

    opened = root_client.get(f"{url}?open={ou.id}", headers=hx("org-tree")).content.decode()
    assert "<html" not in opened and 'id="org-tree"' in opened
    assert "Dave&#x27;s workload" in opened and 'aria-label="Collapse Workloads"' in opened


def test_create_ou_and_its_errors(root_client, scp_organization):
    url = reverse("organizations:ou_create")
    response = root_client.post(url, {"parent": scp_organization.root_id, "name": "Dev"})
    assert response.status_code == 302
    again = root_client.post(url, {"parent": scp_organization.root_id, "name": "Dev"})
    assert again.status_code == 422 and "An OU with the same name already exists." in again.content.decode()


def test_account_page_moves_and_shows_effective_policies(
    root_client, scp_organization, root_acting, member, make_scp
):
    ou = services.ou_create(
        organization=scp_organization, parent_id=scp_organization.root_id, name="Sandbox", acting=root_acting
    )
    deny = make_scp("deny-create-user", "Deny", "iam:CreateUser")
    services.policy_attach(organization=scp_organization, policy=deny, target_id=ou.id, acting=root_acting)

    root_client.post(reverse("organizations:account_move", args=[member.account_id]), {"destination": ou.id})
    page = root_client.get(reverse("organizations:target_detail", args=[member.account_id])).content.decode()

    chain = page[page.index('data-testid="effective-policies"') :]
    assert (
        chain.index("Root")
        < chain.index("Sandbox")
        < chain.index("deny-create-user")
        < chain.index("Account:")
    )
    assert "FullAWSAccess" in chain


def test_attach_and_detach_on_a_target_fragment(root_client, scp_organization, member, make_scp):
    deny = make_scp("deny-s3", "Deny", "s3:*")
    url = reverse("organizations:target_policy_change", args=[member.account_id])

    fragment = root_client.post(url, {"policy": deny.id, "change": "attach"}, headers=hx("target-policies"))
    body = fragment.content.decode()
    assert "<html" not in body and 'id="target-policies"' in body and "deny-s3" in body
    assert PolicyAttachment.objects.filter(policy=deny, target_id=member.account_id).exists()

    full = services.full_access_policy(SCP)
    root_client.post(url, {"policy": deny.id, "change": "detach"}, headers=hx("target-policies"))
    last = root_client.post(url, {"policy": full.id, "change": "detach"}, headers=hx("target-policies"))
    assert "You cannot remove the last policy attached to the specified target" in last.content.decode()

    page = root_client.get(reverse("organizations:target_detail", args=[member.account_id]))
    assert "<html" in page.content.decode() and "FullAWSAccess" in page.content.decode()


def test_policy_type_toggle_full_page_and_fragment(root_client, organization):
    url = reverse("organizations:policy_type_toggle", args=["service-control-policies"])
    fragment = root_client.post(url, {"enable": "true"}, headers=hx("policy-type-status"))
    body = fragment.content.decode()
    assert "<html" not in body and 'data-testid="type-status">enabled' in body
    organization.refresh_from_db()
    assert organization.scp_enabled

    page = root_client.get(reverse("organizations:policy_list", args=["service-control-policies"]))
    assert "<html" in page.content.decode() and "FullAWSAccess" in page.content.decode()
    root_client.post(url, {"enable": "false"})
    organization.refresh_from_db()
    assert not organization.scp_enabled


def test_create_policy_minifies_the_json(root_client, scp_organization):
    content = json.dumps(json.loads(document("Deny", "iam:CreateUser")), indent=4)
    response = root_client.post(
        reverse("organizations:policy_create", args=["service-control-policies"]),
        {"name": "deny-create-user", "description": "No IAM users", "content": content},
    )
    assert response.status_code == 302
    policy = Policy.objects.get(name="deny-create-user")
    assert (
        policy.content
        == '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}'
    )


@pytest.mark.parametrize(
    ("slug", "quota"), [("service-control-policies", "10,240"), ("resource-control-policies", "5,120")]
)
def test_the_policy_form_says_the_types_size_quota(root_client, scp_organization, slug, quota):
    page = root_client.get(reverse("organizations:policy_create", args=[slug])).content.decode()
    assert f"a policy can have up to {quota} characters." in page


def test_create_policy_shows_organizations_refusal(root_client, scp_organization):
    response = root_client.post(
        reverse("organizations:policy_create", args=["service-control-policies"]),
        {"name": "bad", "content": '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny"}]}'},
    )
    assert response.status_code == 422
    assert "does not meet the requirements of the specified policy type" in response.content.decode()


def test_policy_detail_attach_fragment_and_page(root_client, scp_organization, member, make_scp):
    deny = make_scp("deny-s3", "Deny", "s3:*")
    url = reverse("organizations:policy_target_change", args=["service-control-policies", deny.id])
    fragment = root_client.post(
        url, {"target": scp_organization.root_id, "change": "attach"}, headers=hx("policy-targets")
    )
    assert "<html" not in fragment.content.decode() and "Root" in fragment.content.decode()
    page = root_client.get(reverse("organizations:policy_detail", args=["service-control-policies", deny.id]))
    assert "<html" in page.content.decode() and scp_organization.root_id in page.content.decode()


def test_edit_and_delete_policy(root_client, scp_organization, make_scp):
    policy = make_scp("deny-s3", "Deny", "s3:*")
    edit = reverse("organizations:policy_edit", args=["service-control-policies", policy.id])
    assert root_client.get(edit).status_code == 200
    root_client.post(edit, {"name": "deny-s3-put", "description": "", "content": document("Deny", "s3:Put*")})
    policy.refresh_from_db()
    assert policy.name == "deny-s3-put" and "s3:Put*" in policy.content
    root_client.post(reverse("organizations:policy_delete", args=["service-control-policies", policy.id]))
    assert not Policy.objects.filter(pk=policy.pk).exists()


def test_create_account_page(root_client, scp_organization):
    response = root_client.post(
        reverse("organizations:account_create"), {"name": "Workload", "email": "workload@example.com"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(account__root_email="workload@example.com").exists()


def test_invite_and_accept_on_the_invited_accounts_page(
    root_client, scp_organization, charlie_account, sign_in_as, client
):
    root_client.post(
        reverse("organizations:account_invite"), {"target": charlie_account.id, "notes": "Join us"}
    )
    handshake = Handshake.objects.get(account=charlie_account)

    sign_in_as(client, charlie_account)
    start = client.get(reverse("organizations:accounts")).content.decode()
    assert "Accept invitation" in start and handshake.id in start
    client.post(reverse("organizations:handshake_respond", args=[handshake.id]), {"answer": "accept"})
    assert Membership.objects.get(account=charlie_account).organization == scp_organization
    # A member account sees the overview, with Leave, not the administration pages.
    assert "Leave this organization" in client.get(reverse("organizations:accounts")).content.decode()


def test_member_accounts_and_outsiders_do_not_administer(
    client, sign_in_as, scp_organization, member, charlie_account
):
    sign_in_as(client, member.account)
    # The navigation's policy pages show a member the start page (its organization's overview).
    for url in (
        reverse("organizations:policies"),
        reverse("organizations:policy_list", args=["service-control-policies"]),
    ):
        assert client.get(url).url == reverse("organizations:accounts")
    assert client.get(reverse("organizations:policy_list", args=["no-such-type"])).status_code == 404
    assert (
        client.get(
            reverse("organizations:policy_detail", args=["service-control-policies", "p-x"])
        ).status_code
        == 404
    )
    sign_in_as(client, charlie_account)
    assert (
        client.get(reverse("organizations:target_detail", args=[scp_organization.root_id])).status_code == 404
    )


def test_an_iam_user_needs_organizations_permissions(client, sign_in_as, account, scp_organization):
    bob = IAMUserFactory(account=account, name="bob")
    sign_in_as(client, account, bob)
    denied = client.get(reverse("organizations:accounts"))
    assert denied.status_code == 403
    assert (
        "because no identity-based policy allows the organizations:ListAccounts action"
        in denied.content.decode()
    )

    inline_policy_put(
        name="orgs", document=document("Allow", "organizations:*"), user=bob, acting=Acting(account=account)
    )
    assert client.get(reverse("organizations:accounts")).status_code == 200


@pytest.mark.parametrize("with_admin", [True, False])
def test_iam_user_write_is_checked_in_the_service(account, scp_organization, with_admin):
    bob = IAMUserFactory(account=account, name="bob")
    if with_admin:
        policy_attach(
            policy=aws_managed_policy("AdministratorAccess"), user=bob, acting=Acting(account=account)
        )
    acting = Acting(account=account, user=bob)
    if with_admin:
        services.ou_create(
            organization=scp_organization, parent_id=scp_organization.root_id, name="X", acting=acting
        )
    else:
        from aws.errors import AccessDenied

        with pytest.raises(AccessDenied):
            services.ou_create(
                organization=scp_organization, parent_id=scp_organization.root_id, name="X", acting=acting
            )


def test_a_created_accounts_root_gets_a_password_through_forgot_password(
    member, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:forgot_password"), {"email": "dave@example.com"})
    assert mailoutbox[0].to == ["dave@example.com"]
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    client.post(
        link, {"password": "Correct-Horse-Battery-9!", "password_confirm": "Correct-Horse-Battery-9!"}
    )
    member.account.refresh_from_db()
    assert member.account.check_root_password("Correct-Horse-Battery-9!")


def test_rename_and_delete_ou_pages(root_client, scp_organization, root_acting):
    ou = services.ou_create(
        organization=scp_organization, parent_id=scp_organization.root_id, name="Dev", acting=root_acting
    )
    root_client.post(reverse("organizations:ou_rename", args=[ou.id]), {"name": "Development"})
    ou.refresh_from_db()
    assert ou.name == "Development"
    page = root_client.get(reverse("organizations:target_detail", args=[ou.id])).content.decode()
    assert "Organizational unit details" in page and ou.arn in page
    unconfirmed = root_client.post(reverse("organizations:ou_delete", args=[ou.id]), follow=True)
    assert (
        "To confirm deletion, enter the name of the organizational unit in the text input field."
        in unconfirmed.content.decode()
    )
    assert OrganizationalUnit.objects.filter(pk=ou.pk).exists()
    root_client.post(reverse("organizations:ou_delete", args=[ou.id]), {"confirm": "Development"})
    assert not OrganizationalUnit.objects.filter(pk=ou.pk).exists()


def test_remove_account_and_leave_pages(
    root_client, scp_organization, member, client, sign_in_as, root_acting
):
    unconfirmed = root_client.post(
        reverse("organizations:account_remove", args=[member.account_id]), follow=True
    )
    assert "To confirm removal, enter the account ID in the text input field." in unconfirmed.content.decode()
    assert Membership.objects.filter(pk=member.pk).exists()
    response = root_client.post(
        reverse("organizations:account_remove", args=[member.account_id]), {"confirm": member.account_id}
    )
    assert response.status_code == 302 and not Membership.objects.filter(pk=member.pk).exists()
    management = scp_organization.management_account_id
    refused = root_client.post(
        reverse("organizations:account_remove", args=[management]), {"confirm": management}, follow=True
    )
    assert "You can&#x27;t remove a management account from an organization." in refused.content.decode()

    other = organizations_flows.account_create_with_access_role(
        organization=scp_organization, name="Leaver", email="leaver@example.com", acting=root_acting
    )
    sign_in_as(client, other.account)
    client.post(reverse("organizations:organization_leave"))
    assert Membership.objects.filter(account=other.account).exists()  # only the page's button leaves
    client.post(reverse("organizations:organization_leave"), {"confirm": "leave"})
    assert not Membership.objects.filter(account=other.account).exists()


def test_sent_invitations_can_be_cancelled(root_client, scp_organization, charlie_account):
    root_client.post(reverse("organizations:account_invite"), {"target": "charlie@example.com"})
    handshake = Handshake.objects.get(account=charlie_account)
    sent = root_client.get(reverse("organizations:invitations")).content.decode()
    assert handshake.id in sent and "Cancel invitation" in sent
    root_client.post(reverse("organizations:handshake_respond", args=[handshake.id]), {"answer": "cancel"})
    handshake.refresh_from_db()
    assert handshake.state == "CANCELED"


def test_invite_errors_are_shown(root_client, scp_organization, member):
    response = root_client.post(reverse("organizations:account_invite"), {"target": "dave@example.com"})
    assert response.status_code == 422
    assert "already a member of an organization" in response.content.decode()


def test_delete_organization_page(root_client, organization, account):
    root_client.post(reverse("organizations:organization_delete"), {"confirm": "o-wrong"})
    assert Membership.objects.filter(account=account).exists()
    root_client.post(reverse("organizations:organization_delete"), {"confirm": organization.id})
    assert not Membership.objects.filter(account=account).exists()
    assert "Create an organization" in root_client.get(reverse("organizations:accounts")).content.decode()


def test_rcp_pages(root_client, scp_organization):
    url = reverse("organizations:policy_type_toggle", args=["resource-control-policies"])
    root_client.post(url, {"enable": "true"})
    page = root_client.get(
        reverse("organizations:policy_list", args=["resource-control-policies"])
    ).content.decode()
    assert "RCPFullAWSAccess" in page
    types = root_client.get(reverse("organizations:policies")).content.decode()
    assert types.count(">Enabled<") == 2


def test_the_invited_roots_dashboard_says_an_invitation_is_waiting(
    organization, root_acting, charlie_account, charlie_client
):
    assert 'data-testid="organization-invitations"' not in charlie_client.get("/").content.decode()
    handshake = services.handshake_invite(
        organization=organization, target=charlie_account.id, acting=root_acting
    )

    html = charlie_client.get("/").content.decode()
    assert "Your account has 1 invitation to join an organization." in html
    assert reverse("organizations:invitations") in html

    Handshake.objects.filter(pk=handshake.pk).update(state=Handshake.State.DECLINED)
    assert 'data-testid="organization-invitations"' not in charlie_client.get("/").content.decode()


def test_accounts_show_joined_for_invited_and_created_for_created_accounts(
    root_client, scp_organization, root_acting, member, charlie_account
):
    handshake = services.handshake_invite(
        organization=scp_organization, target=charlie_account.id, acting=root_acting
    )
    charlie_root = Acting(account=charlie_account, source_ip="198.51.100.9", user_agent="pytest")
    services.handshake_accept(handshake=handshake, acting=charlie_root)
    invited = Membership.objects.get(account=charlie_account)

    html = root_client.get(reverse("organizations:accounts")).content.decode()

    assert f'<td data-testid="joined-{member.account_id}">Created {member.joined_at:%Y/%m/%d}</td>' in html
    assert f'<td data-testid="joined-{charlie_account.id}">Joined {invited.joined_at:%Y/%m/%d}</td>' in html
    created_page = root_client.get(reverse("organizations:target_detail", args=[member.account_id]))
    joined_page = root_client.get(reverse("organizations:target_detail", args=[charlie_account.id]))
    assert f'<dt>Created</dt><dd data-testid="joined-date">{member.joined_at:%Y/%m/%d}</dd>' in (
        created_page.content.decode()
    )
    assert f'<dt>Joined</dt><dd data-testid="joined-date">{invited.joined_at:%Y/%m/%d}</dd>' in (
        joined_page.content.decode()
    )
