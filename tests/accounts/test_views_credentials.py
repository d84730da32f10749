from django.contrib.auth.hashers import check_password
from django.urls import reverse

from access.crypto import decrypt
from accounts.models import AccessKey, LoginProfile
from accounts.services.access_keys import access_key_create


def hx(target):
    return {"HX-Request": "true", "HX-Target": target}


def _create_key(client, name="bob", **data):
    """Step 2's Create, with step 1's answers carried as the page carries them."""
    return client.post(
        reverse("accounts:access_key_create", args=[name]),
        {"step": "2", "use_case": "cli", "confirm": "1", "action": "create", **data},
    )


def test_access_key_secret_is_shown_once(root_client, bob):
    form = root_client.get(reverse("accounts:access_key_create", args=["bob"])).content.decode()
    assert "Access key best practices &amp; alternatives" in form and "Command Line Interface (CLI)" in form

    response = _create_key(root_client, description="laptop")
    key = AccessKey.objects.get(user=bob)
    assert response["Location"] == reverse("accounts:access_key_retrieve", args=[key.access_key_id])

    first = root_client.get(response["Location"])
    html = first.content.decode()
    secret = decrypt(key.secret_encrypted)
    assert secret in html and "Download .csv file" in html
    assert "This is the only time that the secret access key can be viewed or downloaded." in html
    assert first["Cache-Control"] == "no-store"
    again = root_client.get(response["Location"]).content.decode()
    assert secret not in again and 'data-testid="secret-gone"' in again
    assert [(t.key, t.value) for t in bob.tags.all()] == [(key.access_key_id, "laptop")]


def test_an_invalid_description_creates_no_key(root_client, bob):
    response = _create_key(root_client, description="alice's laptop")
    assert response.status_code == 422
    assert "Member must satisfy regular expression pattern" in response.content.decode()
    assert not AccessKey.objects.exists()


def test_a_third_key_is_refused_with_awss_message(root_client, account, bob, root_acting):
    access_key_create(account=account, user=bob, acting=root_acting)
    access_key_create(account=account, user=bob, acting=root_acting)
    response = _create_key(root_client)
    assert response.status_code == 422
    assert "Cannot exceed quota for AccessKeysPerUser: 2" in response.content.decode()
    tab = root_client.get(reverse("accounts:user_detail", args=["bob"]), {"tab": "security_credentials"})
    assert "Create access key</button>" in tab.content.decode()  # disabled at the limit


def test_keys_are_deactivated_activated_and_deleted(root_client, account, bob, root_acting):
    key, _ = access_key_create(account=account, user=bob, acting=root_acting)
    url = reverse("accounts:access_key_action", args=[key.access_key_id])

    fragment = root_client.post(url, {"action": "deactivate"}, headers=hx("access-keys")).content.decode()
    assert fragment.lstrip().startswith('<section id="access-keys"')
    key.refresh_from_db()
    assert key.status == "Inactive"

    response = root_client.post(url, {"action": "activate"})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.status == "Active"

    root_client.post(url, {"action": "delete", "confirm": "wrong"})
    assert AccessKey.objects.filter(pk=key.pk).exists()
    root_client.post(url, {"action": "delete", "confirm": key.access_key_id})
    assert not AccessKey.objects.filter(pk=key.pk).exists()


def test_root_access_keys_page_and_partial(root_client, account):
    url = reverse("accounts:root_access_keys")
    page = root_client.get(url).content.decode()
    assert "<html" in page and "Root user access keys are not recommended." in page
    fragment = root_client.get(url, headers=hx("access-keys")).content.decode()
    assert fragment.lstrip().startswith('<section id="access-keys"')

    refused = root_client.post(reverse("accounts:root_access_key_create"), {"use_case": "cli"})
    assert refused.status_code == 422
    assert not AccessKey.objects.exists()
    created = root_client.post(
        reverse("accounts:root_access_key_create"), {"use_case": "cli", "confirm_root": "1"}
    )
    key = AccessKey.objects.get(account=account, user=None)
    assert created["Location"] == reverse("accounts:access_key_retrieve", args=[key.access_key_id])
    assert decrypt(key.secret_encrypted) in root_client.get(created["Location"]).content.decode()


def test_iam_users_cannot_reach_root_keys(client, account, bob, sign_in_as):
    sign_in_as(client, account, bob)
    assert client.get(reverse("accounts:root_access_keys")).status_code == 404
    assert client.post(reverse("accounts:root_access_key_create"), {"use_case": "cli"}).status_code == 404


def test_enable_console_access_with_a_custom_password(root_client, bob):
    url = reverse("accounts:login_profile_manage", args=["bob"])
    assert "Manage console access" in root_client.get(url).content.decode()

    weak = root_client.post(url, {"access": "enable", "password_type": "custom", "password": "weak"})
    assert weak.status_code == 422
    assert "Password should have a minimum length of 8" in weak.content.decode()

    response = root_client.post(
        url,
        {"access": "enable", "password_type": "custom", "password": "Bobs-Secret-99", "reset_required": "1"},
    )
    assert response["Location"] == reverse("accounts:login_profile_password", args=["bob"])
    profile = LoginProfile.objects.get(user=bob)
    assert check_password("Bobs-Secret-99", profile.password) and profile.password_reset_required
    shown = root_client.get(response["Location"]).content.decode()
    assert "Bobs-Secret-99" in shown
    assert "Bobs-Secret-99" not in root_client.get(response["Location"]).content.decode()


def test_reset_autogenerates_and_disable_removes_the_profile(root_client, bob):
    LoginProfile.objects.create(user=bob, password="old-hash")
    url = reverse("accounts:login_profile_manage", args=["bob"])

    root_client.post(url, {"access": "enable", "password_type": "autogenerated"})
    profile = LoginProfile.objects.get(user=bob)
    assert profile.password != "old-hash" and not profile.password_reset_required

    root_client.post(url, {"access": "enable", "password_type": "keep", "reset_required": "1"})
    profile.refresh_from_db()
    assert profile.password_reset_required

    root_client.post(url, {"access": "disable"})
    assert not LoginProfile.objects.filter(user=bob).exists()


def test_security_credentials_tab_lists_mfa_devices_read_only(root_client, account, bob):
    from accounts.models import MFADevice

    MFADevice.objects.create(account=account, user=bob, name="bob-phone", seed_encrypted="x")
    html = root_client.get(
        reverse("accounts:user_detail", args=["bob"]), {"tab": "security_credentials"}, headers=hx("user-tab")
    ).content.decode()
    assert f"arn:aws:iam::{account.id}:mfa/bob-phone" in html
    assert "Console sign-in" in html


def test_the_access_keys_partial_loads_itself_where_keys_were_not_given(db):
    from django.template.loader import render_to_string

    html = render_to_string("accounts/access_keys.html#access-keys", {})
    assert 'hx-get="/security-credentials/access-keys/"' in html and 'hx-trigger="load"' in html


def test_step_one_offers_the_use_cases_with_their_alternatives_and_the_confirmation(root_client, bob):
    html = root_client.get(reverse("accounts:access_key_create", args=["bob"])).content.decode()

    for label in (
        "Command Line Interface (CLI)",
        "Local code",
        "Application running on an AWS compute service",
        "Third-party service",
        "Application running outside AWS",
        "Other",
    ):
        assert f"<span>{label}<span" in html
    assert html.count("<strong>Alternatives recommended</strong>") == 5  # every use case but Other
    assert 'data-shown-when="use_case=cli" hidden>' in html
    assert "Use AWS CloudShell, a browser-based CLI, to run commands." in html
    assert "I understand the above recommendation and want to proceed to create an access key." in html
    assert ">Next</button>" in html and "Set description tag" in html


def test_next_without_the_confirmation_stays_on_step_one(root_client, bob):
    url = reverse("accounts:access_key_create", args=["bob"])

    response = root_client.post(url, {"use_case": "cli"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "Confirm that you understand the recommendation" in html
    assert 'data-shown-when="use_case=cli">' in html  # the chosen use case's alternatives stay shown
    assert not AccessKey.objects.exists()


def test_next_goes_to_the_description_step_and_previous_comes_back(root_client, bob):
    url = reverse("accounts:access_key_create", args=["bob"])

    step_two = root_client.post(url, {"use_case": "local", "confirm": "1"})

    html = step_two.content.decode()
    assert step_two.status_code == 200 and not AccessKey.objects.exists()
    assert '<h1 class="page-title">Set description tag - <em>optional</em></h1>' in html
    assert '<input type="hidden" name="use_case" value="local">' in html
    back = root_client.post(url, {"step": "2", "use_case": "local", "confirm": "1", "action": "previous"})
    assert 'value="local" checked' in back.content.decode()
    assert not AccessKey.objects.exists()


def test_step_two_checks_step_ones_answers_again(root_client, bob):
    response = root_client.post(
        reverse("accounts:access_key_create", args=["bob"]),
        {"step": "2", "use_case": "cli", "action": "create"},
    )
    assert response.status_code == 422 and not AccessKey.objects.exists()


def test_the_description_is_a_user_tag_keyed_by_the_access_key_id(root_client, bob):
    _create_key(root_client, description="CI runner")

    key = AccessKey.objects.get(user=bob)
    assert [(t.key, t.value) for t in bob.tags.all()] == [(key.access_key_id, "CI runner")]


def test_without_a_description_no_tag_is_added(root_client, bob):
    _create_key(root_client, description="")

    assert AccessKey.objects.filter(user=bob).exists() and not bob.tags.exists()
