"""The create role wizard: trusted entity, permissions, name and review; HTMX steps and full pages."""

import json

import pytest
from django.urls import reverse

from policies.models import InstanceProfile, Role
from policies.services.providers import oidc_provider_create, saml_provider_create

from .roles_helpers import managed_policy, s3_read_only
from .test_providers_services import saml_metadata

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true", "HX-Target": "wizard-step"}
URL = reverse("policies:role_create")


def step(number):
    return f"{URL}?step={number}"


def trust_of(client):
    return json.loads(client.session["role_create_draft"]["trust_policy"])["Statement"][0]


def test_step_one_full_page_and_fragment(root_client):
    page = root_client.get(URL).content.decode()
    assert (
        "Select trusted entity" in page
        and '<h1 class="page-title">' in page
        and "Custom trust policy" in page
    )
    fragment = root_client.get(URL, headers=HX).content.decode()
    assert fragment.lstrip().startswith('<div id="wizard-step"')


def test_ec2_role_through_the_wizard_gets_policy_and_instance_profile(root_client, account):
    policy = s3_read_only()
    response = root_client.post(
        step(1), {"entity_type": "service", "service": "ec2.amazonaws.com"}, headers=HX
    )
    assert response.status_code == 200 and "Add permissions" in response.content.decode()
    assert response["HX-Push-Url"] == step(2)
    assert trust_of(root_client) == {
        "Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    response = root_client.post(step(2), {"policy_arn": [policy.arn], "action": "next"}, headers=HX)
    html = response.content.decode()
    assert "Name, review, and create" in html and "AmazonS3ReadOnlyAccess" in html
    assert "Allows EC2 instances to call AWS services on your behalf." in html
    response = root_client.post(
        step(3), {"name": "ec2-s3-read", "description": "Reads S3", "action": "create"}, headers=HX
    )
    assert response["HX-Redirect"] == reverse("policies:role_detail", args=["ec2-s3-read"])
    role = Role.objects.get(account=account, name="ec2-s3-read")
    assert [attachment.policy for attachment in role.attachments.all()] == [policy]
    assert InstanceProfile.objects.get(account=account, name="ec2-s3-read").role == role
    assert "role_create_draft" not in root_client.session


def test_account_trust_with_external_id_and_mfa(root_client):
    root_client.post(
        step(1),
        {
            "entity_type": "account",
            "account_choice": "another",
            "account_id": "111122223333",
            "require_external_id": "on",
            "external_id": "Unicorn42",
            "require_mfa": "on",
        },
    )
    assert trust_of(root_client) == {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"sts:ExternalId": "Unicorn42"},
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
        },
    }


def test_this_account_is_the_default(root_client, account):
    root_client.post(step(1), {"entity_type": "account", "account_choice": "this"})
    assert trust_of(root_client)["Principal"] == {"AWS": f"arn:aws:iam::{account.id}:root"}


def test_bad_account_id_stays_on_step_one(root_client):
    response = root_client.post(
        step(1), {"entity_type": "account", "account_choice": "another", "account_id": "12"}, headers=HX
    )
    assert response.status_code == 422
    assert "Enter a valid 12-digit AWS account ID." in response.content.decode()


def test_web_identity_with_an_oidc_provider(root_client, account, root_acting):
    provider = oidc_provider_create(
        account=account,
        url="https://token.actions.githubusercontent.com",
        client_ids=["sts.amazonaws.com"],
        acting=root_acting,
    )
    assert "token.actions.githubusercontent.com" in root_client.get(URL).content.decode()
    root_client.post(
        step(1),
        {"entity_type": "web_identity", "web_provider": provider.url, "audience": "sts.amazonaws.com"},
    )
    assert trust_of(root_client) == {
        "Effect": "Allow",
        "Principal": {"Federated": provider.arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
    }


def test_saml_federation_for_console_access(root_client, account, root_acting):
    provider = saml_provider_create(
        account=account, name="corp", metadata_document=saml_metadata(), acting=root_acting
    )
    root_client.post(step(1), {"entity_type": "saml", "saml_provider": "corp", "saml_access": "console"})
    statement = trust_of(root_client)
    assert statement["Principal"] == {"Federated": provider.arn}
    assert statement["Condition"] == {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}


def test_custom_trust_policy_is_validated_on_next(root_client, account):
    bad = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account.id}:user/ghost"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    response = root_client.post(step(1), {"entity_type": "custom", "custom_policy": bad}, headers=HX)
    assert response.status_code == 422
    assert (
        f"Invalid principal in policy: &quot;AWS&quot;:&quot;arn:aws:iam::{account.id}:user/ghost&quot;"
        in response.content.decode()
    )
    assert not root_client.session["role_create_draft"]["trust_policy"]


def test_later_steps_need_a_trusted_entity_first(root_client):
    response = root_client.get(step(3))
    assert "Select trusted entity" in response.content.decode()


def test_boundary_and_tags_reach_the_role(root_client, account):
    boundary = managed_policy(name="developer-boundary", account=account)
    root_client.post(step(1), {"entity_type": "service", "service": "lambda.amazonaws.com"})
    fragment = root_client.get(
        step(2), {"boundary_q": "developer"}, headers={"HX-Request": "true", "HX-Target": "boundary-picker"}
    )
    assert fragment.content.decode().lstrip().startswith('<section class="panel" id="boundary-picker"')
    root_client.post(step(2), {"use_boundary": "1", "boundary_arn": boundary.arn, "action": "next"})
    root_client.post(step(3), {"name": "fn", "action": "add_tag"})
    response = root_client.post(
        step(3), {"name": "fn", "tag_key": "team", "tag_value": "blue", "action": "create"}
    )
    assert response.status_code == 302
    role = Role.objects.get(name="fn")
    assert role.permissions_boundary_arn == boundary.arn
    assert [(tag.key, tag.value) for tag in role.tags.all()] == [("team", "blue")]
    assert not InstanceProfile.objects.exists()  # only EC2 roles get one


def test_duplicate_name_is_shown_on_the_review_step(root_client, account, root_acting):
    from policies.services.roles import role_create

    from .roles_helpers import EC2_TRUST

    role_create(account=account, name="taken", trust_policy=EC2_TRUST, acting=root_acting)
    root_client.post(step(1), {"entity_type": "service", "service": "ec2.amazonaws.com"})
    root_client.post(step(2), {"action": "next"})
    response = root_client.post(step(3), {"name": "TAKEN", "action": "create"}, headers=HX)
    assert response.status_code == 422
    assert "Role with name TAKEN already exists." in response.content.decode()
    assert not InstanceProfile.objects.exists()  # all or nothing


def test_charlie_does_not_see_alices_providers_or_policies(
    charlie_client, account, root_acting, charlie_account, charlie_acting
):
    oidc_provider_create(
        account=account, url="https://alice-idp.example.com", client_ids=["a"], acting=root_acting
    )
    oidc_provider_create(
        account=charlie_account,
        url="https://charlie-idp.example.com",
        client_ids=["c"],
        acting=charlie_acting,
    )
    managed_policy(name="alice-only", account=account)
    managed_policy(name="charlie-only", account=charlie_account)

    first = charlie_client.get(URL)
    assert first.status_code == 200
    assert '<option value="charlie-idp.example.com"' in first.content.decode()
    assert "alice-idp.example.com" not in first.content.decode()
    assert (
        charlie_client.post(step(1), {"entity_type": "service", "service": "ec2.amazonaws.com"}).status_code
        == 302
    )
    second = charlie_client.get(URL, {"step": 2, "q": "-only"})
    assert second.status_code == 200
    assert "charlie-only" in second.content.decode()
    assert "alice-only" not in second.content.decode()


def test_account_id_and_external_id_fields_show_only_when_chosen(root_client):
    root_client.post(step(1), {"entity_type": "account", "account_choice": "this"})
    page = root_client.get(step(1)).content.decode()
    assert '<div class="field" data-shown-when="account_choice=another" hidden>' in page
    assert '<div class="field" data-shown-when="require_external_id" hidden>' in page

    root_client.post(
        step(1),
        {
            "entity_type": "account",
            "account_choice": "another",
            "account_id": "111122223333",
            "require_external_id": "on",
            "external_id": "Unicorn42",
        },
    )
    page = root_client.get(step(1)).content.decode()
    assert '<div class="field" data-shown-when="account_choice=another">' in page
    assert '<div class="field" data-shown-when="require_external_id">' in page


def test_an_external_id_left_in_a_hidden_field_is_not_required(root_client):
    """Unticking "Require external ID" leaves no condition behind, whatever the hidden field holds."""
    root_client.post(
        step(1),
        {
            "entity_type": "account",
            "account_choice": "another",
            "account_id": "111122223333",
            "external_id": "x",
        },
    )
    assert "Condition" not in trust_of(root_client)


@pytest.mark.parametrize(
    ("button", "heading"), [("edit_1", "Select trusted entity"), ("edit_2", "Add permissions")]
)
def test_review_edit_buttons_go_back_to_their_step_keeping_the_choices(root_client, account, button, heading):
    policy = s3_read_only()
    root_client.post(
        step(1), {"entity_type": "account", "account_choice": "another", "account_id": "111122223333"}
    )
    root_client.post(step(2), {"policy_arn": policy.arn, "action": "next"})
    review = root_client.get(step(3)).content.decode()
    assert 'value="edit_1"' in review and 'value="edit_2"' in review

    response = root_client.post(
        step(3), {"name": "auditor", "description": "Reads", "action": button}, headers=HX
    )

    html = response.content.decode()
    assert f'<h1 class="page-title">{heading}</h1>' in html
    draft = root_client.session["role_create_draft"]
    assert (draft["name"], draft["description"], draft["account_id"]) == ("auditor", "Reads", "111122223333")
    assert draft["policies"] == [policy.arn]
    if button == "edit_1":
        assert 'value="111122223333"' in html
    else:
        assert f'value="{policy.arn}"' in html and "checked" in html
    assert not Role.objects.exists()
