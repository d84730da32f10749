"""Managed policy pages: list, create, detail tabs, edit, versions, compare, tags, delete, live validation.

Each HTMX view is requested twice: the whole page, and the fragment its HX-Target names.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, IAMUser
from policies.aws_managed.loader import read_data_file, sync_catalog
from policies.models import ManagedPolicy, PolicyAttachment, PolicyVersion
from policies.services.policies import policy_create, policy_version_create
from tests.accounts.factories import GroupFactory

S3_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}],
    },
    indent=4,
)


def doc(action):
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    )


def hx(target):
    return {"HX-Request": "true", "HX-Target": target}


@pytest.fixture
def policy(account, root_acting):
    return policy_create(account=account, name="allow-s3-read", document=S3_READ, acting=root_acting)


@pytest.fixture
def aws_policy(db):
    now = timezone.now()
    policy = ManagedPolicy.objects.create(
        account=None,
        name="AdministratorAccess",
        arn="arn:aws:iam::aws:policy/AdministratorAccess",
        description="Provides full access to AWS services and resources.",
        created_at=now,
        updated_at=now,
    )
    PolicyVersion.objects.create(policy=policy, number=1, document=doc("*"), created_at=now)
    return policy


def detail(policy, tab=None):
    url = reverse("policies:policy_detail", args=[policy.arn])
    return f"{url}?tab={tab}" if tab else url


# List


def test_policies_list_shows_customer_and_aws_managed_policies(root_client, policy, aws_policy):
    response = root_client.get(reverse("policies:policy_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "allow-s3-read" in html and "AdministratorAccess" in html
    assert "Customer managed" in html and "AWS managed" in html
    assert "Provides full access to AWS services and resources." in html
    assert 'href="/policies/details/arn:aws:iam::aws:policy/AdministratorAccess"' in html
    assert "<h1>Policies</h1>" in html


def test_policies_list_fragment_filters_by_type_and_name(root_client, policy, aws_policy):
    url = reverse("policies:policy_list")
    response = root_client.get(url, {"type": "customer"}, headers=hx("policy-table"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="policy-table"')
    assert "<html" not in html
    assert "allow-s3-read" in html and "AdministratorAccess" not in html
    response = root_client.get(url, {"q": "ADMIN"}, headers=hx("policy-table"))
    html = response.content.decode()
    assert "AdministratorAccess" in html and "allow-s3-read" not in html
    assert 'id="policy-count" hx-swap-oob="true">(1)' in html


def test_job_function_policies_are_the_user_guides_list_not_a_path(root_client, db):
    """The User Guide's job functions, wherever they live; other /job-function/ policies are AWS managed."""
    now = timezone.now()
    for path, name in [
        ("/job-function/", "Billing"),
        ("/", "AdministratorAccess"),
        ("/job-function/", "AWSManagementConsoleAdministratorAccess"),
        ("/", "AmazonS3ReadOnlyAccess"),
    ]:
        ManagedPolicy.objects.create(
            account=None,
            name=name,
            path=path,
            arn=f"arn:aws:iam::aws:policy{path}{name}",
            created_at=now,
            updated_at=now,
        )
    html = root_client.get(reverse("policies:policy_list"), {"type": "job_function"}).content.decode()
    assert "Billing" in html and "AdministratorAccess" in html and "AWS managed - job function" in html
    assert "AWSManagementConsoleAdministratorAccess" not in html and "AmazonS3ReadOnlyAccess" not in html
    html = root_client.get(reverse("policies:policy_list"), {"type": "aws"}).content.decode()
    assert "AWSManagementConsoleAdministratorAccess" in html and "AmazonS3ReadOnlyAccess" in html
    assert ">Billing<" not in html and ">AdministratorAccess<" not in html


def test_used_as_counts_attachments_and_boundaries(root_client, account, bob, policy):
    PolicyAttachment.objects.create(policy=policy, user=bob)
    PolicyAttachment.objects.create(policy=policy, group=GroupFactory(account=account))
    IAMUser.objects.filter(pk=bob.pk).update(permissions_boundary_arn=policy.arn)
    html = root_client.get(reverse("policies:policy_list")).content.decode()
    assert "Permissions policy (2), Permissions boundary (1)" in html


def test_the_list_paginates_on_the_server(root_client, account, root_acting):
    for i in range(30):
        policy_create(account=account, name=f"p{i:02}", document=doc("s3:*"), acting=root_acting)
    first = root_client.get(reverse("policies:policy_list")).content.decode()
    assert "p00" in first and "p24" in first and "p25" not in first
    second = root_client.get(reverse("policies:policy_list"), {"page": 2}).content.decode()
    assert "p25" in second and "p29" in second and "p00" not in second


def test_the_list_needs_a_signed_in_console_session(client):
    response = client.get(reverse("policies:policy_list"))
    assert response.status_code == 302 and "/signin" in response["Location"]


def test_the_nav_shows_policies(root_client):
    html = root_client.get(reverse("policies:policy_list")).content.decode()
    assert 'href="/policies/" class="active"' in html


# Live validation


def test_validate_returns_findings_grouped_as_the_console(root_client):
    document = doc("s3:GetObjekt")
    response = root_client.post(
        reverse("policies:policy_validate"),
        {"document": document, "policy_type": "managed"},
        headers=hx("policy-findings"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="policy-findings"')
    assert 'Errors <span class="count">(1)</span>' in html and "Invalid Action" in html
    assert "The action s3:GetObjekt does not exist." in html
    assert "Ln 1, Col" in html and "Statement 1" in html
    assert "can't be saved" not in html  # a finding is advice, not a refusal


def test_validate_shows_iams_refusal(root_client):
    response = root_client.post(
        reverse("policies:policy_validate"), {"document": "{", "policy_type": "managed"}
    )
    html = response.content.decode()
    assert "This policy can't be saved." in html and "Syntax errors in policy." in html


def test_validate_follows_the_policy_type_and_field(root_client):
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
        }
    )
    response = root_client.post(
        reverse("policies:policy_validate"),
        {"trust_policy": trust, "policy_type": "trust", "field": "trust_policy"},
    )
    html = response.content.decode()
    assert "Has prohibited field Resource" in html
    assert "of 2,048" in html


def test_validate_names_the_entity_of_an_inline_policy_in_iams_size_message(root_client):
    big = doc(["s3:" + "A" * 30] * 80)
    response = root_client.post(
        reverse("policies:policy_validate"),
        {"document": big, "policy_type": "inline-user", "entity_name": "alice"},
    )
    assert "Maximum policy size of 2048 bytes exceeded for user alice" in response.content.decode()


def test_an_unknown_policy_type_falls_back_to_managed(root_client):
    response = root_client.post(
        reverse("policies:policy_validate"), {"document": doc("s3:*"), "policy_type": "nope"}
    )
    assert response.status_code == 200 and "of 6,144" in response.content.decode()


def test_validate_is_for_signed_in_sessions(client):
    assert client.post(reverse("policies:policy_validate"), {"document": "{}"}).status_code == 302


def test_validate_answers_posts_only(root_client):
    assert root_client.get(reverse("policies:policy_validate")).status_code == 405


# Create


def test_create_policy_full_flow_without_javascript(root_client, account):
    url = reverse("policies:policy_create")
    page = root_client.get(url)
    assert page.status_code == 200 and "Specify permissions" in page.content.decode()
    assert "&quot;Sid&quot;: &quot;Statement1&quot;" in page.content.decode()

    response = root_client.post(f"{url}?step=1", {"document": S3_READ})
    assert response.status_code == 302 and response["Location"].endswith("?step=2")
    review = root_client.get(response["Location"]).content.decode()
    assert "Review and create" in review

    response = root_client.post(
        f"{url}?step=2",
        {
            "name": "allow-s3-read",
            "description": "Read my bucket",
            "tag_key": ["env"],
            "tag_value": ["dev"],
            "action": "create",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("policies:policy_list")
    policy = ManagedPolicy.objects.get(account=account, name="allow-s3-read")
    assert policy.description == "Read my bucket"
    assert policy.versions.get().document == S3_READ
    assert [(t.key, t.value) for t in policy.tags.all()] == [("env", "dev")]
    assert (
        "Policy allow-s3-read created." in root_client.get(reverse("policies:policy_list")).content.decode()
    )


def test_the_editor_offers_the_visual_tab_around_the_json_editor(root_client):
    html = root_client.get(reverse("policies:policy_create")).content.decode()
    assert 'id="visual-editor"' in html and 'data-editor-tab="visual"' in html
    assert 'id="policy-document" name="document"' in html  # the JSON tab is this editor
    assert 'hx-post="/policies/validate/"' in html


def test_the_review_shows_the_policy_summary(root_client):
    url = reverse("policies:policy_create")
    root_client.post(f"{url}?step=1", {"document": S3_READ})
    html = root_client.get(f"{url}?step=2").content.decode()
    assert 'id="policy-summary"' in html and "S3" in html


def test_a_malformed_document_stays_on_the_editor_with_the_error_inline(root_client, account):
    url = reverse("policies:policy_create")
    bad = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]})
    response = root_client.post(f"{url}?step=1", {"document": bad}, headers=hx("policy-wizard"))
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="policy-wizard"')
    assert "Policy statement must contain resources." in html
    assert 'data-testid="document-error"' in html  # above the tabs, seen from the visual editor too
    assert "Specify permissions" in html
    assert not ManagedPolicy.objects.filter(account=account).exists()


def test_create_steps_swap_as_fragments(root_client, account):
    url = reverse("policies:policy_create")
    response = root_client.post(f"{url}?step=1", {"document": S3_READ}, headers=hx("policy-wizard"))
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"{url}?step=2"
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="policy-wizard"') and "Review and create" in html
    response = root_client.post(
        f"{url}?step=2", {"name": "p1", "action": "create"}, headers=hx("policy-wizard")
    )
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("policies:policy_list")
    assert ManagedPolicy.objects.filter(account=account, name="p1").exists()


def test_a_duplicate_name_is_shown_next_to_the_name_field(root_client, policy):
    url = reverse("policies:policy_create")
    root_client.post(f"{url}?step=1", {"document": S3_READ})
    response = root_client.post(f"{url}?step=2", {"name": "Allow-S3-Read", "action": "create"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "A policy called Allow-S3-Read already exists. Duplicate names are not allowed." in html
    assert 'class="field-error"' in html


def test_create_review_keeps_values_on_previous_and_tags(root_client):
    url = reverse("policies:policy_create")
    root_client.post(f"{url}?step=1", {"document": S3_READ})
    root_client.post(f"{url}?step=2", {"name": "kept", "description": "d", "action": "add_tag"})
    html = root_client.get(f"{url}?step=2").content.decode()
    assert 'value="kept"' in html and 'name="tag_key"' in html
    response = root_client.post(f"{url}?step=2", {"name": "kept", "action": "previous"})
    assert response["Location"].endswith("?step=1")
    assert "s3:GetObject" in root_client.get(f"{url}?step=1").content.decode()


def test_the_review_step_needs_an_accepted_document(root_client):
    html = root_client.get(reverse("policies:policy_create") + "?step=2").content.decode()
    assert '<h1 class="page-title">Specify permissions</h1>' in html


# Detail


def test_detail_shows_summary_and_the_document(root_client, policy):
    response = root_client.get(detail(policy, "permissions") + "&view=json")
    html = response.content.decode()
    assert response.status_code == 200
    assert policy.arn in html and "Customer managed" in html
    assert "arn:aws:s3:::my-bucket/*" in html


def test_detail_tabs_are_fragments(root_client, policy):
    for tab in ["permissions", "entities", "tags", "versions"]:
        response = root_client.get(detail(policy, tab), headers=hx("policy-tab"))
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<div id="policy-tab"'), tab
        assert "Policy ID" not in html  # the summary above the tabs stays


def test_aws_managed_policy_detail_is_read_only(root_client, aws_policy):
    html = root_client.get(detail(aws_policy, "permissions") + "&view=json").content.decode()
    assert "AWS managed" in html and "&quot;Action&quot;: &quot;*&quot;" in html
    assert reverse("policies:policy_edit", args=[aws_policy.arn]) not in html
    assert reverse("policies:policy_delete", args=[aws_policy.arn]) not in html
    assert root_client.get(reverse("policies:policy_edit", args=[aws_policy.arn])).status_code == 404
    assert root_client.get(reverse("policies:policy_delete", args=[aws_policy.arn])).status_code == 404
    response = root_client.post(
        reverse("policies:policy_versions", args=[aws_policy.arn]), {"action": "delete", "version": "v1"}
    )
    assert response.status_code == 404
    assert aws_policy.versions.count() == 1


def test_entities_attached_lists_users_groups_roles_and_boundaries(root_client, account, bob, policy):
    group = GroupFactory(account=account, name="developers")
    PolicyAttachment.objects.create(policy=policy, group=group)
    IAMUser.objects.filter(pk=bob.pk).update(permissions_boundary_arn=policy.arn)
    html = root_client.get(detail(policy, "entities")).content.decode()
    assert "developers" in html and "Group" in html and "Permissions policy" in html
    assert "bob" in html and "Permissions boundary" in html
    assert 'Entities attached <span class="count">(2)</span>' in html


def test_versions_tab_lists_versions_with_the_default_marked(root_client, policy, root_acting):
    policy_version_create(policy=policy, document=doc("s3:*"), acting=root_acting)
    html = root_client.get(detail(policy, "versions")).content.decode()
    assert 'data-testid="version-v2"' in html and 'data-testid="version-v1"' in html
    assert html.index("version-v2") < html.index("version-v1")  # newest first
    shown = root_client.get(detail(policy, "versions") + "&version=v2").content.decode()
    assert 'data-testid="shown-version"' in shown and "s3:*" in shown


# Versions: set default, delete, compare


def test_set_as_default_from_the_versions_tab(root_client, policy, root_acting):
    policy_version_create(policy=policy, document=doc("s3:*"), acting=root_acting)
    url = reverse("policies:policy_versions", args=[policy.arn])
    response = root_client.post(url, {"action": "set_default", "version": "v2"}, headers=hx("policy-tab"))
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="policy-tab"')
    policy.refresh_from_db()
    assert policy.default_version_id == "v2"
    # The summary above the tabs follows, out of band.
    assert (
        'id="default-version" data-testid="default-version" hx-swap-oob="true">v2</dd>'
        in response.content.decode()
    )


def test_deleting_the_default_version_shows_iams_message(root_client, policy):
    url = reverse("policies:policy_versions", args=[policy.arn])
    response = root_client.post(url, {"action": "delete", "version": "v1"})
    assert response.status_code == 422
    assert "Cannot delete the default version of a policy." in response.content.decode()
    assert policy.versions.count() == 1


def test_delete_non_default_versions(root_client, policy, root_acting):
    policy_version_create(policy=policy, document=doc("s3:A"), acting=root_acting)
    policy_version_create(policy=policy, document=doc("s3:B"), acting=root_acting)
    url = reverse("policies:policy_versions", args=[policy.arn])
    response = root_client.post(url, {"action": "delete", "version": ["v2", "v3"]})
    assert response.status_code == 302
    assert [v.number for v in policy.versions.all()] == [1]


def test_set_default_needs_exactly_one_version(root_client, policy):
    url = reverse("policies:policy_versions", args=[policy.arn])
    response = root_client.post(url, {"action": "set_default"})
    assert (
        response.status_code == 422 and "Select one version to set as default." in response.content.decode()
    )


def test_compare_two_versions_as_a_side_by_side_line_diff(root_client, policy, root_acting):
    policy_version_create(policy=policy, document=doc("s3:ListBucket"), acting=root_acting)
    url = reverse("policies:policy_versions", args=[policy.arn])
    response = root_client.post(url, {"action": "compare", "version": ["v2", "v1"]})
    compare_url = reverse("policies:policy_compare", args=[policy.arn]) + "?left=v1&right=v2"
    assert response.status_code == 302 and response["Location"] == compare_url
    html = root_client.get(compare_url).content.decode()
    assert 'class="diff-replace"' in html
    assert "s3:GetObject" in html and "s3:ListBucket" in html
    fragment = root_client.get(compare_url, headers=hx("policy-diff")).content.decode()
    assert fragment.lstrip().startswith('<div id="policy-diff"')


def test_compare_needs_two_existing_versions(root_client, policy):
    url = reverse("policies:policy_compare", args=[policy.arn])
    assert root_client.get(url + "?left=v1&right=v9").status_code == 404
    response = root_client.post(
        reverse("policies:policy_versions", args=[policy.arn]), {"action": "compare", "version": ["v1"]}
    )
    assert "Select two versions to compare." in response.content.decode()


# Edit: a new version


def test_edit_creates_a_new_default_version(root_client, policy):
    url = reverse("policies:policy_edit", args=[policy.arn])
    html = root_client.get(url).content.decode()
    assert "Modify permissions in allow-s3-read" in html and "arn:aws:s3:::my-bucket/*" in html
    response = root_client.post(f"{url}?step=1", {"document": doc("s3:*")})
    assert response.status_code == 302
    assert "Review and save" in root_client.get(response["Location"]).content.decode()
    response = root_client.post(f"{url}?step=2", {"set_as_default": "on", "action": "save"})
    assert response.status_code == 302 and response["Location"] == detail(policy)
    policy.refresh_from_db()
    assert policy.default_version_id == "v2"


def test_edit_without_set_as_default_keeps_the_default(root_client, policy):
    url = reverse("policies:policy_edit", args=[policy.arn])
    root_client.get(url)
    root_client.post(f"{url}?step=1", {"document": doc("s3:*")})
    root_client.post(f"{url}?step=2", {"action": "save"})
    policy.refresh_from_db()
    assert policy.default_version_id == "v1" and policy.versions.count() == 2


def test_editing_at_five_versions_asks_which_versions_to_delete(root_client, policy, root_acting):
    for action in ["s3:A", "s3:B", "s3:C", "s3:D"]:
        policy_version_create(policy=policy, document=doc(action), acting=root_acting)
    url = reverse("policies:policy_edit", args=[policy.arn])
    root_client.get(url)
    response = root_client.post(f"{url}?step=1", {"document": doc("s3:E")}, headers=hx("policy-wizard"))
    html = response.content.decode()
    assert 'id="version-limit"' in html and 'name="delete_version" value="v2"' in html
    assert 'value="v1" disabled' in html  # the default version cannot be picked

    response = root_client.post(
        f"{url}?step=2", {"action": "save", "set_as_default": "on"}, headers=hx("policy-wizard")
    )
    assert response.status_code == 422
    assert "A managed policy can have up to 5 versions." in response.content.decode()
    assert policy.versions.count() == 5

    response = root_client.post(
        f"{url}?step=2",
        {"action": "save", "set_as_default": "on", "delete_version": ["v2"]},
        headers=hx("policy-wizard"),
    )
    assert response.status_code == 200 and response["HX-Redirect"] == detail(policy)
    assert sorted(v.number for v in policy.versions.all()) == [1, 3, 4, 5, 6]
    policy.refresh_from_db()
    assert policy.default_version_id == "v6"


# Tags


def test_manage_tags_replaces_the_set(root_client, policy, root_acting):
    url = reverse("policies:policy_tags", args=[policy.arn])
    response = root_client.post(url, {"action": "edit"}, headers=hx("policy-tab"))
    assert "Add new tag" in response.content.decode()
    response = root_client.post(
        url,
        {"action": "save", "tag_key": ["team", "env"], "tag_value": ["a", "dev"]},
        headers=hx("policy-tab"),
    )
    assert response.status_code == 200
    assert sorted((t.key, t.value) for t in policy.tags.all()) == [("env", "dev"), ("team", "a")]
    root_client.post(url, {"action": "save", "tag_key": ["env"], "tag_value": ["prod"]})
    assert [(t.key, t.value) for t in policy.tags.all()] == [("env", "prod")]


def test_invalid_tags_are_shown_inline(root_client, policy):
    url = reverse("policies:policy_tags", args=[policy.arn])
    response = root_client.post(url, {"action": "save", "tag_key": ["a", "A"], "tag_value": ["1", "2"]})
    assert response.status_code == 422
    assert "Duplicate tag keys found." in response.content.decode()
    assert not policy.tags.exists()


# Delete


def test_delete_asks_to_type_the_name(root_client, policy):
    url = reverse("policies:policy_delete", args=[policy.arn])
    dialog = root_client.get(url, headers=hx("policy-dialog")).content.decode()
    assert dialog.lstrip().startswith('<div id="policy-dialog"')
    response = root_client.post(url, {"confirm": "wrong"}, headers=hx("policy-dialog"))
    assert (
        response.status_code == 422
        and "To confirm deletion, enter the policy name in the text input field." in response.content.decode()
    )
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists()


def test_delete_detaches_from_every_entity_and_removes_versions(
    root_client, account, bob, policy, root_acting
):
    policy_version_create(policy=policy, document=doc("s3:*"), acting=root_acting)
    group = GroupFactory(account=account)
    PolicyAttachment.objects.create(policy=policy, group=group)
    PolicyAttachment.objects.create(policy=policy, user=bob)
    IAMUser.objects.filter(pk=bob.pk).update(permissions_boundary_arn=policy.arn)
    url = reverse("policies:policy_delete", args=[policy.arn])
    dialog = root_client.get(url).content.decode()
    assert "attached to 3 entities" in dialog and "Detach and delete" in dialog

    response = root_client.post(url, {"confirm": "allow-s3-read"})

    assert response.status_code == 302 and response["Location"] == reverse("policies:policy_list")
    assert not ManagedPolicy.objects.filter(pk=policy.pk).exists()
    assert not PolicyAttachment.objects.exists()
    bob.refresh_from_db()
    assert bob.permissions_boundary_arn == ""
    names = list(AuditEvent.objects.order_by("pk").values_list("event_name", flat=True))
    for event in [
        "DetachGroupPolicy",
        "DetachUserPolicy",
        "DeleteUserPermissionsBoundary",
        "DeletePolicyVersion",
        "DeletePolicy",
    ]:
        assert event in names


# Tenant isolation: charlie sees AWS managed policies, never alice's own.


@pytest.mark.parametrize("url_name", ["policy_detail", "policy_edit", "policy_delete", "policy_compare"])
def test_another_accounts_policy_is_not_found(charlie_client, policy, url_name):
    url = reverse(f"policies:{url_name}", args=[policy.arn])
    if url_name == "policy_compare":
        url += "?left=v1&right=v1"
    assert charlie_client.get(url).status_code == 404


@pytest.mark.parametrize("url_name", ["policy_versions", "policy_tags", "policy_delete", "policy_edit"])
def test_another_accounts_policy_cannot_be_changed(charlie_client, policy, url_name):
    url = reverse(f"policies:{url_name}", args=[policy.arn])
    response = charlie_client.post(
        url,
        {"action": "delete", "version": "v1", "confirm": policy.name, "tag_key": ["k"], "tag_value": ["v"]},
    )
    assert response.status_code == 404
    assert ManagedPolicy.objects.filter(pk=policy.pk).exists() and not policy.tags.exists()


def test_charlie_lists_aws_managed_policies_but_not_alices(charlie_client, policy, aws_policy):
    html = charlie_client.get(reverse("policies:policy_list")).content.decode()
    assert "AdministratorAccess" in html and "allow-s3-read" not in html
    assert charlie_client.get(detail(aws_policy)).status_code == 200


def test_used_as_counts_only_the_accounts_own_entities(root_client, charlie_account, aws_policy):
    from tests.accounts.factories import IAMUserFactory

    PolicyAttachment.objects.create(policy=aws_policy, user=IAMUserFactory(account=charlie_account))
    html = root_client.get(reverse("policies:policy_list")).content.decode()
    assert "Permissions policy (1)" not in html
    assert "No entities attached" in root_client.get(detail(aws_policy, "entities")).content.decode()


# An AWS managed policy's recorded history (policies/aws_managed/aws_managed_policy_versions.json.xz)


def _catalog_policy(name, history):
    """The catalog's `name` with the given recorded history, loaded as the command loads it."""
    entries = [entry for entry in read_data_file() if entry["name"] == name]
    sync_catalog(entries, {name: history} if history else {})
    return ManagedPolicy.objects.get(name=name, account=None)


def test_the_versions_tab_lists_an_aws_managed_policys_recorded_versions_read_only(root_client):
    history = [
        [3, "2019-03-20T22:19:03+00:00", doc("s3:List*")],
        [2, "2016-12-06T18:11:16+00:00", doc("s3:Get*")],
        [1, "2015-02-06T18:40:58+00:00", doc("s3:*")],
    ]
    policy = _catalog_policy("ReadOnlyAccess", history)
    default = policy.default_version_id
    assert policy.default_version_number > 4

    html = root_client.get(detail(policy, "versions")).content.decode()

    assert 'Policy versions <span class="count">(4)</span>' in html
    for version_id in [default, "v3", "v2", "v1"]:
        assert f'data-testid="version-{version_id}"' in html
    rows = [html.index(f'data-testid="version-{version_id}"') for version_id in [default, "v3", "v1"]]
    assert rows == sorted(rows)  # newest first
    assert "December 6, 2016, 18:11 (UTC)" in html
    gap = "v4" if policy.default_version_number == 5 else f"v4\u2013v{policy.default_version_number - 1}"
    assert f"Versions {gap} were not recorded." in html or f"Version {gap} was not recorded." in html
    assert 'name="action"' not in html and 'type="checkbox"' not in html  # read-only: no actions

    shown = root_client.get(detail(policy, "versions") + "&version=v2").content.decode()
    assert 'data-testid="shown-version"' in shown
    assert "&quot;Action&quot;: &quot;s3:Get*&quot;" in shown  # pretty-printed though stored compact
    assert "Created December 6, 2016, 18:11 (UTC)" in shown

    response = root_client.post(
        reverse("policies:policy_versions", args=[policy.arn]), {"action": "delete", "version": "v1"}
    )
    assert response.status_code == 404 and policy.versions.count() == 4


def test_the_versions_tab_says_when_no_earlier_version_was_recorded(root_client):
    policy = _catalog_policy("ReadOnlyAccess", [])
    html = root_client.get(detail(policy, "versions"), headers=hx("policy-tab")).content.decode()
    assert 'Policy versions <span class="count">(1)</span>' in html
    assert "No earlier versions were recorded for this policy." in html
    assert "<html" not in html  # the tab's fragment


def test_a_version_the_record_dated_at_the_policys_creation_shows_no_date(root_client):
    entry = next(entry for entry in read_data_file() if entry["name"] == "ReadOnlyAccess")
    policy = _catalog_policy(
        "ReadOnlyAccess",
        [[2, entry["create_date"], doc("s3:Get*")], [1, entry["create_date"], doc("s3:*")]],
    )
    html = root_client.get(detail(policy, "versions")).content.decode()
    row = html.split('data-testid="version-v2"', 1)[1].split("</tr>", 1)[0]
    assert "Not recorded" in row
    first = html.split('data-testid="version-v1"', 1)[1].split("</tr>", 1)[0]
    assert "Not recorded" not in first  # v1 was created with the policy
    assert 'Creation times the record did not keep show as "Not recorded".' in html.replace("&quot;", '"')


def test_the_versions_tab_reads_no_documents_to_list_versions(root_client):
    history = [[n, "2016-12-06T18:11:16+00:00", doc("s3:*")] for n in range(1, 5)]
    policy = _catalog_policy("ReadOnlyAccess", history)
    with CaptureQueriesContext(connection) as queries:
        root_client.get(detail(policy, "versions"))
    versions = [q["sql"] for q in queries.captured_queries if 'FROM "policies_policyversion"' in q["sql"]]
    # The default version's document (the page header's) is one row; the list reads none.
    with_documents = [sql for sql in versions if '"document"' in sql]
    assert len(versions) == 2 and len(with_documents) == 1 and with_documents[0].endswith("LIMIT 1")
