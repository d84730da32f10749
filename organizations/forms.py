"""Forms of the AWS Organizations pages; Organizations' rules stay in the services they call."""

from django import forms

from policies.engine import jsonpos

from .services import ACCOUNT_NAME_MAX, OU_NAME_MAX, POLICY_DESCRIPTION_MAX, POLICY_NAME_MAX, minify


class OrganizationalUnitForm(forms.Form):
    name = forms.CharField(label="Organizational unit name", max_length=OU_NAME_MAX)


class AccountCreateForm(forms.Form):
    name = forms.CharField(label="AWS account name", max_length=ACCOUNT_NAME_MAX)
    email = forms.EmailField(label="Email address of the account's owner", max_length=64)


class InviteForm(forms.Form):
    target = forms.CharField(label="Email address or account ID of the AWS account to invite", max_length=254)
    notes = forms.CharField(
        label="Message to include in the invitation email - optional",
        required=False,
        max_length=1024,
        widget=forms.Textarea(attrs={"rows": 3, "class": "textarea"}),
    )


class MoveForm(forms.Form):
    destination = forms.ChoiceField(label="Destination")

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = choices


class PolicyForm(forms.Form):
    name = forms.CharField(label="Policy name", max_length=POLICY_NAME_MAX)
    description = forms.CharField(
        label="Policy description - optional",
        required=False,
        max_length=POLICY_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "textarea"}),
    )
    content = forms.CharField(
        label="Policy",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "code-input", "spellcheck": "false"}),
    )

    def clean_content(self):
        # The console minifies the JSON before it saves (its quota counts white space).
        content = self.cleaned_data["content"]
        try:
            jsonpos.loads(content)
        except ValueError:
            return content  # the service's validator words the refusal
        return minify(content)
