"""The visual policy editor and the policy summary, as HTMX pieces other pages include.

The editor keeps no server-side state: its blocks travel as form fields (`ve-…`), every change
posts them with an operation (`ve-op`), and the answer is the re-rendered editor, or for a plain
tick only the parts that depend on it. The policy JSON it writes goes back in an `HX-Trigger`
event that static/js/visual_editor.js copies into the page's JSON field (the one the form posts).
"""

import json
from functools import lru_cache

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string

from aws.params import ascii_int
from console.htmx import render_htmx
from console.http import http_methods
from console.session import console_login_required
from policies import summary as policy_summary
from policies import visual
from policies.engine import catalog, jsonpos
from policies.engine.grammar import VERSIONS

TEMPLATE = "policies/visual_editor.html"
SUMMARY_TEMPLATE = "policies/policy_summary.html"
JSON_FIELD = "policy_document"
JSON_FIELD_ID = "policy-document"
LEVELS = policy_summary.LEVELS


# --- form fields <-> state ---------------------------------------------------------------------


def _json_list(text: str) -> list:
    try:
        value = jsonpos.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def state_from_form(data) -> visual.EditorState:
    """The editor's blocks as the form posts them (unknown services and actions are dropped)."""
    try:
        meta = jsonpos.loads(data.get("ve-meta") or "{}")
    except ValueError:
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    version = meta.get("version", visual.VERSION)
    policy_id = meta.get("id")
    state = visual.EditorState(
        version=version if version in (*VERSIONS, None) else visual.VERSION,
        policy_id=policy_id if isinstance(policy_id, str) else None,
    )
    for i in data.getlist("ve-block"):
        if ascii_int(i) is None:
            continue
        block = visual.Block(
            effect="Deny" if data.get(f"ve-{i}-effect") == "Deny" else "Allow",
            sid=data.get(f"ve-{i}-sid") or None,
        )
        svc = catalog.service(data.get(f"ve-{i}-service", ""))
        if svc is not None:
            block.service = svc.prefix
            block.actions = [p for p in _json_list(data.get(f"ve-{i}-patterns")) if isinstance(p, str)]
            block.actions = [p for p in block.actions if p.lower().startswith(svc.prefix.lower() + ":")]
            if data.get(f"ve-{i}-all-actions"):
                block.actions = [f"{svc.prefix}:*"]
            elif data.get(f"ve-{i}-actions-shown"):
                visual.set_block_actions(block, _selection(data, i, block))
            block.all_resources = data.get(f"ve-{i}-resources") == "all"
            block.resources = [arn for arn in data.getlist(f"ve-{i}-arn") if arn and arn != "*"]
            flags = _json_list(data.get(f"ve-{i}-flags"))
            block.actions_listed = "actions" in flags
            block.resources_listed = "resources" in flags
        for raw in data.getlist(f"ve-{i}-cond"):
            try:
                operator, key, values, listed = jsonpos.loads(raw)
            except (ValueError, TypeError):
                continue
            block.conditions.append(visual.Condition(operator, key, list(values), bool(listed)))
        common = []
        if data.get(f"ve-{i}-mfa"):
            common.append(visual.Condition(*visual.MFA_CONDITION, ["true"]))
        ips = [ip.strip() for ip in data.get(f"ve-{i}-source-ip", "").split(",") if ip.strip()]
        if ips:
            common.append(visual.Condition(*visual.SOURCE_IP_CONDITION, ips, len(ips) > 1))
        block.conditions = common + block.conditions
        state.blocks.append(block)
    return state


def _selection(data, i: str, block: visual.Block) -> set[str]:
    """The chosen actions: ticked boxes of the levels on the page, the patterns' for the others.

    A level's boxes are sent only once someone opens it; until then its "All <level> actions" box
    says whether the whole level is chosen, and otherwise the level keeps what the patterns chose.
    """
    svc = catalog.service(block.service)
    before = visual.block_actions(block)
    shown = set(data.getlist(f"ve-{i}-level-shown"))
    whole = set(data.getlist(f"ve-{i}-level-all"))
    ticked = {name.lower() for name in data.getlist(f"ve-{i}-action")}
    chosen = set()
    for level, names in policy_summary.service_levels(svc.prefix).items():
        if level in shown:
            chosen |= ticked & names
        elif level in whole:
            chosen |= names
        elif not (names and names <= before):
            chosen |= before & names
    return chosen


def _next_sid(state: visual.EditorState) -> str:
    taken = {block.sid for block in state.blocks}
    n = 0
    while f"VisualEditor{n}" in taken:
        n += 1
    return f"VisualEditor{n}"


# --- context ---------------------------------------------------------------------------------


def is_mfa(cond: visual.Condition) -> bool:
    """The "MFA required" tick box: Bool aws:MultiFactorAuthPresent true."""
    return (cond.operator, cond.key) == visual.MFA_CONDITION and [str(v).lower() for v in cond.values] == [
        "true"
    ]


def is_source_ip(cond: visual.Condition) -> bool:
    """The "Source IP" field: IpAddress aws:SourceIp."""
    return (cond.operator, cond.key) == visual.SOURCE_IP_CONDITION


def _condition_row(cond: visual.Condition) -> dict:
    return {
        "text": policy_summary.condition_text(cond.operator, cond.key, [str(v) for v in cond.values]),
        "json": json.dumps([cond.operator, cond.key, cond.values, cond.listed]),
    }


def _resource_type_rows(block: visual.Block, account_id: str) -> list[dict]:
    rows = []
    for rtype, required in visual.resource_types_for_block(block):
        arns = [arn for arn in block.resources if visual.resource_type_of_arn(arn, block.service) == rtype]
        fields = [f for f in visual.arn_fields(rtype.arn) if f != "Partition"]
        any_arn = visual.build_arn(rtype.arn, {"Account": account_id} if "Account" in fields else {})
        rows.append(
            {
                "name": rtype.name,
                "required": required,
                "arn_format": rtype.arn,
                "arns": arns,
                "any_arn": any_arn,
                "any": any_arn in arns,
            }
        )
    return rows


def block_context(
    index: int, block: visual.Block, account_id: str, *, search: str = "", open_levels=()
) -> dict:
    """What the template needs to draw one block (only the chosen service's actions)."""
    ctx = {"index": index, "block": block, "search": search, "label": None}
    ctx["conditions"] = [_condition_row(c) for c in block.conditions if not (is_mfa(c) or is_source_ip(c))]
    ctx["mfa"] = any(is_mfa(c) for c in block.conditions)
    ctx["source_ip"] = ", ".join(str(v) for c in block.conditions if is_source_ip(c) for v in c.values)
    if not block.service:
        return ctx
    svc = catalog.service(block.service)
    chosen = visual.block_actions(block)
    all_actions = block.actions == [f"{svc.prefix}:*"]
    levels = []
    for level, names in policy_summary.service_levels(svc.prefix).items():
        if not names:
            continue
        hit = len(names & chosen)
        # Only the levels with chosen actions come with their tick boxes; others load when opened.
        loaded = level in open_levels or (hit and not all_actions)
        actions = sorted((svc.actions[low].name, low in chosen) for low in names) if loaded else []
        levels.append(
            {"name": level, "total": len(names), "chosen": hit, "loaded": loaded, "actions": actions}
        )
    ctx.update(
        label=visual.service_label(svc.prefix),
        prefix=svc.prefix,
        all_actions=all_actions,
        chosen_count=len(chosen),
        levels=levels,
        patterns=json.dumps(block.actions),
        flags=json.dumps(
            [
                name
                for name, on in (("actions", block.actions_listed), ("resources", block.resources_listed))
                if on
            ]
        ),
        resource_types=_resource_type_rows(block, account_id),
        needs_all=visual.needs_all_resources(block),
        other_arns=[arn for arn in block.resources if visual.resource_type_of_arn(arn, svc.prefix) is None],
    )
    return ctx


def editor_context(state: visual.EditorState, account_id: str, **extra) -> dict:
    """The context of the `visual-editor` partial for a state."""
    return {
        "blocks": [block_context(i, b, account_id) for i, b in enumerate(state.blocks)],
        "meta": json.dumps({"version": state.version, "id": state.policy_id}),
        "policy_json": visual.document_json(state),
        "json_field": extra.pop("json_field", JSON_FIELD),
        "json_field_id": extra.pop("json_field_id", JSON_FIELD_ID),
        **extra,
    }


def visual_editor_context(request, document=None, **extra) -> dict:
    """For pages that include the editor: `{% include "policies/visual_editor.html#visual-editor" %}`.

    `document` is the policy to show (dict or JSON text); None starts with one empty block. When
    the visual editor cannot show it, `visual_unsupported` holds the console's note and the page
    should open its JSON tab.
    """
    unsupported = None
    if document in (None, ""):
        state = visual.EditorState(blocks=[visual.Block(sid="VisualEditor0")])
    else:
        state, reason = visual.state_from_document(document)
        if state is None:
            unsupported = visual.unsupported_reason(document)
            state = visual.EditorState(blocks=[visual.Block(sid="VisualEditor0")])
    return editor_context(state, request.acting.account.id, visual_unsupported=unsupported, **extra)


# A summary lists every action by name in its expanders only while that stays small; larger ones
# (AdministratorAccess, ReadOnlyAccess) load a service's actions when its row is opened.
INLINE_ACTION_NAMES = 400


def summary_context(document) -> dict:
    """The context of the `policy-summary` partial for a document (dict or JSON text)."""
    if not isinstance(document, str):
        document = json.dumps(document, separators=(",", ":"))
    return {"summary_html": _summary_html(document)}


@lru_cache(maxsize=64)
def _summary_html(text: str) -> str:
    # The same document (an AWS managed policy above all) is summarised on many pages: keep its HTML.
    result = policy_summary.summarize(text)
    listed = sum(len(level.actions) for row in result.rows for level in row.levels if not level.full)
    inline = listed <= INLINE_ACTION_NAMES and len(result.rows) <= 60
    context = {"summary": result, "summary_inline": inline, "summary_document": "" if inline else text}
    return render_to_string(f"{SUMMARY_TEMPLATE}#summary-body", context)


# --- views -----------------------------------------------------------------------------------


def _json_event(response: HttpResponse, state: visual.EditorState, field_id: str, mode: str | None = None):
    detail = {"json": visual.document_json(state), "field": field_id}
    events = {"visual-json": detail}
    if mode:
        events["visual-mode"] = {"mode": mode}
    response["HX-Trigger-After-Swap"] = json.dumps(events)
    return response


def _render(request, partial: str, context: dict) -> HttpResponse:
    return render(request, f"{TEMPLATE}#{partial}", context)


@console_login_required
@http_methods("POST")
def visual_editor_update(request):
    """Apply one editor operation (`ve-op`) to the posted blocks and answer with what changed."""
    data = request.POST
    account_id = request.acting.account.id
    field_id = data.get("ve-json-field-id") or JSON_FIELD_ID
    op, _, arg = (data.get("ve-op") or "sync").partition(":")
    live_summary = bool(data.get("ve-live-summary"))
    if op == "from-json":
        # The JSON tab switches to Visual: show the JSON's blocks, or say why not and stay on JSON.
        text = data.get(data.get("ve-json-field") or JSON_FIELD, "")
        state, _ = visual.state_from_document(text)
        if state is None:
            response = _render(
                request, "visual-note", {"visual_unsupported": visual.unsupported_reason(text)}
            )
            response["HX-Retarget"] = "#visual-note"
            response["HX-Reswap"] = "outerHTML"
            response["HX-Trigger-After-Swap"] = json.dumps({"visual-mode": {"mode": "json"}})
            return response
        context = editor_context(
            state,
            account_id,
            json_field=data.get("ve-json-field") or JSON_FIELD,
            json_field_id=field_id,
            live_summary=live_summary,
        )
        response = _render(request, "visual-editor", context)
        response.content += b'<div id="visual-note" hx-swap-oob="true"></div>'
        response["HX-Trigger-After-Swap"] = json.dumps({"visual-mode": {"mode": "visual"}})
        return response

    state = state_from_form(data)
    index_text, _, rest = arg.partition(":")
    index = ascii_int(index_text)
    block = None
    if index is not None and index < len(state.blocks):
        block = state.blocks[index]
    elif op not in ("sync", "add-block"):
        return HttpResponseBadRequest("no such block")

    common = {
        "json_field": data.get("ve-json-field") or JSON_FIELD,
        "json_field_id": field_id,
        "live_summary": live_summary,
    }
    if op == "service-search":
        services = _service_options(data.get(f"ve-{index}-service-search", ""))
        context = {"index": index, "services": services}
        return _render(request, "service-options", context)
    if op == "level":
        if not block.service:
            return HttpResponseBadRequest("no service chosen")
        ctx = block_context(index, block, account_id, open_levels={rest})
        level = next((lv for lv in ctx["levels"] if lv["name"] == rest), None)
        if level is None:
            return HttpResponseBadRequest("no such access level")
        return _render(request, "level-actions", {"b": ctx, "level": level})
    if op == "arn-dialog":
        return _render(request, "arn-dialog", _arn_dialog_context(block, index, rest, account_id))
    if op == "condition-dialog":
        return _render(request, "condition-dialog", _condition_dialog_context(block, index))
    if op == "close-dialog":
        return HttpResponse('<div id="visual-dialog"></div>')

    if op == "add-block":
        state.blocks.append(visual.Block(sid=_next_sid(state)))
    elif op == "remove-block":
        state.blocks.remove(block)
    elif op == "duplicate-block":
        copy = visual.Block(**{**block.__dict__, "sid": _next_sid(state)})
        copy.actions, copy.resources, copy.conditions = (
            list(block.actions),
            list(block.resources),
            list(block.conditions),
        )
        state.blocks.insert(index + 1, copy)
    elif op == "service":
        svc = catalog.service(rest)
        if svc is not None and svc.prefix != block.service:
            block.service, block.actions, block.resources, block.all_resources = svc.prefix, [], [], False
    elif op == "change-service":
        block.service, block.actions, block.resources, block.all_resources = None, [], [], False
    elif op == "all-actions":
        block.actions = [f"{block.service}:*"] if data.get(f"ve-{index}-all-actions") else []
    elif op == "add-arn":
        arn = _arn_from_dialog(data, block, rest, account_id)
        if arn and arn not in block.resources:
            block.resources.append(arn)
        block.all_resources = False
    elif op == "any-arn":
        rtype = catalog.service(block.service).resource_types.get(rest)
        if rtype is not None:
            fields = visual.arn_fields(rtype.arn)
            arn = visual.build_arn(rtype.arn, {"Account": account_id} if "Account" in fields else {})
            if data.get(f"ve-{index}-any-{rest}"):
                if arn not in block.resources:
                    block.resources.append(arn)
            elif arn in block.resources:
                block.resources.remove(arn)
    elif op == "remove-arn":
        if rest in block.resources:
            block.resources.remove(rest)
    elif op == "add-condition":
        cond = _condition_from_dialog(data)
        if cond is not None:
            block.conditions.append(cond)
    elif op == "remove-condition":
        block.conditions = [
            c for c in block.conditions if json.dumps([c.operator, c.key, c.values, c.listed]) != rest
        ]
    elif op != "sync":
        return HttpResponseBadRequest("unknown operation")

    if op == "sync":
        # A tick or a typed value: only the parts that depend on the chosen actions change.
        contexts = [block_context(i, b, account_id) for i, b in enumerate(state.blocks)]
        html = "".join(
            render_to_string(f"{TEMPLATE}#{partial}", {"b": ctx, "oob": True}, request)
            for ctx in contexts
            if ctx.get("prefix")
            for partial in ("block-effect", "block-resources")
        )
        if live_summary:
            html += render_to_string(
                f"{SUMMARY_TEMPLATE}#policy-summary",
                {**summary_context(visual.document_from_state(state)), "oob": True},
                request,
            )
        return _json_event(HttpResponse(html), state, field_id)
    context = editor_context(state, account_id, **common)
    response = _render(request, "visual-editor", context)
    return _json_event(response, state, field_id)


def _service_options(search: str) -> list[tuple[str, str]]:
    needle = search.strip().lower()
    found = []
    for prefix, svc in catalog.services().items():
        label = visual.service_label(prefix)
        if not needle or needle in label.lower() or needle in prefix or needle in svc.name.lower():
            found.append((label, svc.prefix))
    found.sort(key=lambda item: item[0].lower())
    return found


def _arn_dialog_context(block, index: int, type_name: str, account_id: str) -> dict:
    rtype = catalog.service(block.service).resource_types.get(type_name) if block.service else None
    if rtype is None:
        return {"dialog": None}
    fields = [f for f in visual.arn_fields(rtype.arn) if f != "Partition"]
    return {
        "dialog": {
            "index": index,
            "type": rtype.name,
            "arn_format": rtype.arn,
            # API Gateway, Lex and Greengrass types have a second format (v1 and v2 APIs): the
            # fields build the first; an ARN of another is typed whole.
            "other_formats": rtype.arns[1:],
            "service_label": visual.service_label(block.service),
            "fields": [
                {"name": f, "label": _field_label(f), "value": account_id if f == "Account" else ""}
                for f in fields
            ],
            "has_account": "Account" in fields,
            "account_id": account_id,
        }
    }


def _field_label(name: str) -> str:
    if name in ("Region", "Account"):
        return f"Resource {name.lower()}"
    words = "".join(f" {c}" if c.isupper() else c for c in name).strip().lower()
    return f"Resource {words}"


def _arn_from_dialog(data, block, type_name: str, account_id: str) -> str | None:
    rtype = catalog.service(block.service).resource_types.get(type_name) if block.service else None
    if rtype is None:
        return None
    typed = data.get("arn-text", "").strip()
    if typed:
        return typed
    values = {}
    for name in visual.arn_fields(rtype.arn):
        if name == "Partition":
            continue
        if name == "Account" and data.get("arn-account-scope") == "this":
            values[name] = account_id
        elif not data.get(f"arn-{name}-any"):
            values[name] = data.get(f"arn-{name}", "").strip()
    return visual.build_arn(rtype.arn, values)


CONDITION_OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnNotEquals",
    "ArnLike",
    "ArnNotLike",
    "Null",
)
QUALIFIERS = (
    ("", "Default"),
    ("ForAnyValue:", "For any value in request"),
    ("ForAllValues:", "For all values in request"),
)


def condition_keys_for_block(block) -> list[str]:
    """The keys the console offers: the chosen actions' and their resource types', then the global keys."""
    keys: set[str] = set()
    if block.service:
        svc = catalog.service(block.service)
        for low in visual.block_actions(block):
            for row in svc.actions[low].resources:
                keys.update(row.condition_keys)
                rtype = svc.resource_types.get(row.resource_type)
                if rtype:
                    keys.update(rtype.condition_keys)
    service_keys = sorted(k for k in keys if not k.lower().startswith("aws:"))
    return service_keys + sorted(key.name for key in catalog.GLOBAL_CONDITION_KEYS.values())


def _condition_dialog_context(block, index: int) -> dict:
    return {
        "dialog": {
            "index": index,
            "keys": condition_keys_for_block(block),
            "operators": CONDITION_OPERATORS,
            "qualifiers": QUALIFIERS,
        }
    }


def _condition_from_dialog(data) -> visual.Condition | None:
    key = data.get("cond-key", "").strip()
    operator = data.get("cond-operator", "")
    if not key or operator not in CONDITION_OPERATORS:
        return None
    qualifier = data.get("cond-qualifier", "")
    if qualifier not in dict(QUALIFIERS):
        qualifier = ""
    if data.get("cond-if-exists") and operator != "Null":
        operator += "IfExists"
    values = [v.strip() for v in data.get("cond-value", "").split(",") if v.strip()]
    if not values:
        return None
    return visual.Condition(qualifier + operator, key, values, len(values) > 1)


@console_login_required
@http_methods("POST")
def policy_summary_view(request):
    """The summary of a posted document, or with `service` and `effect` the actions of one row."""
    data = request.POST
    text = data.get("summary_document") or data.get(data.get("ve-json-field") or JSON_FIELD, "")
    if data.get("service"):
        result = policy_summary.summarize(text)
        row = next(
            (r for r in result.rows if r.prefix == data["service"] and r.effect == data.get("effect")), None
        )
        if row is None:
            return HttpResponseBadRequest("no such service in this policy")
        return render(request, f"{SUMMARY_TEMPLATE}#summary-actions", {"row": row})
    return render(request, f"{SUMMARY_TEMPLATE}#policy-summary", summary_context(text))


@console_login_required
@http_methods("GET", "POST")
def policy_editor(request):
    """A page with the policy editor (Visual and JSON tabs) and the summary beside it."""
    document = request.POST.get(JSON_FIELD) if request.method == "POST" else None
    context = visual_editor_context(request, document, summary_follows_json=True)
    context.update(summary_context(context["policy_json"] if document is None else document))
    context["breadcrumbs"] = [("IAM", "/"), ("Policies", None), ("Policy editor", None)]
    context["document_text"] = document if document is not None else context["policy_json"]
    return render_htmx(request, TEMPLATE, context, "visual-editor")
