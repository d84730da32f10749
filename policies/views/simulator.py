"""The policy simulator page: existing policies of a user, group or role, or pasted ones, against chosen actions.

One form drives the page; its parts refresh through HTMX as the trainee chooses (the principal's
policies, the service's actions, the context keys of the documents), and "Run simulation" swaps in
the results table. Every part reads the same posted fields, so the page also works as a plain form.
"""

import csv
import re

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.models import Group, IAMUser
from aws.arns import arn_of
from aws.errors import AWSError
from aws.params import ascii_int
from console.htmx import render_htmx
from console.http import http_methods
from console.pages import read_denial
from console.session import console_login_required
from organizations.models import SCP
from organizations.services import MAX_POLICIES_PER_TARGET
from policies.engine import catalog
from policies.engine.validation import validate
from policies.models import Role, SimulationRun
from policies.selectors import simulation
from policies.services import simulation_runs as simulator_services

TEMPLATE = "policies/simulator.html"
RUN_TEMPLATE = "policies/simulation_run.html"
ROWS_SHOWN = 200
ARN_RE = re.compile(r"arn:(aws|aws-cn|aws-us-gov):[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+")
MAX_CUSTOM = 10
# The custom SCP editors stop where Organizations stops attaching SCPs to one root, OU or account.
MAX_SCPS = MAX_POLICIES_PER_TARGET[SCP]


def _principal(account, value):
    """`user:PK`, `group:PK` or `role:PK` of this account; 404 for anything else."""
    kind, _, pk = (value or "").partition(":")
    pk = ascii_int(pk)
    if pk is None:
        return None
    model = {"user": IAMUser, "group": Group, "role": Role}.get(kind)
    if model is None:
        raise Http404("No such principal.")
    return get_object_or_404(model, account=account, pk=pk)


def _principal_choices(request):
    """The users, groups and roles to choose from: ListUsers', ListGroups' and ListRoles'. An IAM user
    may always choose itself, as AWS's example policy "simulate your own policies" intends."""
    account = request.acting.account
    choices = {}
    for key, kind, model in (("users", "user", IAMUser), ("groups", "group", Group), ("roles", "role", Role)):
        operation = f"List{kind.title()}s"
        if read_denial(request, operation, arn_of(account.id, kind)):
            choices[key] = []
        else:
            choices[key] = [
                (f"{kind}:{pk}", name)
                for pk, name in model.objects.filter(account=account).values_list("pk", "name")
            ]
    own = request.acting.user
    if own is not None and request.acting.credential is None and not choices["users"]:
        choices["users"] = [(f"user:{own.pk}", own.name)]
    return choices


def _custom_documents(data):
    return [text for text in data.getlist("policy")[:MAX_CUSTOM]]


def _custom_panels(documents, policy_type="managed"):
    """Each pasted document with the validator's verdict (shown inline under its editor)."""
    panels = []
    for n, text in enumerate(documents, start=1):
        verdict = validate(text, policy_type) if text.strip() else {"malformed": None, "findings": []}
        panels.append(
            {"number": n, "text": text, "malformed": verdict["malformed"], "findings": verdict["findings"]}
        )
    return panels


def _verdict(text, policy_type):
    return validate(text, policy_type) if text.strip() else None


def _resource_hints(actions, data):
    """For each chosen action, the ARN formats the catalog expects and the action's own ARN, if any."""
    hints = []
    for name in actions:
        types = catalog.resource_types_for(name)
        hints.append(
            {
                "action": name,
                "types": [{"name": t.name, "arn": t.arn, "required": required} for t, required in types],
                "value": data.get(f"resource:{name}", "").strip(),
                "error": "",
            }
        )
    return hints


def _arn_error(resource, actions):
    if resource == "*":
        return ""
    if not ARN_RE.fullmatch(resource):
        return "The resource ARN is not valid. Use the format arn:partition:service:region:account-id:resource, or *."
    misfits = []
    for name in actions:
        types = catalog.resource_types_for(name)
        if types and not any(catalog.arn_matches_resource_type(resource, t) for t, _ in types):
            misfits.append(name)
    if misfits:
        return f"The ARN fits none of the resource types of {', '.join(misfits)}."
    return ""


def _context_inputs(keys, data, errors):
    return [
        {
            "key": key,
            "type": key_type,
            "format": simulation.type_format(key_type),
            "value": data.get(f"ctx:{key}", ""),
            "error": errors.get(key, ""),
        }
        for key, key_type in keys
    ]


def _state(request):
    """Everything the form shows, read from the posted (or queried) fields. The enforcement middleware
    has authorized SimulatePrincipalPolicy on the chosen principal (or SimulateCustomPolicy)."""
    account = request.acting.account
    data = request.POST if request.method == "POST" else request.GET
    mode = "custom" if data.get("mode") == "custom" else "existing"
    principal_value = data.get("principal", "")
    principal = _principal(account, principal_value) if mode == "existing" else None
    is_role = isinstance(principal, Role)
    policies = simulation.policies_for(principal) if principal is not None else []
    # The organization's SCPs and RCPs, each listed to leave out, as AWS's simulator lists them.
    organization = simulation.organization_in_play(account) if principal is not None else {}
    policies += simulation.organization_policies_in_play(
        organization.get("scps"), "scp", organization.get("scp_names"), organization.get("level_names")
    )
    policies += simulation.organization_policies_in_play(
        organization.get("rcps"), "rcp", organization.get("rcp_names"), organization.get("level_names")
    )
    posted = "include-present" in data
    included = set(data.getlist("include")) if posted else {p.id for p in policies}
    documents = _custom_documents(data) if mode == "custom" else []
    if mode == "custom" and not documents:
        documents = [""]
    if mode == "custom" and data.get("op") == "add-policy" and len(documents) < MAX_CUSTOM:
        documents.append("")
    # AWS's simulator has one SCP box; here each SCP has its own, all at one level (the account's).
    scps = list(data.getlist("scp")[:MAX_SCPS]) if mode == "custom" else []
    if mode == "custom" and not scps:
        scps = [""]
    if mode == "custom" and data.get("op") == "add-scp" and len(scps) < MAX_SCPS:
        scps.append("")
    # A session policy bounds a session: a role's in existing mode, the simulated caller's in custom mode.
    session_policy = data.get("session_policy", "") if mode == "custom" or is_role else ""
    service_prefix = data.get("service", "").strip().lower()
    service = catalog.service(service_prefix) if service_prefix else None
    action_query = data.get("action_q", "").strip().lower()
    chosen = [a for a in data.getlist("action") if catalog.action(a) is not None]
    if service is not None:
        all_actions = sorted(service.actions.values(), key=lambda a: a.name)
        if data.get("op") == "select-all":
            chosen = [a.full_name for a in all_actions]
        shown = [a for a in all_actions if action_query in a.name.lower()]
    else:
        shown = []
    hidden_chosen = [a for a in chosen if a not in {s.full_name for s in shown}]
    resource = data.get("resource", "").strip() or "*"
    resource_policy = data.get("resource_policy", "")
    boundary = data.get("boundary", "") if mode == "custom" else ""
    in_play_docs = [p.document for p in policies if p.id in included] + documents + [boundary]
    in_play_docs += scps + [session_policy]
    keys = simulation.context_keys_for(in_play_docs)
    return {
        "account": account,
        "data": data,
        "mode": mode,
        "principal_value": principal_value,
        "principal": principal,
        **_principal_choices(request),
        "is_role": is_role,
        "is_group": isinstance(principal, Group),
        "policies": policies,
        "organization": organization,
        "included": included,
        "custom": _custom_panels(documents) if mode == "custom" else [],
        "documents": documents,
        "boundary": boundary,
        "boundary_verdict": _verdict(boundary, "boundary"),
        "scps": scps,
        "scp_panels": _custom_panels(scps, "scp"),
        "max_scps": MAX_SCPS,
        "session_policy": session_policy,
        "session_verdict": _verdict(session_policy, "managed"),
        "services": sorted(catalog.services().values(), key=lambda s: s.prefix),
        "service": service,
        "service_value": service_prefix,
        "action_q": data.get("action_q", ""),
        "shown_actions": [
            {"action": a, "types": [t.name for t, _ in catalog.resource_types_for(a.full_name)]}
            for a in shown
        ],
        "chosen": chosen,
        "hidden_chosen": hidden_chosen,
        "resource": resource,
        "resource_hints": _resource_hints(chosen, data),
        "max_custom": MAX_CUSTOM,
        "resource_policy": resource_policy,
        "context_keys": keys,
    }


def _context(state):
    """The typed context values posted; a wrong one goes beside its field."""
    errors, context = {}, {}
    for key, key_type in state["context_keys"]:
        text = state["data"].get(f"ctx:{key}", "")
        if not text.strip():
            continue
        try:
            context[key] = simulation.parse_context_value(key_type, text)
        except ValueError as error:
            errors[key] = str(error)
    state["context_errors"] = errors
    return context


def _start_run(request, state, service):
    """Start a run of every action of `service` (or all services), or say why not."""
    context = _context(state)
    if state["mode"] == "existing" and state["principal"] is None:
        state["run_error"] = "Choose a user, group or role."
    if service != simulator_services.ALL_SERVICES and state["service"] is None:
        state["run_error"] = "Choose a service."
    resource = state["resource"]
    if resource != "*" and not ARN_RE.fullmatch(resource):
        state["resource_error"] = (
            "The resource ARN is not valid. Use the format arn:partition:service:region:account-id:resource, or *."
        )
    if not state.get("run_error"):
        state["run_error"] = _refusal(state)
    if state["context_errors"] or state.get("run_error") or state.get("resource_error"):
        return None
    parameters = {
        "mode": state["mode"],
        "principal": state["principal_value"] if state["principal"] is not None else "",
        "include": sorted(_included(state)) if state["principal"] is not None else None,
        "documents": [d for d in state["documents"] if d.strip()],
        "boundary": state["boundary"],
        "scps": [d for d in state["scps"] if d.strip()],
        "session_policy": state["session_policy"],
        "resource_policy": state["resource_policy"],
        "service": service,
        "resource": resource,
        "context": context,
    }
    try:
        return simulator_services.simulation_run_start(acting=request.acting, parameters=parameters)
    except AWSError as error:
        state["run_error"] = error.message
        return None


def _run_context(run):
    """What the run's fragment shows: progress, or the first rows and the counts by decision."""
    counts = {"allowed": 0, "explicitDeny": 0, "implicitDeny": 0}
    for row in run.results:
        counts[row[2]] = counts.get(row[2], 0) + 1
    service = run.parameters.get("service", "")
    return {
        "run": run,
        "run_service": "all services" if service == simulator_services.ALL_SERVICES else service,
        "run_rows": [
            {
                "row": row,
                "label": simulation.DECISION_LABELS.get(row[2], row[2]),
                "note": simulation.action_note(row[0]),
            }
            for row in run.results[:ROWS_SHOWN]
        ],
        "run_counts": counts,
        "rows_shown": ROWS_SHOWN,
    }


def _included(state):
    """The include checkboxes' ids in existing mode (the session policy is always in play); None in custom."""
    if state["principal"] is None:
        return None
    return set(state["included"]) | {"session:1"}


def _pasted(state):
    """(label, text, validator's policy type) of every document pasted on the page."""
    pasted = [(f"Custom policy {n}", text, "managed") for n, text in enumerate(state["documents"], start=1)]
    pasted += [("Permissions boundary", state["boundary"], "boundary")]
    pasted += [(f"SCP {n}", text, "scp") for n, text in enumerate(state["scps"], start=1)]
    pasted += [("Session policy", state["session_policy"], "managed")]
    pasted += [("Resource policy", state["resource_policy"], "resource")]
    return [(label, text, kind) for label, text, kind in pasted if text.strip()]


def _refusal(state):
    """Why nothing is simulated: the first pasted document that does not parse, or that IAM would refuse."""
    for label, text, kind in _pasted(state):
        try:
            simulation.parse_document(text, label)
        except AWSError as error:
            return error.message
        malformed = validate(text, kind)["malformed"]
        if malformed:
            return f"{label}: {malformed}"
    return ""


def _run(state):
    """Simulate, or say why not; errors go beside their fields."""
    context = _context(state)
    errors = state["context_errors"]
    if not state["chosen"]:
        state["run_error"] = "Choose at least one action."
    if state["mode"] == "existing" and state["principal"] is None:
        state["run_error"] = "Choose a user, group or role."
    # An action with its own ARN is checked against it; the others against the ARN for all of them.
    own = {}
    for hint in state["resource_hints"]:
        if hint["value"]:
            hint["error"] = _arn_error(hint["value"], [hint["action"]])
            own[hint["action"]] = [hint["value"]]
    state["resource_error"] = _arn_error(state["resource"], [a for a in state["chosen"] if a not in own])
    if (
        errors
        or state.get("run_error")
        or state["resource_error"]
        or any(h["error"] for h in state["resource_hints"])
    ):
        return None
    state["run_error"] = _refusal(state)
    if state["run_error"]:
        return None
    if state["principal"] is not None:
        organization = state["organization"]
    else:
        pasted = [d for d in state["scps"] if d.strip()]
        organization = {"scps": [pasted] if pasted else None}
    try:
        return simulation.simulate(
            account=state["account"],
            principal=state["principal"],
            policy_documents=[d for d in state["documents"] if d.strip()],
            boundary=state["boundary"] if state["boundary"].strip() else None,
            session_policies=[state["session_policy"]] if state["session_policy"].strip() else None,
            include=_included(state),
            resource_policy=state["resource_policy"] or None,
            actions=state["chosen"],
            resource_arns=[state["resource"]],
            action_resources=own,
            context=context,
            **organization,
        )
    except AWSError as error:
        state["run_error"] = error.message
        return None


def _who_can(request):
    """The Who can? tab: every user and role of the account allowed one action on one resource."""
    data = request.POST if request.method == "POST" else request.GET
    action = data.get("who_action", "").strip()
    resource = data.get("who_resource", "").strip() or "*"
    state = {"mode": "who-can", "who_action": action, "who_resource": resource}
    if request.method == "POST":
        if catalog.action(action) is None:
            state["who_action_error"] = (
                "Enter an action of the catalog, service:Action, s3:GetObject."
                if action
                else "Enter an action."
            )
        else:
            action = catalog.action(action).full_name
            state["who_resource_error"] = _arn_error(resource, [action])
        if not state.get("who_action_error") and not state["who_resource_error"]:
            state["who_results"] = simulator_services.who_can(
                account=request.acting.account, action=action, resource=resource
            )
            state["who_ran"] = True
    return render_htmx(request, TEMPLATE, state, "simulator-who-can")


@console_login_required
@http_methods("GET", "POST")
def simulator_page(request):
    data = request.POST if request.method == "POST" else request.GET
    if data.get("mode") == "who-can":
        return _who_can(request)
    state = _state(request)
    state.setdefault("context_errors", {})
    op = request.POST.get("op") if request.method == "POST" else None
    if op == "run":
        state["results"] = _run(state)
        state["ran"] = True
    elif op in ("run-service", "run-all"):
        service = state["service_value"] if op == "run-service" else simulator_services.ALL_SERVICES
        run = _start_run(request, state, service)
        if run is not None:
            run.refresh_from_db()  # with inline tasks it has already finished
            state.update(_run_context(run))
    state["context_inputs"] = _context_inputs(state["context_keys"], state["data"], state["context_errors"])
    target = request.htmx.target if request.htmx else None
    partial = (
        target if target in ("simulator-actions", "simulator-context", "simulator-form") else "simulator-form"
    )
    return render_htmx(request, TEMPLATE, state, partial)


def _own_run(request, pk):
    # A run's results are its starter's: another identity of the account finds nothing.
    return get_object_or_404(
        SimulationRun, account=request.acting.account, pk=pk, started_by=request.acting.arn
    )


@console_login_required
@http_methods("GET")
def simulation_run(request, pk):
    """A whole-service run: the progress bar while it runs (polled every second), then its results."""
    run = _own_run(request, pk)
    return render_htmx(request, RUN_TEMPLATE, _run_context(run), "simulator-run")


@console_login_required
@http_methods("GET")
def simulation_run_csv(request, pk):
    """Every row of a finished run as CSV, the results table's columns."""
    run = _own_run(request, pk)
    service = run.parameters.get("service", "")
    name = "all-services" if service == simulator_services.ALL_SERVICES else service
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="simulation-{run.pk}-{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(simulator_services.CSV_HEADER)
    for action, resource, decision, decided_by, missing, statements in run.results:
        writer.writerow(
            [
                action,
                resource,
                simulation.DECISION_LABELS.get(decision, decision),
                decided_by,
                missing,
                statements,
            ]
        )
    return response
