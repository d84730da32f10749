"""GenerateServiceLastAccessedDetails: a job that takes a user's, group's, role's or managed policy's
Access Advisor report, completed by a Celery task once the request has committed."""

import datetime

from django.utils import timezone

from access.audit import audited
from access.jobs import enqueue_on_commit
from accounts.models import Account
from policies.models import LastAccessedJob
from policies.selectors.last_accessed import entity_by_arn, last_accessed

ISO = "%Y-%m-%dT%H:%M:%SZ"


def _iso(moment):
    return moment.astimezone(datetime.UTC).strftime(ISO) if moment is not None else None


@audited(
    "GenerateServiceLastAccessedDetails",
    params=lambda kw: {"arn": kw["entity"].arn, "granularity": kw["granularity"]},
    response=lambda job: {"jobId": str(job.job_id)},
    read_only=True,
)
def last_accessed_job_create(*, entity, granularity, acting):
    """Start a job reporting `entity`'s last accessed information (SERVICE_LEVEL or ACTION_LEVEL)."""
    job = LastAccessedJob.objects.create(
        account=acting.account, created_by=acting.arn, entity_arn=entity.arn, granularity=granularity
    )
    enqueue_on_commit("policies.tasks.take_last_accessed_report", job.pk)
    return job


def _entity_info(principal):
    return {
        "Arn": principal.arn,
        "Name": principal.name,
        "Type": principal.type,
        "Id": principal.id,
        "Path": principal.path,
    }


def _service_shape(service, principals, action_level):
    """ServiceLastAccessed, with the service's EntityDetailsList kept beside it as "Entities"."""
    shape = {"ServiceName": service.name, "ServiceNamespace": service.namespace}
    last = service.last
    if last.last is not None:
        shape.update(
            {
                "LastAuthenticated": _iso(last.last),
                "LastAuthenticatedEntity": last.entity.arn,
                "LastAuthenticatedRegion": last.region,
                "TotalAuthenticatedEntities": len(service.entities),
            }
        )
    if action_level and service.action_level:
        shape["TrackedActionsLastAccessed"] = [
            {
                "ActionName": action.name,
                "LastAccessedEntity": action.entity.arn,
                "LastAccessedTime": _iso(action.last),
                "LastAccessedRegion": action.region,
            }
            for action in service.accessed_actions
        ]
    accessed = {principal.id: moment for principal, moment in service.entities}
    shape["Entities"] = [
        {"EntityInfo": _entity_info(principal), "LastAuthenticated": _iso(accessed.get(principal.id))}
        for principal in sorted(principals, key=lambda p: (p.id not in accessed, p.name.lower()))
    ]
    return shape


def last_accessed_job_run(*, job_pk):
    """The task's work: take the job entity's report and complete the job (FAILED when the entity has
    gone since)."""
    job = LastAccessedJob.objects.filter(pk=job_pk, status=LastAccessedJob.Status.IN_PROGRESS).first()
    if job is None:
        return
    account = Account.objects.get(pk=job.account_id)
    _kind, entity = entity_by_arn(job.entity_arn, account=account)
    if entity is None:
        job.status, job.error = (
            LastAccessedJob.Status.FAILED,
            f"The entity {job.entity_arn} no longer exists.",
        )
    else:
        report = last_accessed(entity, account=account, entities=True)
        action_level = job.granularity == LastAccessedJob.Granularity.ACTION_LEVEL
        job.services = [
            _service_shape(service, report.principals, action_level) for service in report.services
        ]
        job.status = LastAccessedJob.Status.COMPLETED
    job.completed_at = timezone.now()
    job.save(update_fields=["services", "status", "error", "completed_at"])
