"""The portal's forms: shapes only; the rules are the services' (classrooms/services/people.py) and
the checks' schema (classrooms.checks), whose messages the views put on the form."""

import csv
import io

import yaml
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from classrooms.checks import validate_lab
from classrooms.models import Lab, Template
from classrooms.selectors.portal import labs_for

# As wide as the password fields (the console's style sheet keeps email inputs narrow).
EMAIL = forms.EmailInput(attrs={"style": "width: 480px; max-width: 100%", "autocomplete": "email"})
MAX_CSV_BYTES = 200_000
MAX_INVITES = 500


class SignUpForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254, widget=EMAIL)
    password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password_confirm = forms.CharField(label="Confirm password", widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", "Passwords do not match.")
        return cleaned


class SignInForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254, widget=EMAIL)
    password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254, widget=EMAIL)


class NewPasswordForm(forms.Form):
    password = forms.CharField(label="New password", widget=forms.PasswordInput, strip=False)
    password_confirm = forms.CharField(label="Confirm new password", widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", "Passwords do not match.")
        return cleaned


class AccountLinkForm(forms.Form):
    email = forms.EmailField(label="Root user email address", max_length=254, widget=EMAIL)
    password = forms.CharField(label="Root user password", widget=forms.PasswordInput, strip=False)
    mfa_code = forms.RegexField(
        label="MFA code",
        regex=r"^\d{6}$",
        required=False,
        help_text="Only when the root user has an MFA device: the 6-digit code it shows now.",
        error_messages={"invalid": "Enter the 6-digit code from the MFA device."},
    )


class TemplateForm(forms.Form):
    name = forms.CharField(label="Template name", max_length=128)
    account = forms.ChoiceField(label="Take a snapshot of")

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = {str(link.account_id): link.account for link in links}
        self.fields["account"].choices = [
            (key, f"{account.name} ({account.id})") for key, account in self.links.items()
        ]

    def clean_account(self):
        return self.links[self.cleaned_data["account"]]


class ClassroomForm(forms.Form):
    name = forms.CharField(label="Classroom name", max_length=128)
    seat_limit = forms.IntegerField(label="Seat limit", min_value=1, max_value=500, initial=30)
    ends_at = forms.DateTimeField(
        label="End date",
        required=False,
        help_text="Optional. After it, nobody can join.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    template = forms.ModelChoiceField(
        label="Template", queryset=Template.objects.none(), required=False, empty_label="An empty account"
    )
    labs = forms.CharField(required=False, widget=forms.HiddenInput)  # ids in order, from the checkboxes

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = Template.objects.filter(owner=person)
        self.available_labs = list(labs_for(person))

    def clean_labs(self):
        chosen = self.data.getlist("lab") if hasattr(self.data, "getlist") else []
        by_id = {str(lab.pk): lab for lab in self.available_labs}
        labs = []
        for key in chosen:
            if key not in by_id:
                raise ValidationError("Choose labs from the list.")
            if by_id[key] not in labs:
                labs.append(by_id[key])
        return sorted(labs, key=lambda lab: (self._position(lab, labs), labs.index(lab)))

    def _position(self, lab, labs):
        """The order the instructor typed beside a lab (position-<id>); the list's order otherwise."""
        value = str(self.data.get(f"position-{lab.pk}", "")).strip()
        return int(value) if value.isascii() and value.isdigit() else len(labs) + labs.index(lab)


class ProvisionForm(forms.Form):
    count = forms.IntegerField(label="Number of seats", min_value=1, max_value=500)


class JoinCodeForm(forms.Form):
    code = forms.CharField(label="Join code", max_length=16)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper().replace("-", "").replace(" ", "")


class InviteForm(forms.Form):
    """A CSV of emails (one a row, first column; a header row "email" is skipped)."""

    file = forms.FileField(label="CSV file of email addresses")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(f"The file is too large: at most {MAX_CSV_BYTES // 1000} KB.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text.") from None
        emails, bad = [], []
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            value = (row[0] if row else "").strip()
            if not value or (number == 1 and value.lower() in ("email", "e-mail", "email address")):
                continue
            try:
                validate_email(value)
            except ValidationError:
                bad.append((number, value[:100]))
            else:
                emails.append(value.lower())
        if not emails and not bad:
            raise ValidationError("The file holds no email addresses.")
        if len(emails) > MAX_INVITES:
            raise ValidationError(f"At most {MAX_INVITES} emails at once.")
        self.bad_rows = bad
        return emails


class LabForm(forms.Form):
    title = forms.CharField(label="Title", max_length=128)
    instructions = forms.CharField(
        label="Instructions (Markdown)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "textarea", "style": "min-height: 14em"}),
    )
    checks = forms.CharField(
        label="Checks (YAML)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "json-editor"}),
    )
    pass_percentage = forms.IntegerField(
        label="Pass percentage",
        min_value=1,
        max_value=100,
        initial=100,
        help_text="The lab passes when the checks that pass score at least this share of the points.",
    )

    def clean_checks(self):
        text = self.cleaned_data["checks"]
        try:
            return yaml.safe_load(text) if text.strip() else []
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            raise ValidationError(f"The checks are not valid YAML{where}.") from None

    def clean(self):
        """The lab's schema (classrooms.checks.validate_lab), each problem with its place."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        lab = {
            "slug": "lab",  # the service names the lab; the schema only needs one
            "title": cleaned["title"],
            "pass_percentage": cleaned["pass_percentage"],
            "instructions": cleaned["instructions"],
            "checks": cleaned["checks"],
        }
        for problem in validate_lab(lab):
            self.add_error("checks" if problem.startswith("checks") else None, problem)
        return cleaned

    @staticmethod
    def checks_text(lab: Lab):
        return yaml.safe_dump(lab.checks, sort_keys=False, allow_unicode=True) if lab.checks else ""
