"""The accounts app's forms: sign-up, sign-in, account settings and MFA; users and groups. They check
shapes only; the rules (password policy, names, limits) are the services', whose messages the views put
on the form."""

from django import forms

from accounts.models import Group, IAMUser
from accounts.services.passwords import POLICY_RANGES, password_check
from aws.errors import AWSError
from aws.names import validate_name


class SignUpForm(forms.Form):
    email = forms.EmailField(label="Root user email address", max_length=254)
    account_name = forms.CharField(label="AWS account name", max_length=50)
    password = forms.CharField(label="Root user password", widget=forms.PasswordInput, strip=False)
    password_confirm = forms.CharField(
        label="Confirm root user password", widget=forms.PasswordInput, strip=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", "Passwords do not match.")
        return cleaned


class RootEmailForm(forms.Form):
    email = forms.EmailField(label="Root user email address", max_length=254)


class RootPasswordForm(forms.Form):
    password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)


class IAMUserSignInForm(forms.Form):
    account = forms.CharField(label="Account ID (12 digits) or account alias", max_length=63)
    user_name = forms.CharField(label="IAM username", max_length=64)
    password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)


class MFACodeForm(forms.Form):
    code = forms.CharField(
        label="MFA code",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class NewPasswordForm(forms.Form):
    old_password = forms.CharField(label="Old password", widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(label="New password", widget=forms.PasswordInput, strip=False)
    new_password_confirm = forms.CharField(
        label="Retype new password", widget=forms.PasswordInput, strip=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password") and cleaned.get("new_password") != cleaned.get("new_password_confirm"):
            self.add_error("new_password_confirm", "Passwords do not match.")
        return cleaned


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)


class ResetPasswordForm(forms.Form):
    password = forms.CharField(label="New password", widget=forms.PasswordInput, strip=False)
    password_confirm = forms.CharField(label="Confirm new password", widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", "Passwords do not match.")
        return cleaned


class AccountAliasForm(forms.Form):
    alias = forms.CharField(label="Preferred alias", max_length=100, strip=True)


class PasswordPolicyForm(forms.Form):
    """The console's "Edit password policy" page: IAM default or Custom, and the custom settings."""

    MODE_DEFAULT = "default"
    MODE_CUSTOM = "custom"

    mode = forms.ChoiceField(
        choices=[(MODE_DEFAULT, "IAM default"), (MODE_CUSTOM, "Custom")],
        widget=forms.RadioSelect,
        initial=MODE_DEFAULT,
    )
    # No min/max here: the service refuses out-of-range values in AWS's words.
    minimum_password_length = forms.IntegerField(label="Password minimum length", initial=8, required=False)
    require_uppercase_characters = forms.BooleanField(
        label="Require at least one uppercase letter from the Latin alphabet (A-Z)", required=False
    )
    require_lowercase_characters = forms.BooleanField(
        label="Require at least one lowercase letter from the Latin alphabet (a-z)", required=False
    )
    require_numbers = forms.BooleanField(label="Require at least one number", required=False)
    require_symbols = forms.BooleanField(
        label="Require at least one non-alphanumeric character ( ! @ # $ % ^ & * ( ) _ + - = [ ] { } | ' )",
        required=False,
    )
    expire_passwords = forms.BooleanField(label="Turn on password expiration", required=False)
    max_password_age = forms.IntegerField(label="Expire passwords in day(s)", initial=90, required=False)
    hard_expiry = forms.BooleanField(label="Password expiration requires administrator reset", required=False)
    allow_users_to_change_password = forms.BooleanField(
        label="Allow users to change their own password", required=False
    )
    prevent_reuse = forms.BooleanField(label="Prevent password reuse", required=False)
    password_reuse_prevention = forms.IntegerField(label="Remember password(s)", initial=5, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == self.MODE_CUSTOM and cleaned.get("minimum_password_length") is None:
            self.add_error("minimum_password_length", "Enter a minimum length.")
        if cleaned.get("expire_passwords") and cleaned.get("max_password_age") is None:
            self.add_error("max_password_age", "Enter the number of days.")
        if cleaned.get("prevent_reuse") and cleaned.get("password_reuse_prevention") is None:
            self.add_error("password_reuse_prevention", "Enter the number of passwords.")
        return cleaned

    def service_kwargs(self):
        """The keyword arguments of password_policy_update for a custom policy."""
        data = self.cleaned_data
        return {
            "minimum_password_length": data["minimum_password_length"],
            "require_uppercase_characters": data["require_uppercase_characters"],
            "require_lowercase_characters": data["require_lowercase_characters"],
            "require_numbers": data["require_numbers"],
            "require_symbols": data["require_symbols"],
            "max_password_age": data["max_password_age"] if data["expire_passwords"] else None,
            "hard_expiry": data["hard_expiry"] if data["expire_passwords"] else False,
            "allow_users_to_change_password": data["allow_users_to_change_password"],
            "password_reuse_prevention": data["password_reuse_prevention"] if data["prevent_reuse"] else None,
        }

    # Which field shows a service ValidationError that names an API parameter.
    PARAMETER_FIELDS = {parameter: field for field, (parameter, _, _) in POLICY_RANGES.items()}

    @classmethod
    def initial_for(cls, policy):
        if policy is None:
            return {"mode": cls.MODE_DEFAULT}
        return {
            "mode": cls.MODE_CUSTOM,
            "minimum_password_length": policy.minimum_password_length,
            "require_uppercase_characters": policy.require_uppercase_characters,
            "require_lowercase_characters": policy.require_lowercase_characters,
            "require_numbers": policy.require_numbers,
            "require_symbols": policy.require_symbols,
            "expire_passwords": policy.max_password_age is not None,
            "max_password_age": policy.max_password_age or 90,
            "hard_expiry": policy.hard_expiry,
            "allow_users_to_change_password": policy.allow_users_to_change_password,
            "prevent_reuse": policy.password_reuse_prevention is not None,
            "password_reuse_prevention": policy.password_reuse_prevention or 5,
        }


class MFADeviceNameForm(forms.Form):
    name = forms.CharField(
        label="Device name",
        max_length=226,
        help_text="Enter a meaningful name to identify this device. "
        "Use alphanumeric and '+ = , . @ - _' characters.",
    )


class MFACodesForm(forms.Form):
    code1 = forms.CharField(
        label="MFA code 1",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    code2 = forms.CharField(
        label="MFA code 2",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


PASSWORD_TYPES = [("autogenerated", "Autogenerated password"), ("custom", "Custom password")]


def _aws_check(check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except AWSError as exc:
        raise forms.ValidationError(exc.message) from exc


class UserDetailsForm(forms.Form):
    """Step 1 of the create user wizard."""

    name = forms.CharField(label="User name", required=False, max_length=200, strip=False)
    console_access = forms.BooleanField(
        label="Provide user access to the AWS Management Console - optional", required=False
    )
    password_type = forms.ChoiceField(
        choices=PASSWORD_TYPES, widget=forms.RadioSelect, required=False, initial="autogenerated"
    )
    password = forms.CharField(
        label="Custom password", required=False, strip=False, widget=forms.PasswordInput(render_value=False)
    )
    reset_required = forms.BooleanField(
        label="Users must create a new password at next sign-in - Recommended", required=False
    )

    def __init__(self, *args, account, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.draft = draft or {}

    def clean_name(self):
        name = self.cleaned_data["name"]
        _aws_check(validate_name, name, field="userName", max_length=64)
        if IAMUser.objects.filter(account=self.account, name__iexact=name).exists():
            raise forms.ValidationError(f"User with name {name} already exists.")
        return name

    def clean_password_type(self):
        return self.cleaned_data["password_type"] or "autogenerated"

    def clean(self):
        data = super().clean()
        if not data.get("console_access") or data.get("password_type") != "custom":
            return data
        password = data.get("password", "")
        if not password and self.draft.get("password_encrypted"):
            return data  # entered on an earlier visit of this step; kept encrypted in the draft
        if not password:
            self.add_error("password", "Enter a custom password.")
            return data

        try:
            password_check(account=self.account, password=password)
        except AWSError as exc:
            self.add_error("password", exc.message)
        return data


class UserPermissionsForm(forms.Form):
    """Step 2: the groups to add the user to (the only permissions option before policies exist)."""

    groups = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        names = Group.objects.filter(account=account).values_list("name", flat=True)
        self.fields["groups"].choices = [(name, name) for name in names]

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        if len(groups) > 10:
            raise forms.ValidationError("Cannot exceed quota for GroupsPerUser: 10")
        return groups


class GroupCreateForm(forms.Form):
    name = forms.CharField(label="User group name", required=False, max_length=300, strip=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_name(self):
        name = self.cleaned_data["name"]
        _aws_check(validate_name, name, field="groupName", max_length=128)
        return name
