from django.urls import path

from .views import credentials, groups, users

urlpatterns = [
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
    path("users/<str:name>/mfa/assign/", credentials.user_mfa_assign, name="user_mfa_assign"),
    path("users/<str:name>/mfa/<int:pk>/remove/", credentials.user_mfa_remove, name="user_mfa_remove"),
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
