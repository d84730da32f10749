"""IAM Identity Center's console pages, under /identity-center/."""

from django.urls import path

from .views import accounts, dashboard, groups, permission_sets, users

app_name = "identitycenter"

urlpatterns = [
    path("identity-center/", dashboard.dashboard, name="dashboard"),
    path("identity-center/enable/", dashboard.enable, name="enable"),
    path("identity-center/settings/", dashboard.settings, name="settings"),
    path("identity-center/users/", users.user_list, name="user_list"),
    path("identity-center/users/add/", users.user_create, name="user_create"),
    path("identity-center/users/<str:user_id>/", users.user_detail, name="user_detail"),
    path("identity-center/users/<str:user_id>/delete/", users.user_delete, name="user_delete"),
    path("identity-center/groups/", groups.group_list, name="group_list"),
    path("identity-center/groups/create/", groups.group_create, name="group_create"),
    path("identity-center/groups/<str:group_id>/", groups.group_detail, name="group_detail"),
    path("identity-center/groups/<str:group_id>/delete/", groups.group_delete, name="group_delete"),
    path("identity-center/accounts/", accounts.account_list, name="accounts"),
    path("identity-center/accounts/assign/", accounts.assign, name="assign"),
    path("identity-center/accounts/<str:account_id>/", accounts.account_detail, name="account_detail"),
    path("identity-center/permission-sets/", permission_sets.permission_set_list, name="permission_set_list"),
    path(
        "identity-center/permission-sets/create/",
        permission_sets.permission_set_create,
        name="permission_set_create",
    ),
    path(
        "identity-center/permission-sets/<str:permission_set_id>/",
        permission_sets.permission_set_detail,
        name="permission_set_detail",
    ),
    path(
        "identity-center/permission-sets/<str:permission_set_id>/edit/",
        permission_sets.permission_set_edit,
        name="permission_set_edit",
    ),
    path(
        "identity-center/permission-sets/<str:permission_set_id>/policies/",
        permission_sets.permission_set_policies,
        name="permission_set_policies",
    ),
    path(
        "identity-center/permission-sets/<str:permission_set_id>/provision/",
        permission_sets.permission_set_provision,
        name="permission_set_provision",
    ),
    path(
        "identity-center/permission-sets/<str:permission_set_id>/delete/",
        permission_sets.permission_set_delete,
        name="permission_set_delete",
    ),
]
