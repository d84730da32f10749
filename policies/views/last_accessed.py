"""The Last Accessed tab (Access Advisor) of the user, group, role and policy pages: its reads,
iam:GenerateServiceLastAccessedDetails and iam:GetServiceLastAccessedDetails, are the page's
(iamconsole/enforcement.py); the report is read from Event history's last accessed rollup."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.utils import timezone

from accounts.models import IAMUser
from accounts.selectors.activity import TRACKING_DAYS
from policies.models import Role
from policies.selectors.last_accessed import last_accessed

# The tab's filter: (value, label); "" shows every service.
FILTERS = (
    ("", "All services"),
    ("accessed", "Accessed in the tracking period"),
    ("not-accessed", "Not accessed in the tracking period"),
    ("not-accessed-in", "Not accessed in the last N days"),
)
# "Not accessed in the last N days": N from 1 to the tracking period, 90 (IAM's unused credentials
# threshold) unless told.
DEFAULT_DAYS = 90
# An administrator's policy allows some 400 services: the table comes a page at a time.
SERVICES_PAGE_SIZE = 50
DAYS_ERROR = f"Enter a whole number of days from 1 to {TRACKING_DAYS}."


def _days(value):
    """The filter's N, or None when `value` is not a whole number from 1 to the tracking period."""
    value = (value or "").strip()
    if not value.isdigit() or not 1 <= int(value) <= TRACKING_DAYS:
        return None
    return int(value)


def last_accessed_context(request, entity):
    """The tab's report of `entity`, its services filtered as the request asks."""
    chosen = request.GET.get("accessed", "")
    if chosen not in dict(FILTERS):
        chosen = ""
    days_text = request.GET.get("days", str(DEFAULT_DAYS))[:16]
    days = _days(days_text)
    report = last_accessed(entity, account=request.acting.account)
    services = report.services
    if chosen == "accessed":
        services = [service for service in services if service.last.last is not None]
    elif chosen == "not-accessed":
        services = [service for service in services if service.last.last is None]
    elif chosen == "not-accessed-in" and days is not None:
        since = timezone.now() - timedelta(days=days)
        services = [service for service in services if service.last.last is None or service.last.last < since]
    page = Paginator(services, SERVICES_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "last_accessed_page": page,
        "last_accessed_services": page.object_list,
        "allowed_service_count": len(report.services),
        "accessed_filter": chosen,
        "accessed_filters": FILTERS,
        "accessed_days": days_text,
        # A bad N filters nothing and says why.
        "accessed_days_error": DAYS_ERROR if chosen == "not-accessed-in" and days is None else "",
        "tracking_days": TRACKING_DAYS,
        # A group's or a policy's services were called by its users and roles: the row names who.
        "shows_entity": not isinstance(entity, (IAMUser, Role)),
    }
