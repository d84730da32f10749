"""The credential report: GenerateCredentialReport starts one (at most once every four hours), a Celery
task builds it."""

from dataclasses import dataclass

from django.utils import timezone

from access.audit import audited
from access.jobs import enqueue_on_commit
from accounts.models import Account, CredentialReport
from accounts.selectors.credential_report import REPORT_LIFETIME, credential_report_csv

# AWS's Description of a generation it starts (its CLI documentation's example); a report that exists
# is answered with its State alone.
STARTING = "No report exists. Starting a new report generation task"


@dataclass(frozen=True)
class GenerationState:
    """GenerateCredentialReport's answer."""

    state: str
    description: str = ""


def _current(report, now):
    """Whether `report` stands: complete and younger than four hours, or still being built (a build
    that has not finished within four hours has failed and is started again)."""
    if report is None:
        return False
    if report.state == CredentialReport.State.COMPLETE:
        return now - report.generated_at < REPORT_LIFETIME
    return now - report.started_at < REPORT_LIFETIME


def _response_elements(result):
    """CloudTrail's responseElements: the answer's members."""
    elements = {"state": result.state}
    if result.description:
        elements["description"] = result.description
    return elements


# IAM classes the action as a Read (its service reference), and CloudTrail records it read-only.
@audited("GenerateCredentialReport", params=lambda kw: None, response=_response_elements, read_only=True)
def credential_report_generate(*, account, acting):
    """Start building the account's credential report unless one younger than four hours exists (or is
    being built); the build runs as a task once the transaction commits."""
    Account.objects.select_for_update().filter(pk=account.pk).first()  # one generation at a time
    now = timezone.now()
    report = CredentialReport.objects.filter(account=account).first()
    if _current(report, now):
        return GenerationState(report.state)
    report, _ = CredentialReport.objects.update_or_create(
        account=account,
        defaults={
            "state": CredentialReport.State.STARTED,
            "started_at": now,
            "generated_at": None,
            "content": "",
        },
    )
    enqueue_on_commit("accounts.tasks.generate_credential_report", report.pk)
    return GenerationState(CredentialReport.State.STARTED, STARTING)


def credential_report_build(*, report_id):
    """The task's work: the report's CSV as the account stands now; returns the state it ends in (None
    when the report was already built or replaced)."""
    State = CredentialReport.State
    if not CredentialReport.objects.filter(pk=report_id, state=State.STARTED).update(state=State.INPROGRESS):
        return None
    report = CredentialReport.objects.select_related("account").get(pk=report_id)
    generated_at = timezone.now()
    content = credential_report_csv(account=report.account)
    CredentialReport.objects.filter(pk=report_id, state=State.INPROGRESS).update(
        state=State.COMPLETE, content=content, generated_at=generated_at
    )
    return State.COMPLETE
