# Roles, their instance profiles, and the identity providers that web identity and SAML roles trust.
from django.urls import path

from .views import instance_profiles, providers, roles

urlpatterns = [
    path("roles/", roles.role_list, name="role_list"),
    path("roles/create/", roles.role_create, name="role_create"),
    path("roles/create/cancel/", roles.role_create_cancel, name="role_create_cancel"),
    path("roles/deletion-status/", roles.role_deletion_status, name="role_deletion_status"),
    path("roles/<str:name>/", roles.role_detail, name="role_detail"),
    path("roles/<str:name>/edit/", roles.role_edit, name="role_edit"),
    path("roles/<str:name>/trust-policy/", roles.role_trust_edit, name="role_trust_edit"),
    path("roles/<str:name>/tags/", roles.role_tags, name="role_tags"),
    path("roles/<str:name>/delete/", roles.role_delete, name="role_delete"),
    path("roles/<str:name>/revoke-sessions/", roles.role_revoke_sessions, name="role_revoke_sessions"),
    path(
        "roles/<str:name>/instance-profile/",
        roles.role_instance_profile_add,
        name="role_instance_profile_add",
    ),
    path("instance-profiles/", instance_profiles.instance_profile_list, name="instance_profile_list"),
    path(
        "instance-profiles/create/",
        instance_profiles.instance_profile_create_view,
        name="instance_profile_create",
    ),
    path(
        "instance-profiles/<str:name>/",
        instance_profiles.instance_profile_detail,
        name="instance_profile_detail",
    ),
    path(
        "instance-profiles/<str:name>/role/",
        instance_profiles.instance_profile_role,
        name="instance_profile_role",
    ),
    path(
        "instance-profiles/<str:name>/delete/",
        instance_profiles.instance_profile_delete_view,
        name="instance_profile_delete",
    ),
    path("identity-providers/", providers.identity_provider_list, name="identity_provider_list"),
    path("identity-providers/create/", providers.identity_provider_create, name="identity_provider_create"),
    path(
        "identity-providers/<str:kind>/<str:key>/",
        providers.identity_provider_detail,
        name="identity_provider_detail",
    ),
    path(
        "identity-providers/<str:kind>/<str:key>/delete/",
        providers.identity_provider_delete,
        name="identity_provider_delete",
    ),
]
