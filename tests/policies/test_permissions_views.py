"""Permissions tabs, Add permissions, inline policies, boundaries and the picker: full pages and fragments."""

import pytest

from accounts.models import GroupMembership, IAMUser, LoginProfile
from policies.models import InlinePolicy, PolicyAttachment
from policies.services.permissions import inline_policy_put, policy_attach
from tests.accounts.factories import GroupFactory, IAMUserFactory

from .permissions_helpers import make_policy, make_role, statement_policy

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
CREATE_BUCKET = statement_policy("s3:CreateBucket")


def hx(target):
    return {**HX, "HX-Target": target}


@pytest.fixture
def developers(account, bob):
    group = GroupFactory(account=account, name="developers")
    GroupMembership.objects.create(user=bob, group=group)
    return group


@pytest.fixture
def allow_s3_read(account):
    return make_policy(name="allow-s3-read", account=account)


@pytest.fixture
def admin_access():
    return make_policy(name="AdministratorAccess", document=statement_policy("*"))


# The tab


def test_user_detail_shows_policies_with_how_they_are_attached(
    root_client, bob, developers, allow_s3_read, admin_access, root_acting
):
    policy_attach(policy=allow_s3_read, group=developers, acting=root_acting)
    policy_attach(policy=admin_access, user=bob, acting=root_acting)
    inline_policy_put(name="InlineIsBad", document=CREATE_BUCKET, user=bob, acting=root_acting)

    page = root_client.get("/users/bob/").content.decode()

    assert 'id="permissions-tab"' in page
    assert "Permissions policies" in page and "(3)" in page
    assert "AdministratorAccess" in page and "AWS managed" in page and "Directly" in page
    assert "allow-s3-read" in page and "Group developers" in page
    assert "InlineIsBad" in page and "Customer inline" in page and "Inline" in page
    assert "&quot;s3:CreateBucket&quot;" in page  # the JSON, shown when the row expands
    assert "Permissions boundary" in page and "(not set)" in page
    assert f'href="/policies/details/{admin_access.arn}"' in page
    assert 'href="/users/bob/permissions/inline/?policy=InlineIsBad"' in page


def test_group_detail_permissions_tab(root_client, developers, allow_s3_read, root_acting):
    policy_attach(policy=allow_s3_read, group=developers, acting=root_acting)
    page = root_client.get("/groups/developers/?tab=permissions").content.decode()
    assert 'id="permissions-tab"' in page and "allow-s3-read" in page and "Customer managed" in page
    assert "Permissions boundary" not in page  # groups have none


def test_the_tab_as_a_page_and_as_a_fragment(root_client, bob, admin_access, root_acting):
    policy_attach(policy=admin_access, user=bob, acting=root_acting)
    full = root_client.get("/users/bob/permissions/")
    assert full.status_code == 200
    assert "<html" in full.content.decode() and "AdministratorAccess" in full.content.decode()

    fragment = root_client.get("/users/bob/permissions/", headers=hx("permissions-tab"))
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="permissions-tab">')
    assert "<html" not in body and "AdministratorAccess" in body


def test_the_tab_filters_by_name_and_type(root_client, bob, admin_access, allow_s3_read, root_acting):
    policy_attach(policy=admin_access, user=bob, acting=root_acting)
    policy_attach(policy=allow_s3_read, user=bob, acting=root_acting)
    inline_policy_put(name="InlineIsBad", document=CREATE_BUCKET, user=bob, acting=root_acting)

    by_name = root_client.get(
        "/users/bob/permissions/?q=admin", headers=hx("permissions-tab")
    ).content.decode()
    assert "AdministratorAccess" in by_name and "allow-s3-read" not in by_name
    by_type = root_client.get(
        "/users/bob/permissions/?type=inline", headers=hx("permissions-tab")
    ).content.decode()
    assert "InlineIsBad" in by_type and "AdministratorAccess" not in by_type
    assert "(3)" in by_type  # the count is of all the user's policies


def test_remove_detaches_and_deletes_the_selected(root_client, bob, admin_access, root_acting):
    policy_attach(policy=admin_access, user=bob, acting=root_acting)
    inline_policy_put(name="InlineIsBad", document=CREATE_BUCKET, user=bob, acting=root_acting)

    response = root_client.post(
        "/users/bob/permissions/remove/",
        {"policy": [f"managed:{admin_access.arn}", "inline:InlineIsBad"]},
        headers=hx("permissions-tab"),
    )

    assert response.status_code == 200
    assert "No permissions policies are attached to this user." in response.content.decode()
    assert not PolicyAttachment.objects.exists() and not InlinePolicy.objects.exists()


def test_remove_without_htmx_returns_to_the_detail_page(root_client, bob, admin_access, root_acting):
    policy_attach(policy=admin_access, user=bob, acting=root_acting)
    response = root_client.post("/users/bob/permissions/remove/", {"policy": f"managed:{admin_access.arn}"})
    assert response.status_code == 302
    assert response["Location"] == "/users/bob/?tab=permissions"
    assert not PolicyAttachment.objects.exists()


def test_remove_refuses_nothing_selected_and_group_policies(
    root_client, bob, developers, allow_s3_read, root_acting
):
    policy_attach(policy=allow_s3_read, group=developers, acting=root_acting)
    empty = root_client.post("/users/bob/permissions/remove/", {}, headers=hx("permissions-tab"))
    assert empty.status_code == 422
    assert "Select one or more policies to remove." in empty.content.decode()

    inherited = root_client.post(
        "/users/bob/permissions/remove/",
        {"policy": f"managed:{allow_s3_read.arn}"},
        headers=hx("permissions-tab"),
    )
    assert inherited.status_code == 422
    assert f"Policy {allow_s3_read.arn} was not found." in inherited.content.decode()
    assert PolicyAttachment.objects.filter(group=developers).exists()


# Add permissions


def test_add_user_to_group_goes_through_review(root_client, bob, account):
    GroupFactory(account=account, name="SuperStars")
    step1 = root_client.get("/users/bob/permissions/add/")
    assert step1.status_code == 200 and "Add user to group" in step1.content.decode()
    assert "SuperStars" in step1.content.decode()

    review = root_client.post(
        "/users/bob/permissions/add/",
        {"option": "groups", "group": "SuperStars", "action": "next"},
        headers=hx("permissions-add"),
    )
    body = review.content.decode()
    assert review.status_code == 200 and "Review" in body and "Permissions group" in body
    assert not GroupMembership.objects.exists()

    done = root_client.post(
        "/users/bob/permissions/add/",
        {"option": "groups", "group": "SuperStars", "action": "add"},
        headers=hx("permissions-add"),
    )
    assert done.status_code == 200 and done["HX-Redirect"] == "/users/bob/?tab=permissions"
    assert GroupMembership.objects.filter(user=bob, group__name="SuperStars").exists()


def test_attach_policies_directly_to_a_user(root_client, bob, admin_access, allow_s3_read):
    step1 = root_client.get("/users/bob/permissions/add/?option=policies").content.decode()
    assert 'id="policy-picker"' in step1 and "AdministratorAccess" in step1

    review = root_client.post(
        "/users/bob/permissions/add/",
        {"option": "policies", "policy_arn": [admin_access.arn, allow_s3_read.arn], "action": "next"},
    ).content.decode()
    assert "AdministratorAccess" in review and "Permissions policy" in review

    response = root_client.post(
        "/users/bob/permissions/add/",
        {"option": "policies", "policy_arn": [admin_access.arn, allow_s3_read.arn], "action": "add"},
    )
    assert response.status_code == 302
    assert set(bob.attachments.values_list("policy__name", flat=True)) == {
        "AdministratorAccess",
        "allow-s3-read",
    }


def test_copy_permissions_from_another_user(root_client, account, bob, developers, admin_access, root_acting):
    carol = IAMUserFactory(account=account, name="carol")
    policy_attach(policy=admin_access, user=bob, acting=root_acting)
    inline_policy_put(name="InlineIsBad", document=CREATE_BUCKET, user=bob, acting=root_acting)

    step1 = root_client.get("/users/carol/permissions/add/?option=copy").content.decode()
    assert 'value="bob"' in step1
    response = root_client.post(
        "/users/carol/permissions/add/", {"option": "copy", "source_user": "bob", "action": "add"}
    )

    assert response.status_code == 302
    assert list(carol.groups.values_list("name", flat=True)) == ["developers"]
    assert list(carol.attachments.values_list("policy__name", flat=True)) == ["AdministratorAccess"]
    assert carol.inline_policies.get().document == CREATE_BUCKET


def test_attach_to_a_group_and_the_quota_message(root_client, account, developers, root_acting):
    policies = [make_policy(name=f"p{index}", account=account) for index in range(11)]
    page = root_client.get("/groups/developers/permissions/add/").content.decode()
    assert "Attach policy to developers" in page and "Attach policies" in page

    ok = root_client.post(
        "/groups/developers/permissions/add/",
        {"policy_arn": [policy.arn for policy in policies[:10]], "action": "add"},
        headers=hx("permissions-add"),
    )
    assert ok["HX-Redirect"] == "/groups/developers/?tab=permissions"
    refused = root_client.post(
        "/groups/developers/permissions/add/",
        {"policy_arn": policies[10].arn, "action": "add"},
        headers=hx("permissions-add"),
    )
    assert refused.status_code == 422
    assert "Cannot exceed quota for PoliciesPerGroup: 10" in refused.content.decode()
    assert developers.attachments.count() == 10


def test_nothing_chosen_is_asked_for(root_client, bob):
    response = root_client.post("/users/bob/permissions/add/", {"option": "policies", "action": "next"})
    assert response.status_code == 422
    assert "Select one or more policies." in response.content.decode()


def test_a_role_gets_policies_attached(root_client, account, admin_access):
    role = make_role(account=account, name="ec2-s3-read")
    response = root_client.post(
        "/roles/ec2-s3-read/permissions/add/", {"policy_arn": admin_access.arn, "action": "add"}
    )
    assert response.status_code == 302
    assert role.attachments.get().policy == admin_access
    assert "AdministratorAccess" in root_client.get("/roles/ec2-s3-read/permissions/").content.decode()


# The picker


def test_the_picker_searches_filters_and_pages(root_client, account, allow_s3_read):
    for index in range(30):
        make_policy(name=f"Amazon{index:02d}Access")
    make_policy(name="ViewOnlyAccess", path="/job-function/")

    first = root_client.get("/permissions/policy-picker/", headers=hx("policy-picker")).content.decode()
    assert first.lstrip().startswith('<div id="policy-picker"')
    assert "(32)" in first and 'data-testid="picker-page">1<' in first and "of 2" in first

    page2 = root_client.get(
        "/permissions/policy-picker/?page=2", headers=hx("policy-picker")
    ).content.decode()
    assert 'data-testid="picker-page">2<' in page2

    customer = root_client.get("/permissions/policy-picker/?type=customer", headers=hx("policy-picker"))
    assert "(1)" in customer.content.decode() and "allow-s3-read" in customer.content.decode()
    job = root_client.get(
        "/permissions/policy-picker/?type=job", headers=hx("policy-picker")
    ).content.decode()
    assert "ViewOnlyAccess" in job and "AWS managed - job function" in job and "Amazon00" not in job
    search = root_client.get(
        "/permissions/policy-picker/?q=amazon0", headers=hx("policy-picker")
    ).content.decode()
    assert "(10)" in search


def test_the_picker_sorts_case_insensitively_and_labels_job_functions(root_client, db):
    """AdministratorAccess comes before AIDevOps… as in the console; its Type is a job function."""
    for name in ["AIDevOpsAgentAccess", "AccessAnalyzerServiceRolePolicy", "AdministratorAccess"]:
        make_policy(name=name)
    make_policy(name="AWSManagementConsoleAdministratorAccess", path="/job-function/")
    body = root_client.get("/permissions/policy-picker/", headers=hx("policy-picker")).content.decode()
    names = ["AccessAnalyzerServiceRolePolicy", "AdministratorAccess", "AIDevOpsAgentAccess", "AWSManagement"]
    positions = [body.index(f">{name}") for name in names]
    assert positions == sorted(positions)
    job = root_client.get(
        "/permissions/policy-picker/?type=job", headers=hx("policy-picker")
    ).content.decode()
    assert "AdministratorAccess" in job and "AWSManagementConsoleAdministratorAccess" not in job
    aws = root_client.get(
        "/permissions/policy-picker/?type=aws", headers=hx("policy-picker")
    ).content.decode()
    assert "AWSManagementConsoleAdministratorAccess" in aws and ">AdministratorAccess<" not in aws


def test_the_picker_keeps_choices_made_on_other_pages(root_client, admin_access, allow_s3_read):
    response = root_client.get(
        "/permissions/policy-picker/",
        {"q": "allow", "policy_arn": [admin_access.arn, allow_s3_read.arn]},
        headers=hx("policy-picker"),
    ).content.decode()
    assert f'<input type="hidden" name="policy_arn" value="{admin_access.arn}" data-selected>' in response
    assert "2 selected" in response


def test_the_picker_as_a_page(root_client, admin_access):
    response = root_client.get("/permissions/policy-picker/")
    assert response.status_code == 200 and "<html" in response.content.decode()
    assert "AdministratorAccess" in response.content.decode()


def test_the_picker_marks_attached_policies(root_client, bob, admin_access, root_acting):
    policy_attach(policy=admin_access, user=bob, acting=root_acting)
    body = root_client.get(
        "/permissions/policy-picker/?picker_kind=user&picker_entity=bob", headers=hx("policy-picker")
    ).content.decode()
    assert "checked disabled" in body and "(attached)" in body


# Inline policies


def test_create_an_inline_policy_in_two_steps(root_client, bob):
    page = root_client.get("/users/bob/permissions/inline/").content.decode()
    assert "Specify permissions" in page and 'name="document"' in page

    review = root_client.post(
        "/users/bob/permissions/inline/",
        {"document": CREATE_BUCKET, "action": "next"},
        headers=hx("permissions-inline"),
    )
    assert review.status_code == 200 and "Review and create" in review.content.decode()

    created = root_client.post(
        "/users/bob/permissions/inline/",
        {"document": CREATE_BUCKET, "policy_name": "InlineIsBad", "action": "create"},
        headers=hx("permissions-inline"),
    )
    assert created["HX-Redirect"] == "/users/bob/?tab=permissions"
    assert bob.inline_policies.get().name == "InlineIsBad"


def test_a_malformed_document_is_refused_in_iams_words(root_client, bob):
    response = root_client.post(
        "/users/bob/permissions/inline/",
        {"document": "{oops", "action": "next"},
        headers=hx("permissions-inline"),
    )
    assert response.status_code == 422
    assert "Syntax errors in policy." in response.content.decode()
    assert "Specify permissions" in response.content.decode()


def test_a_bad_name_and_the_size_quota_are_shown_on_review(root_client, bob, root_acting):
    bad_name = root_client.post(
        "/users/bob/permissions/inline/",
        {"document": CREATE_BUCKET, "policy_name": "bad name", "action": "create"},
    )
    assert bad_name.status_code == 422
    assert "failed to satisfy constraint" in bad_name.content.decode()

    big = statement_policy("s3:GetObject", resource="arn:aws:s3:::b/" + "x" * 1500)
    inline_policy_put(name="first", document=big, user=bob, acting=root_acting)
    over = root_client.post(
        "/users/bob/permissions/inline/", {"document": big, "policy_name": "second", "action": "create"}
    )
    assert over.status_code == 422
    assert "Maximum policy size of 2048 bytes exceeded for user bob" in over.content.decode()


def test_edit_an_inline_policy(root_client, bob, root_acting):
    inline_policy_put(name="InlineIsBad", document=CREATE_BUCKET, user=bob, acting=root_acting)
    page = root_client.get("/users/bob/permissions/inline/?policy=InlineIsBad").content.decode()
    assert "Modify permissions in InlineIsBad" in page and "s3:CreateBucket" in page
    listing = statement_policy("s3:ListBucket")
    response = root_client.post(
        "/users/bob/permissions/inline/?policy=InlineIsBad",
        {"document": listing, "policy_name": "InlineIsBad", "action": "create"},
    )
    assert response.status_code == 302
    assert bob.inline_policies.get().document == listing
    assert root_client.get("/users/bob/permissions/inline/?policy=nope").status_code == 404


def test_group_and_role_inline_policies(root_client, account, developers):
    role = make_role(account=account, name="app")
    for url in ("/groups/developers/permissions/inline/", "/roles/app/permissions/inline/"):
        response = root_client.post(url, {"document": CREATE_BUCKET, "policy_name": "p", "action": "create"})
        assert response.status_code == 302
    assert developers.inline_policies.count() == 1 and role.inline_policies.count() == 1


# Boundaries


def test_set_change_and_remove_a_users_boundary(root_client, bob, account, admin_access):
    boundary = make_policy(name="developer-boundary", account=account, document=statement_policy(["s3:*"]))
    page = root_client.get("/users/bob/permissions/boundary/").content.decode()
    assert "Set permissions boundary" in page and 'type="radio" name="boundary_arn"' in page

    response = root_client.post(
        "/users/bob/permissions/boundary/", {"boundary_arn": boundary.arn, "action": "set"}
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.permissions_boundary_arn == boundary.arn
    tab = root_client.get("/users/bob/").content.decode()
    assert "(set)" in tab and "developer-boundary" in tab and "Change boundary" in tab

    change_page = root_client.get("/users/bob/permissions/boundary/").content.decode()
    assert "Change permissions boundary" in change_page
    assert f'value="{boundary.arn}" aria-label="Select developer-boundary" checked' in change_page
    root_client.post("/users/bob/permissions/boundary/", {"boundary_arn": admin_access.arn, "action": "set"})
    bob.refresh_from_db()
    assert bob.permissions_boundary_arn == admin_access.arn

    removed = root_client.post(
        "/users/bob/permissions/boundary/", {"action": "remove"}, headers=hx("permissions-tab")
    )
    assert removed.status_code == 200 and "(not set)" in removed.content.decode()
    bob.refresh_from_db()
    assert bob.permissions_boundary_arn == ""


def test_a_boundary_must_be_chosen_and_must_exist(root_client, bob):
    none = root_client.post(
        "/users/bob/permissions/boundary/", {"action": "set"}, headers=hx("permissions-boundary-form")
    )
    assert none.status_code == 422
    assert "Select a policy to use as the permissions boundary." in none.content.decode()
    arn = "arn:aws:iam::aws:policy/Nope"
    missing = root_client.post("/users/bob/permissions/boundary/", {"boundary_arn": arn, "action": "set"})
    assert missing.status_code == 422
    assert f"Scope ARN: {arn} does not exist or is not attachable." in missing.content.decode()


def test_a_role_boundary(root_client, account, admin_access):
    role = make_role(account=account, name="app")
    root_client.post("/roles/app/permissions/boundary/", {"boundary_arn": admin_access.arn, "action": "set"})
    role.refresh_from_db()
    assert role.permissions_boundary_arn == admin_access.arn


def test_groups_have_no_boundary_page(root_client, developers):
    assert root_client.get("/groups/developers/permissions/boundary/").status_code == 404


# IAMUserChangePassword, attached by the create-user wizard when a reset is required


def test_the_create_user_wizard_attaches_iam_user_change_password(root_client, account):
    make_policy(name="IAMUserChangePassword", document=statement_policy("iam:ChangePassword"))
    root_client.post(
        "/users/create/?step=1",
        {
            "name": "dana",
            "console_access": "on",
            "password_type": "custom",
            "password": "Corr3ct-Horse-Battery!",
            "reset_required": "on",
        },
    )
    root_client.post("/users/create/?step=2", {"action": "next"})
    root_client.post("/users/create/?step=3", {"action": "create"})

    profile = LoginProfile.objects.get(user__name="dana")
    assert profile.password_reset_required
    assert list(profile.user.attachments.values_list("policy__name", flat=True)) == ["IAMUserChangePassword"]


def test_manage_console_access_with_reset_attaches_it(root_client, bob):
    make_policy(name="IAMUserChangePassword", document=statement_policy("iam:ChangePassword"))
    root_client.post(
        "/users/bob/console-access/",
        {
            "access": "enable",
            "password_type": "custom",
            "password": "Corr3ct-Horse-Battery!",
            "reset_required": "on",
        },
    )
    assert LoginProfile.objects.filter(user=bob).exists()
    assert list(bob.attachments.values_list("policy__name", flat=True)) == ["IAMUserChangePassword"]


# Tenant isolation: charlie's account sees none of alice's


@pytest.mark.parametrize(
    "url",
    [
        "/users/bob/permissions/",
        "/users/bob/permissions/add/",
        "/users/bob/permissions/inline/",
        "/users/bob/permissions/boundary/",
        "/groups/developers/permissions/",
        "/groups/developers/permissions/add/",
        "/roles/app/permissions/",
        "/permissions/policy-picker/?picker_kind=user&picker_entity=bob",
    ],
)
def test_charlie_gets_404_for_alices_entities(url, charlie_client, account, bob, developers):
    make_role(account=account, name="app")
    assert charlie_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/users/bob/permissions/remove/",
        "/users/bob/permissions/add/",
        "/users/bob/permissions/inline/",
        "/users/bob/permissions/boundary/",
        "/groups/developers/permissions/add/",
    ],
)
def test_charlie_cannot_change_alices_entities(
    url, charlie_client, bob, developers, admin_access, root_acting
):
    policy_attach(policy=admin_access, user=bob, acting=root_acting)
    data = {
        "policy": f"managed:{admin_access.arn}",
        "policy_arn": admin_access.arn,
        "boundary_arn": admin_access.arn,
        "document": CREATE_BUCKET,
        "policy_name": "x",
        "action": "add",
    }
    assert charlie_client.post(url, data).status_code == 404
    assert PolicyAttachment.objects.count() == 1
    assert not InlinePolicy.objects.exists()
    bob.refresh_from_db()
    assert bob.permissions_boundary_arn == ""


def test_charlie_neither_sees_nor_attaches_alices_customer_policies(
    charlie_client, charlie_account, allow_s3_read
):
    IAMUserFactory(account=charlie_account, name="dave")
    picker = charlie_client.get(
        "/permissions/policy-picker/?q=allow", headers=hx("policy-picker")
    ).content.decode()
    assert "allow-s3-read" not in picker
    response = charlie_client.post(
        "/users/dave/permissions/add/",
        {"option": "policies", "policy_arn": allow_s3_read.arn, "action": "add"},
    )
    assert response.status_code == 422
    assert f"Policy {allow_s3_read.arn} does not exist or is not attachable." in response.content.decode()
    assert not PolicyAttachment.objects.exists()


# Step 2 of the create user wizard: "Attach policies directly" and "Copy permissions"


def _wizard_to_step_2(client, name):
    client.post("/users/create/?step=1", {"name": name})


def test_the_wizard_attaches_policies_directly(root_client, admin_access, allow_s3_read):
    _wizard_to_step_2(root_client, "erin")
    step2 = root_client.get(
        "/users/create/?step=2&option=policies", headers=hx("wizard-step")
    ).content.decode()
    assert 'value="policies" checked' in step2 and 'id="policy-picker"' in step2

    root_client.post(
        "/users/create/?step=2",
        {
            "permissions_option": "policies",
            "policy_arn": [admin_access.arn, allow_s3_read.arn],
            "action": "next",
        },
    )
    review = root_client.get("/users/create/?step=3").content.decode()
    assert "AdministratorAccess" in review and "allow-s3-read" in review and "Permissions policy" in review
    back = root_client.get("/users/create/?step=2").content.decode()  # the choice is kept
    assert f'value="{admin_access.arn}" aria-label="Select AdministratorAccess" checked' in back

    root_client.post("/users/create/?step=3", {"action": "create"})
    erin = IAMUser.objects.get(name="erin")
    assert set(erin.attachments.values_list("policy__name", flat=True)) == {
        "AdministratorAccess",
        "allow-s3-read",
    }


def test_the_wizard_copies_permissions(root_client, bob, developers, admin_access, root_acting):
    policy_attach(policy=admin_access, user=bob, acting=root_acting)
    inline_policy_put(name="InlineIsBad", document=CREATE_BUCKET, user=bob, acting=root_acting)
    _wizard_to_step_2(root_client, "erin")
    assert 'value="bob"' in root_client.get("/users/create/?step=2&option=copy").content.decode()

    root_client.post(
        "/users/create/?step=2", {"permissions_option": "copy", "source_user": "bob", "action": "next"}
    )
    review = root_client.get("/users/create/?step=3").content.decode()
    assert "developers" in review and "AdministratorAccess" in review and "InlineIsBad" in review
    root_client.post("/users/create/?step=3", {"action": "create"})

    erin = IAMUser.objects.get(name="erin")
    assert list(erin.groups.values_list("name", flat=True)) == ["developers"]
    assert list(erin.attachments.values_list("policy__name", flat=True)) == ["AdministratorAccess"]
    assert list(erin.inline_policies.values_list("name", flat=True)) == ["InlineIsBad"]


def test_the_wizard_refuses_bad_permission_choices(root_client, account, charlie_account):
    foreign = make_policy(name="theirs", account=charlie_account)
    _wizard_to_step_2(root_client, "erin")
    nobody = root_client.post("/users/create/?step=2", {"permissions_option": "copy", "action": "next"})
    assert nobody.status_code == 422 and "Select a user to copy permissions from." in nobody.content.decode()
    theirs = root_client.post(
        "/users/create/?step=2",
        {"permissions_option": "policies", "policy_arn": foreign.arn, "action": "next"},
    )
    assert theirs.status_code == 422
    assert f"Policy {foreign.arn} does not exist or is not attachable." in theirs.content.decode()
    many = [make_policy(name=f"p{index}", account=account).arn for index in range(11)]
    too_many = root_client.post(
        "/users/create/?step=2", {"permissions_option": "policies", "policy_arn": many, "action": "next"}
    )
    assert "Cannot exceed quota for PoliciesPerUser: 10" in too_many.content.decode()
    assert not IAMUser.objects.filter(name="erin").exists()


def test_role_detail_shows_the_permissions_tab(root_client, account, admin_access, root_acting):
    role = make_role(account=account, name="ec2-s3-read")
    policy_attach(policy=admin_access, role=role, acting=root_acting)
    page = root_client.get("/roles/ec2-s3-read/?tab=permissions").content.decode()
    assert 'id="permissions-tab"' in page and "AdministratorAccess" in page and "Directly" in page
    assert "Permissions boundary" in page and "(not set)" in page
    done = root_client.post(
        "/roles/ec2-s3-read/permissions/add/", {"policy_arn": admin_access.arn, "action": "add"}
    )
    assert done["Location"] == "/roles/ec2-s3-read/?tab=permissions"
