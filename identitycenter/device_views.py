"""The access portal's device authorization page (sso-oidc's verificationUri): a signed-in portal user
confirms the code `aws sso login` shows, then allows the CLI to act for them; its CreateToken then
gets the access token of that user. Signed out, the portal's sign-in comes first and returns here
with the code."""

from django import forms
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from console.http import http_methods

from . import portal, tokens


class UserCodeForm(forms.Form):
    user_code = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def _page(request, step, **context):
    user = request.portal_user
    context = {"instance": user.instance, "portal_user": user, "step": step, **context}
    return render(request, "identitycenter/portal/device.html", context)


@never_cache
@http_methods("GET", "POST")
@portal.portal_login_required
def device(request, identity_store_id):
    if request.method == "GET":
        return _page(
            request, "code", form=UserCodeForm(initial={"user_code": request.GET.get("user_code", "")})
        )
    form = UserCodeForm(request.POST)
    if not form.is_valid():
        return _page(request, "code", form=form)
    code = form.cleaned_data["user_code"]
    try:
        if request.POST.get("action") == "allow":
            authorization = tokens.device_approve(user=request.portal_user, user_code=code)
            return _page(request, "approved", authorization=authorization)
        authorization = tokens.pending_authorization(instance=request.portal_user.instance, user_code=code)
    except tokens.UserCodeInvalid as error:
        form.add_error("user_code", error.message)
        return _page(request, "code", form=form)
    return _page(request, "allow", authorization=authorization)
