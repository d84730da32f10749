from django.urls import path

from .views import credentials, events, groups, mfa, password, reports, settings, signin, switch_role, users

app_name = "accounts"

# Sign-up, sign-in (root and IAM users), sign-out, account settings, the root user's credentials and
# switch role.
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

# Users, their credentials and groups.
urlpatterns += [
    path("users/", users.user_list, name="user_list"),
    path("users/create/", users.user_create, name="user_create"),
    path("users/create/cancel/", users.user_create_cancel, name="user_create_cancel"),
    path("users/delete/", users.user_delete_many, name="user_delete_many"),
    path("users/<str:name>/", users.user_detail, name="user_detail"),
    path("users/<str:name>/delete/", users.user_delete, name="user_delete"),
    path("users/<str:name>/groups/", users.user_groups, name="user_groups"),
    path("users/<str:name>/tags/", users.user_tags, name="user_tags"),
    path("users/<str:name>/console-access/", credentials.login_profile_manage, name="login_profile_manage"),
    path(
        "users/<str:name>/console-access/password/",
        credentials.login_profile_password,
        name="login_profile_password",
    ),
    path(
        "users/<str:name>/access-keys/create/", credentials.access_key_create_view, name="access_key_create"
    ),
    path("users/<str:name>/mfa/assign/", mfa.user_mfa_assign, name="user_mfa_assign"),
    path("users/<str:name>/mfa/<int:pk>/remove/", mfa.user_mfa_remove, name="user_mfa_remove"),
    path("access-keys/<str:key_id>/", credentials.access_key_action, name="access_key_action"),
    path("access-keys/<str:key_id>/retrieve/", credentials.access_key_retrieve, name="access_key_retrieve"),
    path("security-credentials/access-keys/", credentials.root_access_keys, name="root_access_keys"),
    path(
        "security-credentials/access-keys/create/",
        credentials.access_key_create_view,
        name="root_access_key_create",
    ),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/create/", groups.group_create, name="group_create"),
    path("groups/delete/", groups.group_delete, name="group_delete"),
    path("groups/<str:name>/", groups.group_detail, name="group_detail"),
    path("groups/<str:name>/add-users/", groups.group_add_users, name="group_add_users"),
    path("groups/<str:name>/remove-users/", groups.group_remove_users, name="group_remove_users"),
]

# Access reports: the credential report and Event history.
urlpatterns += [
    path("credential-report/", reports.credential_report, name="credential_report"),
    path(
        "credential-report/download/", reports.credential_report_download, name="credential_report_download"
    ),
    path("event-history/", events.event_history, name="event_history"),
    path("event-history/download/", events.event_history_download, name="event_history_download"),
]
