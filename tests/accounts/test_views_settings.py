import pytest
from django.urls import reverse

from accounts.models import Account, AuditEvent, PasswordPolicy
from accounts.services.accounts import account_alias_set
from accounts.services.passwords import password_policy_update

pytestmark = pytest.mark.django_db

SETTINGS = reverse("accounts:account_settings")
EDIT_POLICY = reverse("accounts:password_policy_edit")
ALIAS = reverse("accounts:account_alias_edit")
ALIAS_DELETE = reverse("accounts:account_alias_delete")
HTMX = {"HX-Request": "true", "HX-Target": "account-alias-form"}


def _custom(**overrides):
    return {
        "mode": "custom",
        "minimum_password_length": "12",
        "require_uppercase_characters": "on",
        "require_numbers": "on",
        "expire_passwords": "on",
        "max_password_age": "90",
        "allow_users_to_change_password": "on",
        "prevent_reuse": "on",
        "password_reuse_prevention": "5",
        **overrides,
    }


# --- account settings page -------------------------------------------------------------------------


def test_settings_page_shows_the_default_policy_and_is_in_the_navigation(root_client, account):
    html = root_client.get(SETTINGS).content.decode()

    assert "<h1>Account settings</h1>" in html
    assert 'class="active" aria-current="page">Account settings</a>' in html
    assert "This AWS account uses the following default password policy:" in html
    assert "<li>Minimum password length is 8 characters</li>" in html
    assert "Must not be identical to your AWS account name or email address" in html
    assert f"http://testserver/signin/{account.id}" in html


def test_settings_page_lists_a_custom_policy(root_client, account, root_acting):
    password_policy_update(
        account=account,
        minimum_password_length=14,
        require_symbols=True,
        max_password_age=90,
        hard_expiry=True,
        password_reuse_prevention=24,
        acting=root_acting,
    )

    html = root_client.get(SETTINGS).content.decode()

    assert "This AWS account uses the following custom password policy:" in html
    for line in (
        "Minimum password length is 14 characters",
        "Require at least one non-alphanumeric character",
        "Password expires in 90 day(s)",
        "Password expiration requires administrator reset",
        "Users cannot change their own password",
        "Remember last 24 password(s) and prevent reuse",
    ):
        assert line in html


def test_settings_page_shows_only_the_signed_in_account(
    charlie_client, account, charlie_account, root_acting
):
    password_policy_update(account=account, minimum_password_length=14, acting=root_acting)
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)

    html = charlie_client.get(SETTINGS).content.decode()

    assert "default password policy" in html
    assert "alice-sandbox" not in html and account.id not in html
    assert charlie_account.id in html


def test_settings_pages_need_a_signed_in_identity(client):
    for url in (SETTINGS, EDIT_POLICY, ALIAS):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/signin?next=")
    assert client.post(ALIAS_DELETE).status_code == 302


# --- edit password policy ---------------------------------------------------------------------------


def test_edit_page_uses_the_consoles_wording(root_client):
    html = root_client.get(EDIT_POLICY).content.decode()

    assert "<h1>Edit password policy</h1>" in html
    for text in (
        "IAM default",
        "Custom",
        "Enforce a minimum length of characters.",
        "Require at least one uppercase letter from the Latin alphabet (A-Z)",
        "Require at least one lowercase letter from the Latin alphabet (a-z)",
        "Require at least one number",
        "Require at least one non-alphanumeric character",
        "Turn on password expiration",
        "Password expiration requires administrator reset",
        "Allow users to change their own password",
        "Prevent password reuse",
        "Save changes",
    ):
        assert text in html
    assert 'value="default" id="id_mode_0" required checked' in html


def test_saving_a_custom_policy(root_client, account):
    response = root_client.post(EDIT_POLICY, _custom())

    assert response.status_code == 302 and response.url == SETTINGS
    policy = PasswordPolicy.objects.get(account=account)
    assert policy.minimum_password_length == 12
    assert policy.require_uppercase_characters and policy.require_numbers
    assert not policy.require_symbols and not policy.require_lowercase_characters
    assert (policy.max_password_age, policy.password_reuse_prevention) == (90, 5)
    assert policy.allow_users_to_change_password and not policy.hard_expiry
    assert "Password policy updated." in root_client.get(SETTINGS).content.decode()
    html = root_client.get(EDIT_POLICY).content.decode()
    assert 'value="custom" id="id_mode_1" required checked' in html
    assert 'name="minimum_password_length" id="id_minimum_password_length" value="12"' in html


def test_unchecked_expiry_and_reuse_mean_none(root_client, account):
    data = _custom()
    del data["expire_passwords"], data["prevent_reuse"]

    root_client.post(EDIT_POLICY, data)

    policy = PasswordPolicy.objects.get(account=account)
    assert policy.max_password_age is None and policy.password_reuse_prevention is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"minimum_password_length": "5"},
            "1 validation error detected: Value &#x27;5&#x27; at &#x27;minimumPasswordLength&#x27; failed to "
            "satisfy constraint: Member must have value greater than or equal to 6",
        ),
        (
            {"max_password_age": "1096"},
            "1 validation error detected: Value &#x27;1096&#x27; at &#x27;maxPasswordAge&#x27; failed to "
            "satisfy constraint: Member must have value less than or equal to 1095",
        ),
        (
            {"password_reuse_prevention": "0"},
            "Member must have value greater than or equal to 1",
        ),
        ({"minimum_password_length": ""}, "Enter a minimum length."),
    ],
)
def test_out_of_range_values_show_aws_messages_and_save_nothing(root_client, account, overrides, message):
    response = root_client.post(EDIT_POLICY, _custom(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PasswordPolicy.objects.filter(account=account).exists()


def test_choosing_iam_default_deletes_the_custom_policy(root_client, account, root_acting):
    password_policy_update(account=account, minimum_password_length=14, acting=root_acting)

    response = root_client.post(EDIT_POLICY, {"mode": "default"})

    assert response.url == SETTINGS
    assert not PasswordPolicy.objects.filter(account=account).exists()
    assert AuditEvent.objects.filter(event_name="DeleteAccountPasswordPolicy", error_code="").count() == 1


def test_iam_default_without_a_policy_changes_nothing(root_client, account):
    root_client.post(EDIT_POLICY, {"mode": "default"})

    assert not AuditEvent.objects.filter(event_name="DeleteAccountPasswordPolicy").exists()


def test_policy_edit_touches_only_the_signed_in_account(
    charlie_client, account, charlie_account, root_acting
):
    password_policy_update(account=account, minimum_password_length=14, acting=root_acting)

    charlie_client.post(EDIT_POLICY, _custom(minimum_password_length="20"))
    charlie_client.post(EDIT_POLICY, {"mode": "default"})

    assert PasswordPolicy.objects.get(account=account).minimum_password_length == 14
    assert not PasswordPolicy.objects.filter(account=charlie_account).exists()


# --- account alias ----------------------------------------------------------------------------------


def test_alias_page_full_and_as_a_fragment(root_client):
    full = root_client.get(ALIAS).content.decode()
    fragment = root_client.get(ALIAS + "?next=/", headers=HTMX).content.decode()

    assert "<h1>Create alias</h1>" in full and "<html" in full
    assert '<div id="account-alias-form"' in full
    assert "<html" not in fragment
    assert fragment.strip().startswith('<div id="account-alias-form"')
    assert 'hx-target="#account-alias-form"' in fragment
    assert "Preferred alias" in fragment
    assert 'name="next" value="/"' in fragment


def test_creating_an_alias(root_client, account):
    response = root_client.post(ALIAS, {"alias": "alice-sandbox"})

    assert response.status_code == 302 and response.url == SETTINGS
    assert Account.objects.get(pk=account.pk).alias == "alice-sandbox"
    html = root_client.get(SETTINGS).content.decode()
    assert "Account alias alice-sandbox saved." in html
    assert "http://testserver/signin/alice-sandbox" in html


def test_creating_an_alias_from_the_dashboard_fragment_reloads_the_dashboard(root_client, account):
    response = root_client.post(ALIAS, {"alias": "alice-sandbox", "next": "/"}, headers=HTMX)

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/"
    assert Account.objects.get(pk=account.pk).alias == "alice-sandbox"


def test_alias_errors_come_back_in_the_fragment(root_client, account):
    response = root_client.post(ALIAS, {"alias": "Bad_Alias", "next": "/"}, headers=HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert "Member must satisfy regular expression pattern" in html
    assert Account.objects.get(pk=account.pk).alias is None


def test_an_alias_taken_by_another_account_is_refused(root_client, account, charlie_account, charlie_acting):
    account_alias_set(account=charlie_account, alias="taken", acting=charlie_acting)

    response = root_client.post(ALIAS, {"alias": "taken"})

    assert "The account alias taken already exists." in response.content.decode()
    assert Account.objects.get(pk=account.pk).alias is None


def test_next_is_limited_to_console_pages(root_client):
    response = root_client.post(ALIAS, {"alias": "alice-sandbox", "next": "https://evil.example/"})

    assert response.url == SETTINGS


def test_deleting_the_alias(root_client, account, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)

    response = root_client.post(ALIAS_DELETE, {"alias": "alice-sandbox", "next": "/"})

    assert response.url == "/"
    assert Account.objects.get(pk=account.pk).alias is None


def test_charlie_cannot_delete_alices_alias(charlie_client, account, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)

    charlie_client.post(ALIAS_DELETE, {"alias": "alice-sandbox"})

    assert Account.objects.get(pk=account.pk).alias == "alice-sandbox"
    event = AuditEvent.objects.get(event_name="DeleteAccountAlias")
    assert event.error_code == "NoSuchEntity"


def test_iam_default_renders_the_custom_fields_hidden(root_client):
    html = root_client.get(EDIT_POLICY).content.decode()

    assert '<div id="custom-policy-fields" data-shown-when="mode=custom" hidden>' in html
    assert (
        '<label class="radio-card selected">\n            <input type="radio" name="mode" value="default"'
        in html
    )


def test_a_custom_policy_renders_its_fields_shown_and_its_card_selected(root_client, account, root_acting):
    password_policy_update(account=account, minimum_password_length=12, acting=root_acting)

    html = root_client.get(EDIT_POLICY).content.decode()

    assert '<div id="custom-policy-fields" data-shown-when="mode=custom">' in html
    assert (
        '<label class="radio-card selected">\n            <input type="radio" name="mode" value="custom"'
        in html
    )
