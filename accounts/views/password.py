"""A signed-in identity changes its own console password (root, or an IAM user: ChangePassword)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.forms import NewPasswordForm
from accounts.services.accounts import root_password_change
from accounts.services.passwords import user_password_change
from aws.errors import AWSError
from console.http import http_methods
from console.session import console_login_required


def _security_credentials_url(acting):
    if acting.is_root:
        return reverse("accounts:root_security_credentials")
    return reverse("accounts:user_detail", args=[acting.user.name]) + "?tab=security_credentials"


@console_login_required
@never_cache
@http_methods("GET", "POST")
def change_password(request):
    acting = request.acting
    if acting.is_role_session:
        # A role has no password: the console's own identity changes it, after switching back.
        messages.error(request, "A role session has no console password. Switch back to change yours.")
        return redirect("dashboard")
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        old, new = form.cleaned_data["old_password"], form.cleaned_data["new_password"]
        try:
            if acting.is_root:
                root_password_change(
                    account=acting.account, old_password=old, new_password=new, acting=acting
                )
            else:
                user_password_change(user=acting.user, old_password=old, new_password=new, acting=acting)
        except AWSError as error:
            form.add_error("old_password" if error.code == "InvalidInput" else "new_password", error.message)
        else:
            messages.success(request, "Your password has been changed.")
            return redirect(_security_credentials_url(acting))
    back = _security_credentials_url(acting)
    context = {
        "form": form,
        "back_url": back,
        "breadcrumbs": [
            ("IAM", reverse("dashboard")),
            ("Security credentials", back),
            ("Change password", None),
        ],
    }
    return render(request, "accounts/password_change.html", context)
