from django.urls import path

from .views import accounts, policies

app_name = "organizations"

urlpatterns = [
    path("organizations/accounts/", accounts.organization_accounts, name="accounts"),
    path(
        "organizations/accounts/create-organization/",
        accounts.organization_create,
        name="organization_create",
    ),
    path(
        "organizations/accounts/delete-organization/",
        accounts.organization_delete,
        name="organization_delete",
    ),
    path(
        "organizations/accounts/leave-organization/", accounts.organization_leave, name="organization_leave"
    ),
    path("organizations/accounts/create-organizational-unit/", accounts.ou_create, name="ou_create"),
    path("organizations/accounts/create-account/", accounts.account_create, name="account_create"),
    path("organizations/accounts/invite-account/", accounts.account_invite, name="account_invite"),
    path("organizations/invitations/", accounts.invitations, name="invitations"),
    path(
        "organizations/invitations/<str:handshake_id>/", accounts.handshake_respond, name="handshake_respond"
    ),
    path("organizations/accounts/<str:target_id>/", accounts.target_detail, name="target_detail"),
    path(
        "organizations/accounts/<str:target_id>/policies/",
        accounts.target_policy_change,
        name="target_policy_change",
    ),
    path("organizations/accounts/<str:target_id>/rename/", accounts.ou_rename, name="ou_rename"),
    path("organizations/accounts/<str:target_id>/delete/", accounts.ou_delete, name="ou_delete"),
    path("organizations/accounts/<str:target_id>/move/", accounts.account_move, name="account_move"),
    path("organizations/accounts/<str:target_id>/remove/", accounts.account_remove, name="account_remove"),
    path("organizations/policies/", policies.policy_types, name="policies"),
    path("organizations/policies/<slug:slug>/", policies.policy_list, name="policy_list"),
    path(
        "organizations/policies/<slug:slug>/status/", policies.policy_type_toggle, name="policy_type_toggle"
    ),
    path("organizations/policies/<slug:slug>/create/", policies.policy_create, name="policy_create"),
    path("organizations/policies/<slug:slug>/<str:policy_id>/", policies.policy_detail, name="policy_detail"),
    path(
        "organizations/policies/<slug:slug>/<str:policy_id>/targets/",
        policies.policy_target_change,
        name="policy_target_change",
    ),
    path(
        "organizations/policies/<slug:slug>/<str:policy_id>/edit/", policies.policy_edit, name="policy_edit"
    ),
    path(
        "organizations/policies/<slug:slug>/<str:policy_id>/delete/",
        policies.policy_delete,
        name="policy_delete",
    ),
]
