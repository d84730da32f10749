"""Simulator runs too long for a request (every action of a service, or of all services), and Who can?."""

from django.db import transaction
from django.utils import timezone

from access.jobs import enqueue_on_commit
from accounts.models import Group, IAMUser
from aws.errors import AWSError, NoSuchEntity
from aws.params import ascii_int
from policies.engine import catalog
from policies.models import Role, SimulationRun
from policies.selectors import simulation
from policies.selectors.permissions import policies_in_play_of_all

ALL_SERVICES = "*"
# The run's row is updated after every CHUNK actions, each in its own short transaction, so that a
# poller sees the progress bar move while the worker is still simulating.
CHUNK = 50
CSV_HEADER = ["Action", "Resource", "Decision", "Decided by", "Missing context values", "Statements"]


def _principal(account, value):
    kind, _, pk = (value or "").partition(":")
    model = {"user": IAMUser, "group": Group, "role": Role}.get(kind)
    pk = ascii_int(pk)
    principal = model.objects.filter(account=account, pk=pk).first() if model and pk is not None else None
    if principal is None:
        raise NoSuchEntity("The user, group or role to simulate cannot be found.")
    return principal


def run_actions(service):
    """Every action of a service prefix, or of all services for ALL_SERVICES, in a stable order."""
    services = catalog.services()
    prefixes = sorted(services) if service == ALL_SERVICES else [service]
    return [
        action.full_name
        for prefix in prefixes
        for action in sorted(services[prefix].actions.values(), key=lambda a: a.name)
    ]


def simulation_run_start(*, acting, parameters):
    """Record a run of every action of `parameters["service"]` (or all services) and enqueue its task."""
    service = parameters.get("service", "")
    if service != ALL_SERVICES and catalog.service(service) is None:
        raise NoSuchEntity(f"The service {service} is not in the catalog.")
    with transaction.atomic():
        run = SimulationRun.objects.create(
            account=acting.account,
            started_by=acting.arn,
            parameters=parameters,
            total=len(run_actions(service)),
        )
        enqueue_on_commit("policies.tasks.run_simulation", run.pk)
    return run


def _row(result):
    return [
        result.action,
        result.resource,
        result.decision,
        result.decided_by,
        ", ".join(result.missing_context_values),
        "; ".join(f"{m.policy} ({m.sid or f'statement {m.index + 1}'})" for m in result.matched),
    ]


def simulation_run_execute(*, run_id):
    """The task's work: simulate chunk by chunk, saving progress after each chunk, then the results."""
    Status = SimulationRun.Status
    if not SimulationRun.objects.filter(pk=run_id, status=Status.PENDING).update(status=Status.RUNNING):
        return None  # already run, or unknown
    run = SimulationRun.objects.select_related("account").get(pk=run_id)
    params = run.parameters
    rows = []
    try:
        principal = _principal(run.account, params["principal"]) if params.get("mode") != "custom" else None
        actions = run_actions(params["service"])
        if principal is not None:
            # The organization as it is when the run runs, as for a request made then.
            organization = simulation.organization_in_play(run.account)
        else:
            organization = {"scps": [params["scps"]] if params.get("scps") else None}
        session_policy = params.get("session_policy") or ""
        for start in range(0, len(actions), CHUNK):
            results = simulation.simulate(
                account=run.account,
                principal=principal,
                policy_documents=params.get("documents") or [],
                boundary=params.get("boundary") or None,
                session_policies=[session_policy] if session_policy.strip() else None,
                **organization,
                include=params.get("include") if principal is not None else None,
                resource_policy=params.get("resource_policy") or None,
                actions=actions[start : start + CHUNK],
                resource_arns=[params.get("resource") or "*"],
                context=params.get("context") or {},
            )
            rows.extend(_row(r) for r in results)
            SimulationRun.objects.filter(pk=run_id).update(done=len(rows))
    except AWSError as error:
        SimulationRun.objects.filter(pk=run_id).update(
            status=Status.FAILED, error=error.message, finished_at=timezone.now()
        )
        return Status.FAILED
    SimulationRun.objects.filter(pk=run_id).update(
        status=Status.SUCCEEDED, results=rows, done=len(rows), finished_at=timezone.now()
    )
    return Status.SUCCEEDED


def who_can(*, account, action, resource, context=None):
    """Every user and role of the account allowed `action` on `resource`, with the deciding statements.

    [(principal, SimulationResult)] for the allowed ones, users first; a fixed number of queries.
    """
    allowed = []
    organization = simulation.organization_in_play(account)
    # Their tags are their aws:PrincipalTag keys.
    users = list(IAMUser.objects.filter(account=account).prefetch_related("tags").order_by("name"))
    roles = list(Role.objects.filter(account=account).prefetch_related("tags").order_by("name"))
    in_play = policies_in_play_of_all(users=users, roles=roles)
    for principal in users + roles:
        try:
            [result] = simulation.simulate(
                account=account,
                principal=principal,
                actions=[action],
                resource_arns=[resource],
                context=context or {},
                in_play=in_play[principal],
                **organization,
            )
        except AWSError:
            continue  # a stored policy the engine refuses allows nothing
        if result.decision == "allowed":
            allowed.append((principal, result))
    return allowed
