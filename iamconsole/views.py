from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from access.operations import authorize_read
from accounts.models import Group, IAMUser
from aws.errors import AccessDenied
from console.http import http_methods
from organizations.models import Handshake

from . import health


@http_methods("GET")
@never_cache
def healthz(request):
    checks = {
        "database": health.check_database(),
        "broker": health.check_broker(),
        "catalog": health.check_catalog(),
        "aws_managed_policies": health.check_aws_managed_policies(),
    }
    if request.GET.get("worker") == "1" and checks["broker"]["status"] == "ok":
        checks["worker"] = health.check_worker()
    statuses = {check["status"] for check in checks.values()}
    if "error" in statuses:
        return JsonResponse({"status": "error", "checks": checks}, status=503)
    # A warning is reported but keeps the 200: the server serves, it only lacks something.
    return JsonResponse({"status": "warning" if "warning" in statuses else "ok", "checks": checks})


def _url_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@http_methods("GET")
def dashboard(request):
    checks = {"Database": health.check_database(), "Message broker": health.check_broker()}
    context = {"checks": checks, "breadcrumbs": [("IAM", None), ("Dashboard", None)]}
    acting = request.acting
    if acting:
        # Local import: the accounts app builds on this project package, not the other way round.

        account = acting.account
        context.update(
            account=account,
            signin_url=request.build_absolute_uri(
                reverse("accounts:signin_account", args=[account.signin_identifier])
            ),
        )
        if acting.is_root:
            # The invited account's root answers an invitation; the dashboard tells it one is waiting.
            context["invitations"] = Handshake.objects.filter(
                account=account, state=Handshake.State.OPEN, expires_at__gt=timezone.now()
            ).count()
        try:
            # The resources card is GetAccountSummary's: refused, it says so in its place.
            authorize_read(acting=acting, name="GetAccountSummary")
        except AccessDenied as denied:
            context["resources_denied"] = denied.message
            return render(request, "dashboard.html", context)
        context.update(
            resources=[
                (
                    "User groups",
                    Group.objects.filter(account=account).count(),
                    _url_or_none("accounts:group_list"),
                ),
                (
                    "Users",
                    IAMUser.objects.filter(account=account).count(),
                    _url_or_none("accounts:user_list"),
                ),
            ],
        )
    return render(request, "dashboard.html", context)
