"""The Last Accessed tab (Access Advisor) of the user, group, role and policy pages: its reads,
iam:GenerateServiceLastAccessedDetails and iam:GetServiceLastAccessedDetails, are the page's
(iamconsole/enforcement.py); the report is read live from Event history."""

from accounts.models import IAMUser
from accounts.selectors.activity import TRACKING_DAYS
from policies.models import Role
from policies.selectors.last_accessed import last_accessed

# The tab's filter: (value, label); "" shows every service.
FILTERS = (
    ("", "All services"),
    ("accessed", "Accessed in the tracking period"),
    ("not-accessed", "Not accessed in the tracking period"),
)


def last_accessed_context(request, entity):
    """The tab's report of `entity`, its services filtered as the request asks."""
    chosen = request.GET.get("accessed", "")
    if chosen not in dict(FILTERS):
        chosen = ""
    report = last_accessed(entity, account=request.acting.account)
    services = report.services
    if chosen == "accessed":
        services = [service for service in services if service.last.last is not None]
    elif chosen == "not-accessed":
        services = [service for service in services if service.last.last is None]
    return {
        "last_accessed_services": services,
        "allowed_service_count": len(report.services),
        "accessed_filter": chosen,
        "accessed_filters": FILTERS,
        "tracking_days": TRACKING_DAYS,
        # A group's or a policy's services were called by its users and roles: the row names who.
        "shows_entity": not isinstance(entity, (IAMUser, Role)),
    }
