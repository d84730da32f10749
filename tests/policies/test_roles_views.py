"""Roles pages: list (search, pages, constant queries), detail tabs, edit, trust policy, tags, delete."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from policies.models import InlinePolicy, InstanceProfile, PolicyAttachment, Role
from policies.services.roles import role_create, service_linked_role_create
from policies.views.roles import trusted_entities

from .roles_helpers import EC2_TRUST, s3_read_only, trust

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def role(account, root_acting):
    return role_create(account=account, name="ec2-s3-read", trust_policy=EC2_TRUST, acting=root_acting)


def test_roles_list_shows_trusted_entities(root_client, account, root_acting, role):
    role_create(
        account=account,
        name="cross-account",
        trust_policy=trust({"AWS": "arn:aws:iam::111122223333:root"}),
        acting=root_acting,
    )
    response = root_client.get(reverse("policies:role_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "AWS Service: ec2" in html
    assert "Account: 111122223333" in html
    assert 'id="role-table"' in html and "<h1>Roles</h1>" in html


def test_roles_list_search_fragment(root_client, account, root_acting, role):
    role_create(account=account, name="lambda-logs", trust_policy=EC2_TRUST, acting=root_acting)
    response = root_client.get(
        reverse("policies:role_list"), {"q": "lambda"}, headers={**HX, "HX-Target": "role-table"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="role-table"')
    assert "lambda-logs" in html and "ec2-s3-read" not in html
    assert "<h1>" not in html


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            trust({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}),
            ["AWS Service: ec2", "AWS Service: lambda"],
        ),
        (trust({"AWS": "123456789012"}), ["Account: 123456789012"]),
        (
            trust(
                {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}
            ),
            ["Identity Provider: oidc-provider/token.actions.githubusercontent.com"],
        ),
        (trust({"Federated": "accounts.google.com"}), ["Identity Provider: accounts.google.com"]),
        ("not json", []),
    ],
)
def test_trusted_entities_as_the_console_words_them(document, expected):
    assert trusted_entities(document) == expected


def test_roles_list_pages_through_a_thousand_roles(root_client, account):
    # Its queries do not grow with the roles: tests/policies/test_queries.py.
    Role.objects.bulk_create(
        [Role(account=account, name=f"role-{index:04d}", trust_policy=EC2_TRUST) for index in range(1000)]
    )
    response = root_client.get(reverse("policies:role_list"), {"page": 3})
    assert response.status_code == 200
    assert "role-0040" in response.content.decode()
    assert "(1000)" in response.content.decode()


def test_role_detail_tabs(root_client, role, account):
    PolicyAttachment.objects.create(policy=s3_read_only(), role=role)
    InlinePolicy.objects.create(role=role, name="logs", document="{}")
    InstanceProfile.objects.create(account=account, name="ec2-s3-read", role=role)
    url = reverse("policies:role_detail", args=[role.name])
    html = root_client.get(url).content.decode()
    assert role.arn in html
    assert f"arn:aws:iam::{account.id}:instance-profile/ec2-s3-read" in html
    assert 'id="role-permissions"' in html and "AmazonS3ReadOnlyAccess" in html and "logs" in html
    assert "1 hour" in html

    fragment = root_client.get(
        url, {"tab": "trust"}, headers={**HX, "HX-Target": "role-tab"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="role-tab"')
    assert "&quot;Service&quot;: &quot;ec2.amazonaws.com&quot;" in fragment
    assert "Edit trust policy" in fragment


def test_service_linked_role_page_offers_no_trust_edit(root_client, account, root_acting):
    role = service_linked_role_create(
        account=account, aws_service_name="ecs.amazonaws.com", acting=root_acting
    )
    url = reverse("policies:role_detail", args=[role.name])
    html = root_client.get(url, {"tab": "trust"}).content.decode()
    assert "This is a service-linked role." in html
    assert "Edit trust policy" not in html
    assert root_client.get(reverse("policies:role_trust_edit", args=[role.name])).status_code == 404


def test_edit_trust_policy_refuses_then_saves(root_client, role):
    url = reverse("policies:role_trust_edit", args=[role.name])
    page = root_client.get(url)
    assert page.status_code == 200 and "ec2.amazonaws.com" in page.content.decode()

    bad = trust({"Service": "ec2.amazonaws.com"}, action="s3:GetObject")
    response = root_client.post(url, {"policy_document": bad}, headers={**HX, "HX-Target": "trust-editor"})
    assert response.status_code == 422
    assert "AssumeRole policy may only specify STS AssumeRole actions." in response.content.decode()
    role.refresh_from_db()
    assert role.trust_policy == EC2_TRUST

    good = trust({"Service": "lambda.amazonaws.com"})
    response = root_client.post(url, {"policy_document": good}, headers={**HX, "HX-Target": "trust-editor"})
    assert response.status_code == 200
    assert response["HX-Redirect"].endswith("?tab=trust")
    role.refresh_from_db()
    assert role.trust_policy == good


def test_edit_trust_policy_without_htmx_redirects(root_client, role):
    url = reverse("policies:role_trust_edit", args=[role.name])
    response = root_client.post(url, {"policy_document": trust({"Service": "lambda.amazonaws.com"})})
    assert response.status_code == 302


def test_edit_description_and_session(root_client, role):
    url = reverse("policies:role_edit", args=[role.name])
    assert root_client.get(url).status_code == 200
    response = root_client.post(url, {"description": "Reads S3", "max_session_duration": "14400"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.description, role.max_session_duration) == ("Reads S3", 14400)
    response = root_client.post(
        url,
        {"description": "x", "max_session_duration": "custom", "custom_hours": "13"},
        headers={**HX, "HX-Target": "role-edit"},
    )
    assert response.status_code == 422
    assert "Member must have value less than or equal to 43200" in response.content.decode()


def test_tags_tab_saves_the_submitted_set(root_client, role):
    url = reverse("policies:role_tags", args=[role.name])
    response = root_client.post(
        url,
        {"action": "save", "tag_key": ["team", "env"], "tag_value": ["blue", ""]},
        headers={**HX, "HX-Target": "role-tab"},
    )
    assert response.status_code == 200
    assert sorted(role.tags.values_list("key", flat=True)) == ["env", "team"]
    response = root_client.post(
        url,
        {"action": "save", "tag_key": ["a", "A"], "tag_value": ["1", "2"]},
        headers={**HX, "HX-Target": "role-tab"},
    )
    assert response.status_code == 422
    assert "Duplicate tag keys found" in response.content.decode()


def test_delete_asks_for_the_name_then_removes_dependents(root_client, role, account):
    PolicyAttachment.objects.create(policy=s3_read_only(), role=role)
    InstanceProfile.objects.create(account=account, name="ec2-s3-read", role=role)
    url = reverse("policies:role_delete", args=[role.name])
    dialog = root_client.get(url, headers={**HX, "HX-Target": "role-dialog"}).content.decode()
    assert dialog.lstrip().startswith('<div id="role-dialog"')
    response = root_client.post(url, {"confirm": "wrong"}, headers={**HX, "HX-Target": "role-dialog"})
    assert response.status_code == 422
    assert Role.objects.filter(pk=role.pk).exists()
    response = root_client.post(url, {"confirm": role.name})
    assert response.status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    assert InstanceProfile.objects.get(name="ec2-s3-read").role is None


def test_deleting_a_service_linked_role_shows_its_task_status(
    root_client, account, root_acting, django_capture_on_commit_callbacks
):
    role = service_linked_role_create(
        account=account, aws_service_name="ecs.amazonaws.com", acting=root_acting
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = root_client.post(reverse("policies:role_delete", args=[role.name]), {"confirm": role.name})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("policies:role_deletion_status"))
    assert not Role.objects.filter(pk=role.pk).exists()
    status = root_client.get(response["Location"]).content.decode()
    assert "SUCCEEDED" in status and "AWSServiceRoleForECS" in status
    fragment = root_client.get(
        response["Location"], headers={**HX, "HX-Target": "deletion-status"}
    ).content.decode()
    assert fragment.lstrip().startswith('<section id="deletion-status"')


def test_charlie_gets_404_everywhere(charlie_client, role):
    name = role.name
    for url in (
        reverse("policies:role_detail", args=[name]),
        reverse("policies:role_edit", args=[name]),
        reverse("policies:role_trust_edit", args=[name]),
        reverse("policies:role_delete", args=[name]),
    ):
        assert charlie_client.get(url).status_code == 404
    assert (
        charlie_client.post(reverse("policies:role_delete", args=[name]), {"confirm": name}).status_code
        == 404
    )
    assert (
        charlie_client.post(reverse("policies:role_tags", args=[name]), {"tag_key": "x"}).status_code == 404
    )
    assert name not in charlie_client.get(reverse("policies:role_list")).content.decode()
    assert Role.objects.filter(pk=role.pk).exists()
    assert not role.tags.exists()


def test_role_pages_need_a_signed_in_console(client, role):
    response = client.get(reverse("policies:role_list"))
    assert response.status_code == 302


def test_add_role_to_instance_profile_from_its_page(root_client, role):
    url = reverse("policies:role_instance_profile_add", args=[role.name])
    response = root_client.post(url, {"instance_profile": "web"})
    assert response.status_code == 302
    assert InstanceProfile.objects.get(name="web").role == role
    assert AuditEvent.objects.filter(event_name="AddRoleToInstanceProfile").exists()
    response = root_client.post(url, {"instance_profile": "web"}, follow=True)
    assert "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1" in response.content.decode()
