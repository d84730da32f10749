"""IAM Identity Center's console pages: each page, each form's refusals (shown inline, nothing
changed), the reads each page authorizes for an IAM user with no policy, and isolation between
organizations. Personas: alice's account manages the organization (root_client), dave's is its member,
charlie's manages another organization; bob is an IAM user of alice's account with no policy."""

import html

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from accounts.models import AuditEvent
from identitycenter import flows, services
from identitycenter.models import (
    AccountAssignment,
    DirectoryGroup,
    DirectoryUser,
    Instance,
    PermissionSet,
    ProvisionedPermissionSet,
)
from organizations import services as organizations_services
from policies.aws_managed.loader import aws_managed_policy
from policies.models import ManagedPolicy, Role
from tests.accounts.factories import IAMUserFactory
from tests.grants import grant, statement

HX = {"HX-Request": "true"}
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
INLINE = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'
)


def hx(target):
    return {**HX, "HX-Target": target}


def text(response):
    return response.content.decode()


@pytest.fixture
def developers(instance, dana, root_acting):
    return flows.group_create_with_members(
        instance=instance, display_name="developers", users=[dana], acting=root_acting
    )


@pytest.fixture
def read_only(db):
    return aws_managed_policy("ReadOnlyAccess")


@pytest.fixture
def assigned(permission_set, developers, member, read_only, root_acting):
    """DeveloperAccess (ReadOnlyAccess) assigned to developers in dave's account."""
    flows.managed_policy_attach(permission_set=permission_set, arn=READ_ONLY, acting=root_acting)
    flows.assignment_create(
        permission_set=permission_set,
        account_id=member.id,
        principal_type="GROUP",
        principal_id=developers.id,
        acting=root_acting,
    )
    return permission_set


# The dashboard and Enable


def test_dashboard_enables_identity_center_from_the_management_account(root_client, organization):
    page = text(root_client.get(reverse("identitycenter:dashboard")))
    assert "Enable IAM Identity Center" in page and 'data-testid="enable"' in page

    response = root_client.post(reverse("identitycenter:enable"))

    assert response.status_code == 302
    instance = Instance.objects.get(organization=organization)
    page = text(root_client.get(reverse("identitycenter:dashboard")))
    assert instance.identity_store_id in page
    assert f"http://testserver/start/{instance.identity_store_id}/" in page


def test_a_member_account_cannot_enable_it(client, member, sign_in_as):
    sign_in_as(client, member)
    page = text(client.get(reverse("identitycenter:dashboard")))
    assert 'data-testid="not-management"' in page

    response = client.post(reverse("identitycenter:enable"), follow=True)

    assert services.MANAGEMENT_ONLY in text(response)
    assert not Instance.objects.exists()


def test_an_account_outside_any_organization_is_told_to_create_one(root_client):
    page = text(root_client.get(reverse("identitycenter:dashboard")))
    assert 'data-testid="no-organization"' in page
    response = root_client.post(reverse("identitycenter:enable"), follow=True)
    assert services.MANAGEMENT_ONLY in text(response)
    assert not Instance.objects.exists()


def test_pages_of_an_account_without_instance_go_to_the_dashboard(root_client, organization):
    for name in ("user_list", "group_list", "accounts", "permission_set_list", "settings", "user_create"):
        response = root_client.get(reverse(f"identitycenter:{name}"))
        assert response.status_code == 302 and response["Location"] == reverse("identitycenter:dashboard")


def test_settings_show_the_instance_and_the_access_portal_url(root_client, instance):
    page = text(root_client.get(reverse("identitycenter:settings")))
    assert instance.arn in page and instance.identity_store_id in page
    assert f"http://testserver/start/{instance.identity_store_id}/" in page


def test_iam_navigation_links_identity_center(root_client):
    page = text(root_client.get(reverse("accounts:user_list")))
    assert f'href="{reverse("identitycenter:dashboard")}"' in page
    create = text(root_client.get(reverse("accounts:user_create")))
    assert f'href="{reverse("identitycenter:user_create")}"' in create


# Users


def test_user_list_full_page_and_fragment(root_client, dana):
    url = reverse("identitycenter:user_list")
    full = text(root_client.get(url))
    assert "<html" in full and "dana@example.com" in full
    fragment = text(root_client.get(url, {"q": "zzz"}, headers=hx("user-table")))
    assert "<html" not in fragment and 'id="user-table"' in fragment and "dana" not in fragment


DANA = {
    "user_name": "dana",
    "email": "dana@example.com",
    "confirm_email": "dana@example.com",
    "given_name": "Dana",
    "family_name": "Doe",
    "display_name": "Dana Doe",
}


def test_add_user_wizard_sends_the_invitation_email(
    root_client, instance, root_acting, mailoutbox, django_capture_on_commit_callbacks
):
    group = services.group_create(instance=instance, display_name="developers", acting=root_acting)
    url = reverse("identitycenter:user_create")

    step2 = root_client.post(url, {**DANA, "step": "1", "password_mode": "email"})
    assert step2.status_code == 200 and "Add user to groups" in text(step2) and "developers" in text(step2)
    step3 = root_client.post(url, {**DANA, "step": "2", "groups": [group.id]})
    assert "Review and add user" in text(step3)
    with django_capture_on_commit_callbacks(execute=True):
        response = root_client.post(url, {**DANA, "step": "3", "groups": [group.id], "action": "create"})

    user = DirectoryUser.objects.get(instance=instance, user_name="dana")
    assert response.status_code == 302 and response["Location"].endswith(f"/users/{user.id}/")
    assert list(user.memberships.values_list("group__display_name", flat=True)) == ["developers"]
    assert user.primary_email == "dana@example.com" and not user.password
    assert mailoutbox[0].to == ["dana@example.com"]
    assert f"/start/{instance.identity_store_id}/" in mailoutbox[0].body
    # The access portal's own password-setup link (one use, its hash kept), not a bare portal address.
    assert f"/start/{instance.identity_store_id}/password-setup/" in mailoutbox[0].body
    assert user.setup_token_hash and user.setup_token_expires_at


def test_add_user_with_a_one_time_password_shows_it_once(root_client, instance, account):
    url = reverse("identitycenter:user_create")
    response = root_client.post(url, {**DANA, "step": "3", "password_mode": "one_time"})

    page = text(response)
    user = DirectoryUser.objects.get(instance=instance)
    password = html.unescape(page.split('data-testid="password">')[1].split("<")[0])  # "&" is "&amp;" there
    assert len(password) == 16 and check_password(password, user.password)
    assert user.password_reset_required  # the portal asks for a new password at the first sign-in
    assert password not in text(root_client.get(reverse("identitycenter:user_detail", args=[user.id])))
    assert AuditEvent.objects.filter(event_name="UpdatePassword", event_source="sso-directory.amazonaws.com")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"user_name": ""}, "Username is required."),
        ({"confirm_email": "other@example.com"}, "The email addresses must match."),
        ({"email": "nope", "confirm_email": "nope"}, "Enter a valid email address."),
        ({"display_name": " "}, "Display name is required."),
    ],
)
def test_add_user_first_step_refuses_in_place(root_client, instance, change, message):
    response = root_client.post(reverse("identitycenter:user_create"), {**DANA, **change, "step": "1"})
    assert response.status_code == 422 and message in text(response)
    assert "Specify user details" in text(response) and not DirectoryUser.objects.exists()


def test_add_user_with_a_taken_username_shows_aws_error_and_changes_nothing(root_client, dana, mailoutbox):
    response = root_client.post(
        reverse("identitycenter:user_create"), {**DANA, "user_name": "DANA", "step": "3", "action": "create"}
    )
    assert response.status_code == 422 and "Duplicate UserName" in text(response)
    assert DirectoryUser.objects.count() == 1 and not mailoutbox


def test_wizard_previous_and_edit_go_back(root_client, instance):
    url = reverse("identitycenter:user_create")
    back = root_client.post(url, {**DANA, "step": "2", "action": "previous"}, headers=hx("wizard-step"))
    assert "<html" not in text(back) and 'name="step" value="1"' in text(back)
    edit = root_client.post(url, {**DANA, "step": "3", "action": "edit_2"})
    assert 'name="step" value="2"' in text(edit)


def test_user_detail_shows_groups_and_assigned_accounts(root_client, dana, developers, assigned, member):
    page = text(root_client.get(reverse("identitycenter:user_detail", args=[dana.id])))
    assert "developers" in page and dana.id in page
    # dana reaches the account through developers.
    assigned_accounts = page.split('data-testid="principal-assignments"')[1]
    assert member.id in assigned_accounts and "DeveloperAccess" in assigned_accounts
    assert "Group: developers" in assigned_accounts
    group_page = text(root_client.get(reverse("identitycenter:group_detail", args=[developers.id])))
    assert "dana" in group_page and member.name.replace("'", "&#x27;") in group_page
    assert "DeveloperAccess" in group_page


def test_delete_user_asks_for_the_username(root_client, dana):
    url = reverse("identitycenter:user_delete", args=[dana.id])
    wrong = root_client.post(url, {"confirm": "nope"}, follow=True)
    assert "To confirm deletion, enter the username in the text input field." in text(wrong)
    assert DirectoryUser.objects.filter(pk=dana.pk).exists()
    root_client.post(url, {"confirm": "dana"})
    assert not DirectoryUser.objects.filter(pk=dana.pk).exists()


# Groups


def test_group_list_full_page_and_fragment(root_client, developers):
    url = reverse("identitycenter:group_list")
    assert "developers" in text(root_client.get(url))
    fragment = text(root_client.get(url, {"q": "dev"}, headers=hx("group-table")))
    assert "<html" not in fragment and "developers" in fragment


def test_create_group_with_members_and_a_taken_name(root_client, instance, dana):
    url = reverse("identitycenter:group_create")
    assert "dana" in text(root_client.get(url))
    response = root_client.post(
        url, {"display_name": "developers", "description": "Devs", "users": [dana.id]}
    )
    group = DirectoryGroup.objects.get(instance=instance)
    assert response.status_code == 302 and list(group.memberships.values_list("user_id", flat=True)) == [
        dana.id
    ]

    again = root_client.post(url, {"display_name": "Developers", "users": [dana.id]})
    assert again.status_code == 422 and "Duplicate GroupDisplayName" in text(again)
    assert DirectoryGroup.objects.count() == 1


def test_group_page_adds_and_removes_members(root_client, instance, developers, dana, root_acting):
    erin = services.user_create(
        instance=instance,
        user_name="erin",
        display_name="Erin",
        given_name="E",
        family_name="R",
        acting=root_acting,
    )
    url = reverse("identitycenter:group_detail", args=[developers.id])
    addable = text(root_client.get(url)).split('data-testid="group-addable"')[1]
    assert "erin" in addable and "dana" not in addable

    nothing = root_client.post(url, {"action": "add_users"}, follow=True)
    assert "Select at least one user." in text(nothing)
    root_client.post(url, {"action": "add_users", "users": [erin.id]})
    assert set(developers.memberships.values_list("user__user_name", flat=True)) == {"dana", "erin"}
    membership = developers.memberships.get(user=dana)
    root_client.post(url, {"action": "remove_users", "memberships": [membership.id]})
    assert list(developers.memberships.values_list("user__user_name", flat=True)) == ["erin"]


def test_group_members_change_refused_changes_nothing(client, account, sign_in_as, developers, dana):
    bob = IAMUserFactory(account=account, name="bob")
    grant(
        statement(["sso:List*", "identitystore:*"]),
        statement("identitystore:DeleteGroupMembership", effect="Deny"),
        user=bob,
    )
    sign_in_as(client, account, bob)
    url = reverse("identitycenter:group_detail", args=[developers.id])
    membership = developers.memberships.get()
    response = client.post(url, {"action": "remove_users", "memberships": [membership.id]}, follow=True)
    assert "identitystore:DeleteGroupMembership" in text(response) and developers.memberships.exists()


def test_delete_group(root_client, developers):
    root_client.post(reverse("identitycenter:group_delete", args=[developers.id]), {"confirm": "developers"})
    assert not DirectoryGroup.objects.exists()


# Permission sets


def _wizard(client, fields):
    return client.post(reverse("identitycenter:permission_set_create"), {"step": "4", **fields})


def test_create_custom_permission_set_through_each_step(root_client, instance, read_only):
    url = reverse("identitycenter:permission_set_create")
    first = root_client.get(url)
    assert "Select permission set type" in text(first) and "ReadOnlyAccess" in text(first)
    fields = {"type": "custom", "managed": [READ_ONLY], "policy_q": "ReadOnly"}
    step2 = root_client.post(url, {**fields, "step": "1"})
    assert 'name="step" value="2"' in text(
        step2
    ) and 'value="arn:aws:iam::aws:policy/ReadOnlyAccess"' in text(step2)
    fields |= {
        "name": "DeveloperAccess",
        "description": "Developers",
        "duration": "PT8H",
        "relay_state": "https://console.aws.amazon.com/s3/",
        "ref_name": ["team-boundary"],
        "ref_path": ["/teams/"],
        "inline_policy": INLINE,
        "boundary_mode": "managed",
        "boundary_arn": READ_ONLY,
        "tag_key": ["team"],
        "tag_value": ["dev"],
    }
    review = root_client.post(url, {**fields, "step": "3"})
    assert "Review and create" in text(review) and "8 hours" in text(review)

    response = root_client.post(url, {**fields, "step": "4", "action": "create"})

    permission_set = PermissionSet.objects.get(instance=instance)
    assert response.status_code == 302
    assert (permission_set.name, permission_set.session_duration) == ("DeveloperAccess", "PT8H")
    assert list(permission_set.managed_policies.values_list("arn", flat=True)) == [READ_ONLY]
    assert list(permission_set.customer_policies.values_list("path", "name")) == [
        ("/teams/", "team-boundary")
    ]
    assert "s3:ListAllMyBuckets" in permission_set.inline_policy
    assert permission_set.boundary_managed_arn == READ_ONLY
    assert permission_set.relay_state == "https://console.aws.amazon.com/s3/"
    detail = text(root_client.get(response["Location"]))
    assert "8 hours" in detail and permission_set.arn in detail
    assert "team" in text(root_client.get(response["Location"], {"tab": "tags"}))


def test_create_predefined_permission_set(root_client, instance, read_only):
    response = _wizard(
        root_client, {"type": "predefined", "predefined": "ReadOnlyAccess", "duration": "PT1H"}
    )
    permission_set = PermissionSet.objects.get(instance=instance)
    assert response.status_code == 302 and permission_set.name == "ReadOnlyAccess"
    assert list(permission_set.managed_policies.values_list("arn", flat=True)) == [READ_ONLY]


def test_predefined_without_a_policy_stays_on_step_one(root_client, instance):
    response = root_client.post(
        reverse("identitycenter:permission_set_create"), {"step": "1", "type": "predefined"}
    )
    assert response.status_code == 422 and "Select a policy for the predefined permission set." in text(
        response
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"duration": "custom", "custom_hours": "12", "custom_minutes": "1"},
            "The session duration PT12H1M is not valid.",
        ),
        ({"duration": "custom", "custom_hours": "0", "custom_minutes": "59"}, "The session duration PT59M"),
        ({"name": "bad name!"}, "failed to satisfy constraint"),
        ({"inline_policy": "{not json"}, "The inline policy is not valid"),
        ({"managed": ["arn:aws:iam::aws:policy/NoSuchPolicy"]}, "does not exist"),
    ],
)
def test_create_permission_set_refusals_change_nothing(root_client, instance, fields, message):
    response = _wizard(
        root_client, {"type": "custom", "name": "DeveloperAccess", "duration": "PT8H", **fields}
    )
    assert response.status_code == 422 and message in text(response)
    assert not PermissionSet.objects.exists()


def test_permission_set_list_full_page_and_fragment(root_client, permission_set):
    url = reverse("identitycenter:permission_set_list")
    assert "DeveloperAccess" in text(root_client.get(url))
    fragment = text(root_client.get(url, headers=hx("permission-set-table")))
    assert "<html" not in fragment and "1 hour" in fragment


def test_permission_set_tabs_full_page_and_fragment(root_client, assigned, member):
    url = reverse("identitycenter:permission_set_detail", args=[assigned.id])
    accounts = text(root_client.get(url))
    assert "Provisioned" in accounts and "AWSReservedSSO_DeveloperAccess_" in accounts
    permissions = text(root_client.get(url, {"tab": "permissions"}, headers=hx("permission-set-tab")))
    assert "<html" not in permissions and "ReadOnlyAccess" in permissions


def test_edit_session_duration_and_its_refusal(root_client, permission_set):
    url = reverse("identitycenter:permission_set_edit", args=[permission_set.id])
    assert "1 hour" in text(root_client.get(url))
    refused = root_client.post(url, {"duration": "custom", "custom_hours": "12", "custom_minutes": "1"})
    assert refused.status_code == 422 and "The session duration PT12H1M is not valid." in text(refused)
    permission_set.refresh_from_db()
    assert permission_set.session_duration == "PT1H"
    root_client.post(url, {"duration": "PT12H", "description": "Devs"})
    permission_set.refresh_from_db()
    assert (permission_set.session_duration, permission_set.description) == ("PT12H", "Devs")


def test_edit_refuses_a_description_or_relay_state_longer_than_the_models(root_client, permission_set):
    url = reverse("identitycenter:permission_set_edit", args=[permission_set.id])
    refused = root_client.post(url, {"duration": "PT1H", "description": "d" * 701})
    assert refused.status_code == 422
    page = html.unescape(text(refused))
    assert (
        "at 'description' failed to satisfy constraint: Member must have length less than or equal to 700"
        in page
    )
    refused = root_client.post(url, {"duration": "PT1H", "relay_state": "r" * 241})
    assert refused.status_code == 422
    assert "Member must have length less than or equal to 240" in text(refused)
    permission_set.refresh_from_db()
    assert (permission_set.description, permission_set.relay_state) == ("", "")
    root_client.post(url, {"duration": "PT1H", "description": "d" * 700})
    permission_set.refresh_from_db()
    assert permission_set.description == "d" * 700


def test_adding_a_policy_asks_to_reprovision_and_updates_the_role(root_client, assigned, member):
    aws_managed_policy("AmazonS3FullAccess")
    policies = reverse("identitycenter:permission_set_policies", args=[assigned.id])
    detail = reverse("identitycenter:permission_set_detail", args=[assigned.id])

    root_client.post(
        policies, {"action": "attach_managed", "managed": ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]}
    )

    page = text(root_client.get(detail))
    assert 'data-testid="reprovision-notice"' in page and "Outdated" in page
    root_client.post(reverse("identitycenter:permission_set_provision", args=[assigned.id]))
    page = text(root_client.get(detail))
    assert 'data-testid="reprovision-notice"' not in page and "Provisioned" in page
    role = ProvisionedPermissionSet.objects.get(permission_set=assigned).role
    assert set(role.attachments.values_list("policy__name", flat=True)) == {
        "ReadOnlyAccess",
        "AmazonS3FullAccess",
    }


def test_a_missing_customer_managed_policy_fails_provisioning_with_the_reason(root_client, assigned, member):
    policies = reverse("identitycenter:permission_set_policies", args=[assigned.id])
    root_client.post(policies, {"action": "attach_customer", "ref_name": "team-policy", "ref_path": "/"})

    response = root_client.post(
        reverse("identitycenter:permission_set_provision", args=[assigned.id]), follow=True
    )

    reason = f"Policy with name team-policy and path / does not exist in account {member.id}"
    assert reason in text(response) and "Failed" in text(response)
    account_page = text(root_client.get(reverse("identitycenter:account_detail", args=[member.id])))
    assert "Failed" in account_page and reason in account_page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "attach_managed"}, "Select at least one policy."),
        (
            {"action": "detach_managed", "arn": "arn:aws:iam::aws:policy/Nope"},
            "Could not find managed policy",
        ),
        ({"action": "put_inline", "inline_policy": "[]"}, "The inline policy is not valid"),
        ({"action": "put_boundary", "boundary_mode": "none"}, "Specify either a ManagedPolicyArn"),
        ({"action": "dance"}, "Choose what to change."),
    ],
)
def test_permission_changes_refused_in_aws_words(root_client, permission_set, data, message):
    url = reverse("identitycenter:permission_set_policies", args=[permission_set.id])
    response = root_client.post(url, data, follow=True)
    assert message in text(response)
    permission_set.refresh_from_db()
    assert not permission_set.inline_policy and not permission_set.boundary_managed_arn


def test_permission_changes_each_write(root_client, permission_set, read_only):
    url = reverse("identitycenter:permission_set_policies", args=[permission_set.id])
    root_client.post(url, {"action": "attach_managed", "managed": [READ_ONLY]})
    root_client.post(url, {"action": "attach_customer", "ref_name": "p", "ref_path": ""})
    root_client.post(url, {"action": "put_inline", "inline_policy": INLINE})
    root_client.post(url, {"action": "put_boundary", "boundary_mode": "customer", "boundary_name": "b"})
    permission_set.refresh_from_db()
    assert permission_set.managed_policies.count() == 1 and permission_set.customer_policies.count() == 1
    assert permission_set.inline_policy and permission_set.boundary_name == "b"
    for action in ("detach_customer", "delete_inline", "delete_boundary"):
        root_client.post(url, {"action": action, "ref_name": "p", "ref_path": "/"})
    root_client.post(url, {"action": "detach_managed", "arn": READ_ONLY})
    permission_set.refresh_from_db()
    assert not permission_set.managed_policies.exists() and not permission_set.customer_policies.exists()
    assert not permission_set.inline_policy and not permission_set.boundary_name


def test_delete_permission_set_in_use_is_refused(root_client, assigned):
    url = reverse("identitycenter:permission_set_delete", args=[assigned.id])
    refused = root_client.post(url, {"confirm": "DeveloperAccess"}, follow=True)
    assert "Delete its account assignments first." in text(refused)
    assert PermissionSet.objects.filter(pk=assigned.pk).exists()


def test_delete_unused_permission_set(root_client, permission_set):
    url = reverse("identitycenter:permission_set_delete", args=[permission_set.id])
    root_client.post(url, {"confirm": "nope"})
    assert PermissionSet.objects.exists()
    root_client.post(url, {"confirm": "DeveloperAccess"})
    assert not PermissionSet.objects.exists()


# AWS accounts and assignments


def test_accounts_page_shows_the_organization_tree(root_client, instance, member, account):
    page = text(root_client.get(reverse("identitycenter:accounts")))
    assert f'value="{member.id}"' in page and f'value="{account.id}"' in page and "management account" in page


def test_assign_a_group_to_an_account_step_by_step(
    root_client, permission_set, developers, member, read_only
):
    flows.managed_policy_attach(permission_set=permission_set, arn=READ_ONLY, acting=None)
    url = reverse("identitycenter:assign")
    first = root_client.get(url, {"accounts": [member.id]})
    assert "developers" in text(first) and "dana" in text(first)
    base = {"accounts": [member.id], "principals": [f"GROUP:{developers.id}"]}
    none_chosen = root_client.post(url, {"accounts": [member.id], "step": "1"})
    assert none_chosen.status_code == 422 and "Select at least one user or group." in text(none_chosen)
    no_set = root_client.post(url, {**base, "step": "2"})
    assert no_set.status_code == 422 and "Select at least one permission set." in text(no_set)
    review = root_client.post(url, {**base, "step": "2", "permission_sets": [permission_set.id]})
    assert "Review and submit" in text(review) and "Group: developers" in text(review)

    response = root_client.post(
        url, {**base, "step": "3", "permission_sets": [permission_set.id]}, follow=True
    )

    assignment = AccountAssignment.objects.get()
    assert (assignment.account_id, assignment.principal_id) == (member.id, developers.id)
    page = text(response)
    assert "Provisioned" in page and "developers" in page and "AWSReservedSSO_DeveloperAccess_" in page
    assert Role.objects.filter(account=member, name__startswith="AWSReservedSSO_DeveloperAccess_").exists()


def test_assign_without_accounts_goes_back_to_the_tree(root_client, instance, charlie_account):
    response = root_client.get(reverse("identitycenter:assign"), {"accounts": [charlie_account.id]})
    assert response.status_code == 302 and response["Location"] == reverse("identitycenter:accounts")


def test_assignment_that_fails_to_provision_shows_the_reason(root_client, permission_set, developers, member):
    services.customer_policy_attach(permission_set=permission_set, name="missing", path="/", acting=None)
    data = {
        "accounts": [member.id],
        "principals": [f"GROUP:{developers.id}"],
        "permission_sets": [permission_set.id],
        "step": "3",
    }
    page = text(root_client.post(reverse("identitycenter:assign"), data, follow=True))
    assert f"Policy with name missing and path / does not exist in account {member.id}" in page
    assert not AccountAssignment.objects.exists()


def test_remove_access_from_an_account(root_client, assigned, developers, member):
    url = reverse("identitycenter:account_detail", args=[member.id])
    nothing = root_client.post(url, {}, follow=True)
    assert "Select at least one assignment." in text(nothing)
    root_client.post(url, {"assignments": [f"{assigned.id}:GROUP:{developers.id}"]})
    assert not AccountAssignment.objects.exists()
    assert not Role.objects.filter(account=member, path__startswith="/aws-reserved/").exists()


# Authorization: an IAM user with no policy


def _pages(instance, dana, developers, permission_set, member):
    return [
        reverse("identitycenter:dashboard"),
        reverse("identitycenter:settings"),
        reverse("identitycenter:user_list"),
        reverse("identitycenter:user_detail", args=[dana.id]),
        reverse("identitycenter:group_list"),
        reverse("identitycenter:group_detail", args=[developers.id]),
        reverse("identitycenter:accounts"),
        reverse("identitycenter:account_detail", args=[member.id]),
        reverse("identitycenter:permission_set_list"),
        reverse("identitycenter:permission_set_detail", args=[permission_set.id]),
        reverse("identitycenter:permission_set_edit", args=[permission_set.id]),
    ]


def test_an_iam_user_without_policy_is_refused_every_page(
    client, account, sign_in_as, dana, developers, permission_set, member
):
    sign_in_as(client, account, IAMUserFactory(account=account, name="bob"))
    for url in _pages(permission_set.instance, dana, developers, permission_set, member):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "is not authorized to perform: sso:ListInstances" in text(response), url
    assert AuditEvent.objects.filter(event_name="ListInstances", error_code="AccessDenied").exists()


def test_reads_allowed_but_writes_refused_inline(client, account, sign_in_as, instance, dana):
    bob = IAMUserFactory(account=account, name="bob")
    grant(
        statement(["sso:List*", "sso:Describe*", "identitystore:List*", "identitystore:Describe*"]), user=bob
    )
    sign_in_as(client, account, bob)
    assert "dana" in text(client.get(reverse("identitycenter:user_list")))

    response = client.post(
        reverse("identitycenter:group_create"), {"display_name": "ops", "users": [dana.id]}
    )

    assert response.status_code == 422 and "is not authorized to perform: identitystore:CreateGroup" in text(
        response
    )
    assert not DirectoryGroup.objects.exists()
    refused = client.post(reverse("identitycenter:user_create"), {**DANA, "user_name": "erin", "step": "3"})
    assert "identitystore:CreateUser" in text(refused) and DirectoryUser.objects.count() == 1


def test_a_refused_section_shows_its_denial_in_place(client, account, sign_in_as, instance, dana):
    bob = IAMUserFactory(account=account, name="bob")
    grant(statement(["sso:ListInstances", "identitystore:DescribeUser"]), user=bob)
    sign_in_as(client, account, bob)
    page = text(client.get(reverse("identitycenter:user_detail", args=[dana.id])))
    assert "identitystore:ListGroupMembershipsForMember" in page
    assert "sso:ListAccountAssignmentsForPrincipal" in page and "dana@example.com" in page


# Isolation between organizations


@pytest.fixture
def charlie_instance(charlie_acting):
    organization = organizations_services.organization_create(acting=charlie_acting)
    return services.instance_create(organization=organization, acting=charlie_acting)


def test_another_organizations_objects_are_not_found(
    charlie_client, charlie_instance, dana, developers, permission_set, member
):
    for url in [
        reverse("identitycenter:user_detail", args=[dana.id]),
        reverse("identitycenter:group_detail", args=[developers.id]),
        reverse("identitycenter:permission_set_detail", args=[permission_set.id]),
        reverse("identitycenter:account_detail", args=[member.id]),
    ]:
        assert charlie_client.get(url).status_code == 404, url
    for name in ("user_list", "group_list", "permission_set_list"):
        page = text(charlie_client.get(reverse(f"identitycenter:{name}")))
        assert "dana" not in page and "developers" not in page and "DeveloperAccess" not in page
    charlie_client.post(reverse("identitycenter:user_delete", args=[dana.id]), {"confirm": "dana"})
    charlie_client.post(
        reverse("identitycenter:assign"),
        {
            "accounts": [member.id],
            "principals": [f"GROUP:{developers.id}"],
            "permission_sets": [permission_set.id],
            "step": "3",
        },
    )
    assert DirectoryUser.objects.filter(pk=dana.pk).exists() and not AccountAssignment.objects.exists()
    assert not ManagedPolicy.objects.filter(account=member, name__startswith="AWSReserved").exists()


def test_names_past_identitystore_limits_are_refused_in_its_words(root_client, instance):
    group = root_client.post(reverse("identitycenter:group_create"), {"display_name": "g" * 1025})
    assert group.status_code == 422
    assert "Member must have length less than or equal to 1024" in text(group)
    user = root_client.post(
        reverse("identitycenter:user_create"),
        {**DANA, "user_name": "u" * 129, "step": "3", "action": "create"},
    )
    assert "Value at &#x27;userName&#x27; failed to satisfy constraint" in text(user)
    assert not DirectoryGroup.objects.exists() and not DirectoryUser.objects.exists()
