from django.urls import path

from .views import instance_profiles, permissions, policies, providers, roles, simulator, visual

app_name = "policies"

# As the console's addresses (#/policies/details/ARN), a policy is named by its ARN, last in the URL
# because ARNs hold slashes.
urlpatterns = [
    path("policies/", policies.policy_list, name="policy_list"),
    path("policies/create/", policies.policy_create, name="policy_create"),
    path("policies/create/cancel/", policies.policy_create_cancel, name="policy_create_cancel"),
    path("policies/validate/", policies.policy_validate, name="policy_validate"),
    path("policies/details/<path:arn>", policies.policy_detail, name="policy_detail"),
    path("policies/edit/<path:arn>", policies.policy_edit, name="policy_edit"),
    path("policies/versions/<path:arn>", policies.policy_versions, name="policy_versions"),
    path("policies/compare/<path:arn>", policies.policy_compare, name="policy_compare"),
    path("policies/tags/<path:arn>", policies.policy_tags, name="policy_tags"),
    path("policies/delete/<path:arn>", policies.policy_delete, name="policy_delete"),
    path("policies/attach/<path:arn>", policies.policy_attach, name="policy_attach"),
    path("policies/detach/<path:arn>", policies.policy_detach, name="policy_detach"),
]

# Roles, their instance profiles, and the identity providers that web identity and SAML roles trust.

urlpatterns += [
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

# The Permissions tabs of users, groups and roles, their "Add permissions" pages, inline policies,
# boundaries (users and roles only) and the policy picker they share.

urlpatterns += [path("permissions/policy-picker/", permissions.policy_picker, name="policy_picker")]

for _kind, _plural in (("user", "users"), ("group", "groups"), ("role", "roles")):
    _prefix = f"{_plural}/<str:name>/permissions/"
    _kw = {"kind": _kind}
    urlpatterns += [
        path(_prefix, permissions.permissions_tab, _kw, name=f"{_kind}_permissions"),
        path(f"{_prefix}remove/", permissions.permissions_remove, _kw, name=f"{_kind}_permissions_remove"),
        path(f"{_prefix}add/", permissions.permissions_add, _kw, name=f"{_kind}_permissions_add"),
        path(f"{_prefix}inline/", permissions.permissions_inline, _kw, name=f"{_kind}_permissions_inline"),
    ]
    if _kind != "group":
        urlpatterns.append(
            path(
                f"{_prefix}boundary/",
                permissions.permissions_boundary,
                _kw,
                name=f"{_kind}_permissions_boundary",
            )
        )

# The policy editor's helpers.
urlpatterns += [
    path("policies/editor/", visual.policy_editor, name="policy_editor"),
    path("policies/editor/visual/", visual.visual_editor_update, name="visual_editor_update"),
    path("policies/editor/summary/", visual.policy_summary_view, name="policy_summary"),
]

# The policy simulator.
urlpatterns += [
    path("policy-simulator/", simulator.simulator_page, name="simulator"),
    path("policy-simulator/runs/<int:pk>/", simulator.simulation_run, name="simulation_run"),
    path("policy-simulator/runs/<int:pk>/csv/", simulator.simulation_run_csv, name="simulation_run_csv"),
]
