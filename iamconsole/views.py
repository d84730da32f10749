from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@require_GET
@never_cache
def healthz(request):
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    if request.GET.get("worker") == "1" and checks["broker"]["status"] == "ok":
        checks["worker"] = health.check_worker()
    healthy = all(check["status"] == "ok" for check in checks.values())
    body = {"status": "ok" if healthy else "error", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


def dashboard(request):
    checks = {"Database": health.check_database(), "Message broker": health.check_broker()}
    return render(
        request, "dashboard.html", {"checks": checks, "breadcrumbs": [("IAM", None), ("Dashboard", None)]}
    )
