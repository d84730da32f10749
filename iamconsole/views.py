from dataclasses import dataclass

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.selectors.dashboard import STALE_DAYS, account_summary, credential_findings, daily_activity
from aws.params import search_text
from console.charts import bar_chart
from console.htmx import render_htmx
from console.http import http_methods
from console.session import console_login_required
from organizations.models import Handshake

from . import health
from .enforcement import part_denial
from .search import console_search

# The dashboard's charts: a month of Event history.
ACTIVITY_DAYS = 30


@dataclass(frozen=True)
class Recommendation:
    done: bool
    title: str
    text: str
    action: str = ""
    url: str = ""


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


def _users_link(finding):
    """The one user's security credentials, or the users list when there are several."""
    if finding.count == 1:
        return reverse("accounts:user_detail", args=[finding.first]) + "?tab=security_credentials"
    return reverse("accounts:user_list")


def _whom(finding):
    return finding.first if finding.count == 1 else f"{finding.count} IAM users"


# The dashboard's Security recommendations. The root user's are the console's wording; the IAM users'
# ones follow IAM's security best practices (their titles are unconfirmed against the real console).
def _root_recommendations(summary):
    keys_url = reverse("accounts:root_access_keys")
    if summary["AccountMFAEnabled"]:
        mfa = Recommendation(
            True,
            "Root user has MFA",
            "Having multi-factor authentication (MFA) for the root user improves security for this account.",
        )
    else:
        mfa = Recommendation(
            False,
            "Add MFA for root user",
            "Enable multi-factor authentication (MFA) for the root user to improve security for this account.",
            "Add MFA",
            reverse("accounts:root_security_credentials"),
        )
    keys_text = "Using access keys attached to an IAM user instead of the root user improves security."
    if summary["AccountAccessKeysPresent"]:
        keys = Recommendation(
            False, "Deactivate or delete access keys for root user", keys_text, "Manage access keys", keys_url
        )
    else:
        keys = Recommendation(True, "Root user has no active access keys", keys_text)
    return [mfa, keys]


def _user_recommendations(findings):
    recommendations = []
    if findings["without_mfa"].count:
        recommendations.append(
            Recommendation(
                False,
                f"Add MFA for {_whom(findings['without_mfa'])}",
                "IAM users who sign in to the console with a password and have no MFA device. MFA "
                "protects their sign-in if their password is stolen.",
                "Add MFA",
                _users_link(findings["without_mfa"]),
            )
        )
    if findings["old_keys"].count:
        old_keys = findings["old_keys"]
        owner = f"{old_keys.first}'s" if old_keys.count == 1 else f"{old_keys.count} IAM users'"
        recommendations.append(
            Recommendation(
                False,
                f"Rotate {owner} access keys",
                f"Active access keys created more than {STALE_DAYS} days ago. Create a new key, move its "
                "applications to it, then deactivate and delete the old one.",
                "Rotate access keys",
                _users_link(old_keys),
            )
        )
    if findings["unused"].count:
        recommendations.append(
            Recommendation(
                False,
                f"Remove unused credentials of {_whom(findings['unused'])}",
                f"A console password or an active access key has not been used for {STALE_DAYS} days or "
                "more. Remove what nobody uses.",
                "Review credentials",
                _users_link(findings["unused"]),
            )
        )
    return recommendations


def _resources(summary):
    """The IAM resources card: GetAccountSummary's counts, each linking to its list."""
    return [
        ("User groups", summary["Groups"], reverse("accounts:group_list")),
        ("Users", summary["Users"], reverse("accounts:user_list")),
        ("Roles", summary["Roles"], reverse("policies:role_list")),
        ("Policies", summary["Policies"], reverse("policies:policy_list") + "?type=customer"),
        ("Identity providers", summary["Providers"], reverse("policies:identity_provider_list")),
    ]


def _activity_charts(account):
    activity = daily_activity(account=account, days=ACTIVITY_DAYS)
    days = [day for day, *_ in activity]
    signins = bar_chart(
        days,
        [
            ("Successful", "bar-ok", [row[1] for row in activity]),
            ("Failed", "bar-error", [row[2] for row in activity]),
        ],
        title="Console sign-ins",
    )
    refused = bar_chart(
        days, [("Refused", "bar-warning", [row[3] for row in activity])], title="Refused calls"
    )
    return [signins, refused]


@http_methods("GET")
def dashboard(request):
    context = {"breadcrumbs": [("IAM", None), ("Dashboard", None)]}
    acting = request.acting
    if not acting:
        return render(request, "dashboard.html", context)
    account = acting.account
    if acting.is_root:
        # The invited account's root answers an invitation; the dashboard tells it one is waiting.
        context["invitations"] = Handshake.objects.filter(
            account=account, state=Handshake.State.OPEN, expires_at__gt=timezone.now()
        ).count()
    context["account"] = account
    recommendations = []
    # Each card makes its own reads (enforcement.PARTS): a refused one says so in its place.
    context["resources_denied"] = part_denial(request, "dashboard", "resources")
    if not context["resources_denied"]:
        summary = account_summary(account=account)
        context["resources"] = _resources(summary)
        recommendations += _root_recommendations(summary)
    context["credentials_denied"] = part_denial(request, "dashboard", "credentials")
    if not context["credentials_denied"]:
        recommendations += _user_recommendations(credential_findings(account=account))
    context["recommendations"] = recommendations
    context["alias_denied"] = part_denial(request, "dashboard", "alias")
    signin_as = account.id if context["alias_denied"] else account.signin_identifier
    context["signin_url"] = request.build_absolute_uri(reverse("accounts:signin_account", args=[signin_as]))
    context["activity_denied"] = part_denial(request, "dashboard", "activity")
    if not context["activity_denied"]:
        context["charts"] = _activity_charts(account)
        context["activity_days"] = ACTIVITY_DAYS
    return render(request, "dashboard.html", context)


@console_login_required
@http_methods("GET")
def search(request):
    """The top bar's search: the console's pages, then the account's entities the identity may list."""
    query = search_text(request.GET)
    context = {"search_query": query, "groups": console_search(request, query) if query else []}
    context["breadcrumbs"] = [("IAM", reverse("dashboard")), ("Search", None)]
    return render_htmx(request, "search.html", context, "search-results")
