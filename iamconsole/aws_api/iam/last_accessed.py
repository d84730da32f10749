"""Access Advisor on the wire: GenerateServiceLastAccessedDetails starts a job on a user, group, role or
policy; GetServiceLastAccessedDetails(WithEntities) read its report back, for the identity that
generated it only; ListPoliciesGrantingServiceAccess names the policies that allow each service."""

from aws.errors import InvalidInput, NoSuchEntity
from iamconsole.aws_api.iam.common import operation, page, read
from policies.models import LastAccessedJob
from policies.selectors.last_accessed import entity_by_arn, policies_granting
from policies.services.last_accessed import last_accessed_job_create


def _entity(acting, arn, kinds):
    """The entity `arn` names, of one of `kinds`. Messages unconfirmed against AWS: an ARN of another
    kind is InvalidInput, a missing entity NoSuchEntity."""
    kind, entity = entity_by_arn(arn, account=acting.account)
    if kind not in kinds:
        raise InvalidInput(f"ARN {arn} is not valid.")
    if entity is None:
        raise NoSuchEntity(f"The entity with ARN {arn} cannot be found.")
    return entity


def _job(acting, job_id):
    """The job of `job_id` that this identity generated: another identity's JobId is NoSuchEntity, as
    AWS answers it (message unconfirmed)."""
    job = LastAccessedJob.objects.filter(
        account=acting.account, created_by=acting.arn, job_id__iexact=job_id
    ).first()
    if job is None:
        raise NoSuchEntity(f"No job found with the JobId {job_id}.")
    return job


def _job_shape(job):
    shape = {"JobStatus": job.status, "JobCreationDate": job.created_at}
    if job.completed_at is not None:
        shape["JobCompletionDate"] = job.completed_at
    if job.status == LastAccessedJob.Status.FAILED:
        shape["Error"] = {"Code": "ServiceFailure", "Message": job.error}
    return shape


@operation("GenerateServiceLastAccessedDetails")
def generate_service_last_accessed_details(acting, params):
    entity = _entity(acting, params["Arn"], ("user", "group", "role", "policy"))
    granularity = params.get("Granularity", LastAccessedJob.Granularity.SERVICE_LEVEL)
    job = last_accessed_job_create(entity=entity, granularity=granularity, acting=acting)
    return {"JobId": str(job.job_id)}


@operation("GetServiceLastAccessedDetails")
def get_service_last_accessed_details(acting, params):
    read(acting, "GetServiceLastAccessedDetails", params={"jobId": params["JobId"]})
    job = _job(acting, params["JobId"])
    services = [
        {member: value for member, value in service.items() if member != "Entities"}
        for service in job.services
    ]
    chosen, paging = page(services, params)
    # ServicesLastAccessed is required: an IN_PROGRESS job answers an empty list.
    return {**_job_shape(job), "JobType": job.granularity, "ServicesLastAccessed": chosen, **paging}


@operation("GetServiceLastAccessedDetailsWithEntities")
def get_service_last_accessed_details_with_entities(acting, params):
    namespace = params["ServiceNamespace"]
    read(
        acting,
        "GetServiceLastAccessedDetailsWithEntities",
        params={"jobId": params["JobId"], "serviceNamespace": namespace},
    )
    job = _job(acting, params["JobId"])
    entities = next(
        (service["Entities"] for service in job.services if service["ServiceNamespace"] == namespace), []
    )
    entities = [{**entity, "EntityInfo": {**entity["EntityInfo"]}} for entity in entities]
    for entity in entities:
        if entity["LastAuthenticated"] is None:
            del entity["LastAuthenticated"]
    chosen, paging = page(entities, params)
    return {**_job_shape(job), "EntityDetailsList": chosen, **paging}


def _grant_shape(grant):
    shape = {"PolicyName": grant.name, "PolicyType": grant.type}
    if grant.arn:
        shape["PolicyArn"] = grant.arn
    if grant.entity_type:
        shape.update({"EntityType": grant.entity_type, "EntityName": grant.entity_name})
    return shape


@operation("ListPoliciesGrantingServiceAccess")
def list_policies_granting_service_access(acting, params):
    entity = _entity(acting, params["Arn"], ("user", "group", "role"))
    namespaces = params["ServiceNamespaces"]
    read(
        acting,
        "ListPoliciesGrantingServiceAccess",
        entity.arn,
        entity,
        {"arn": params["Arn"], "serviceNamespaces": namespaces},
    )
    found = policies_granting(entity, namespaces, account=acting.account)
    entries = [
        {"ServiceNamespace": namespace, "Policies": [_grant_shape(grant) for grant in grants]}
        for namespace, grants in found.items()
    ]
    return {"PoliciesGrantingServiceAccess": entries, "IsTruncated": False}
