from django.urls import path

from .views import mfa, password, settings, signin, switch_role

# Every step below /signin/ has two or more path segments: a single segment is an account ID or
# alias (`/signin/<account>`), and an alias such as "mfa" must not shadow a step.
urlpatterns = [
    path("signup", signin.signup, name="signup"),
    path("signin", signin.signin, name="signin"),
    path("signin/root/password", signin.signin_root_password, name="signin_root_password"),
    path("signin/step/mfa", signin.signin_mfa, name="signin_mfa"),
    path("signin/step/new-password", signin.signin_new_password, name="signin_new_password"),
    path("signin/password/forgot", signin.forgot_password, name="forgot_password"),
    path("signin/password/reset/<str:uidb64>/<str:token>", signin.reset_password, name="reset_password"),
    path("signin/<str:account_identifier>", signin.signin, name="signin_account"),
    path("signout", signin.signout, name="signout"),
    path("account-settings/", settings.account_settings, name="account_settings"),
    path("account-settings/password-policy/", settings.password_policy_edit, name="password_policy_edit"),
    path("account-settings/alias/", settings.account_alias_edit, name="account_alias_edit"),
    path("account-settings/alias/delete/", settings.account_alias_remove, name="account_alias_delete"),
    path("security-credentials/", mfa.root_security_credentials, name="root_security_credentials"),
    path("security-credentials/password/", password.change_password, name="change_password"),
    path("security-credentials/mfa/assign/", mfa.root_mfa_assign, name="root_mfa_assign"),
    path("security-credentials/mfa/<int:pk>/remove/", mfa.root_mfa_remove, name="root_mfa_remove"),
    path("security-credentials/mfa/<int:pk>/resync/", mfa.root_mfa_resync, name="root_mfa_resync"),
    path("switchrole", switch_role.switch_role, name="switch_role"),
    path("switchrole/back", switch_role.switch_role_back, name="switch_back"),
    path("switchrole/recent", switch_role.switch_role_recent, name="switch_role_recent"),
]
