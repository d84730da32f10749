"""The AWS access portal's addresses: /start/<identity store ID>/… (AWS's https://d-….awsapps.com/start)."""

from django.urls import path

from . import device_views
from . import portal_views as views

app_name = "sso_portal"

urlpatterns = [
    path("<str:identity_store_id>/", views.start, name="start"),
    path("<str:identity_store_id>/signin", views.signin, name="signin"),
    path("<str:identity_store_id>/signin/password", views.signin_password, name="signin_password"),
    path("<str:identity_store_id>/signin/mfa", views.signin_mfa, name="signin_mfa"),
    path(
        "<str:identity_store_id>/signin/register-mfa", views.signin_register_mfa, name="signin_register_mfa"
    ),
    path(
        "<str:identity_store_id>/signin/new-password", views.signin_new_password, name="signin_new_password"
    ),
    path("<str:identity_store_id>/password-setup/<str:token>", views.password_setup, name="password_setup"),
    path("<str:identity_store_id>/signout", views.signout, name="signout"),
    path(
        "<str:identity_store_id>/console/<str:account_id>/<str:permission_set_id>",
        views.console,
        name="console",
    ),
    path(
        "<str:identity_store_id>/credentials/<str:account_id>/<str:permission_set_id>",
        views.credentials,
        name="credentials",
    ),
    path("<str:identity_store_id>/mfa-devices", views.mfa_devices, name="mfa_devices"),
    # sso-oidc's verificationUri: `aws sso login`'s code, then "Allow access"
    path("<str:identity_store_id>/device", device_views.device, name="device"),
]
