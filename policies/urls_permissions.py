# The Permissions tabs of users, groups and roles, their "Add permissions" pages, inline policies,
# boundaries (users and roles only) and the policy picker they share.
from django.urls import path

from .views import permissions

urlpatterns = [path("permissions/policy-picker/", permissions.policy_picker, name="policy_picker")]

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
