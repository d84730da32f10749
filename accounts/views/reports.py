"""Access reports: the credential report, downloaded as the console's "Download credentials report"
button does it (generated first when there is none younger than four hours)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.selectors.credential_report import REPORT_LIFETIME, latest_credential_report
from accounts.services.credential_report import credential_report_generate
from aws.errors import AWSError, CredentialReportError, ReportInProgress
from console.http import http_methods
from console.session import console_login_required

TEMPLATE = "accounts/credential_report.html"
IN_PROGRESS = (
    "Your credential report is being generated. Choose Download credentials report again in a few seconds."
)


def _current_report(account):
    try:
        return latest_credential_report(account=account)
    except CredentialReportError:
        return None


def _page(request, *, alert=None, status=200):
    report = _current_report(request.acting.account)
    context = {
        "report": report,
        "expires_at": report.generated_at + REPORT_LIFETIME if report else None,
        "alert": alert,
        "breadcrumbs": [("IAM", reverse("dashboard")), ("Credential report", None)],
    }
    return render(request, TEMPLATE, context, status=status)


def report_filename(report):
    # The file name the console gives the download (status_reports_<generated time>.csv); unconfirmed
    # beyond its prefix.
    return f"status_reports_{report.generated_at:%Y-%m-%dT%H_%M_%S}+00_00.csv"


@console_login_required
@http_methods("GET")
def credential_report(request):
    return _page(request)


@console_login_required
@http_methods("POST")
def credential_report_download(request):
    """The report younger than four hours, or a new one: GenerateCredentialReport (a write its service
    authorizes), then GetCredentialReport (the page's read)."""
    account = request.acting.account
    report = _current_report(account)
    if report is None:
        try:
            credential_report_generate(account=account, acting=request.acting)
            report = latest_credential_report(account=account)
        except ReportInProgress:
            # A worker builds it (a broker is configured): it is there in a moment.
            return _page(request, alert=("info", IN_PROGRESS))
        except AWSError as error:
            return _page(request, alert=("error", error.message), status=error.status)
    response = HttpResponse(report.content, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response
