"""`{% permissions_tab entity %}`: the Permissions tab inside the user, group and role detail pages."""

from django import template

from accounts.models import Group, IAMUser
from policies.models import Role
from policies.views.permissions import render_permissions_tab

register = template.Library()


@register.simple_tag(takes_context=True)
def permissions_tab(context, entity):
    kind = {IAMUser: "user", Group: "group", Role: "role"}[type(entity)]
    # The detail view fetched `entity` within the signed-in account; the tab reads only its policies.
    return render_permissions_tab(context["request"], kind, entity)
