from django import template

from iamconsole import health

register = template.Library()


@register.inclusion_tag("admin/system_status.html")
def system_status():
    """The server's health for the admin site's index (the trainee's dashboard does not show it)."""
    return {"checks": {"Database": health.check_database(), "Message broker": health.check_broker()}}
