"""Managed policy pages: list, create (editor then review), detail tabs, edit (a new version),
versions (set default, delete, compare), tags, delete."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from aws.errors import AWSError, NoSuchEntity
from aws.params import ascii_int, search_text
from console.dialogs import confirmation_error
from console.htmx import htmx_redirect, render_htmx
from console.http import http_methods
from console.session import console_login_required
from console.tags import tags_editor_post
from console.wizard import Wizard, filled_tags
from policies import selectors
from policies.engine.validation import POLICY_TYPES, SIZE_LIMITS, size_for_quota, validate
from policies.flows import (
    policy_delete_with_detach,
    policy_entities_change,
    policy_tags_replace,
    policy_version_create_replacing,
    policy_versions_delete,
)
from policies.services import policies as services
from policies.views.last_accessed import last_accessed_context
from policies.views.visual import summary_context, visual_editor_context

PAGE_SIZE = 25
DETAIL_TABS = [
    ("permissions", "Permissions"),
    ("entities", "Entities attached"),
    ("tags", "Tags"),
    ("versions", "Policy versions"),
    ("last_accessed", "Last Accessed"),
]
# The console's JSON editor starts from this statement skeleton.
NEW_POLICY_DOCUMENT = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Statement1",
            "Effect": "Allow",
            "Action": [],
            "Resource": []
        }
    ]
}"""
# The create policy wizard: 1) the editor, 2) name, description, tags and the summary.
CREATE_WIZARD = Wizard(
    session_key="policy_create_draft",
    url_name="policies:policy_create",
    template="policies/policy_create.html",
    steps=((1, "Specify permissions"), (2, "Review and create")),
    blank={"document": NEW_POLICY_DOCUMENT, "name": "", "description": "", "tags": []},
    partial="policy-wizard",
)
# Edit: a new version of a customer managed policy, from the default version's document.
EDIT_WIZARD = Wizard(
    session_key="policy_edit_draft",
    url_name="policies:policy_edit",
    template="policies/policy_create.html",
    steps=((1, "Modify permissions"), (2, "Review and save")),
    blank={},
    partial="policy-wizard",
)

# Access Analyzer's finding types, in the order the console lists them.
FINDING_GROUPS = [
    ("SECURITY_WARNING", "Security warnings", "Security"),
    ("ERROR", "Errors", "Errors"),
    ("WARNING", "Warnings", "Warnings"),
    ("SUGGESTION", "Suggestions", "Suggestions"),
]


# The JSON editor partial (templates/policies/policy_editor.html), shared with the inline and trust
# policy editors.


def _finding_row(finding):
    location = (finding.get("locations") or [{}])[0]
    start = (location.get("span") or {}).get("start") or {}
    end = (location.get("span") or {}).get("end") or {}
    path = location.get("path") or []
    statement = None
    if len(path) >= 2 and path[0].get("value") == "Statement" and "index" in path[1]:
        statement = path[1]["index"] + 1
    elif path and path[0].get("value") == "Statement":
        statement = 1
    code = finding.get("issueCode", "")
    return {
        "code": code,
        "title": code.replace("_", " ").title(),
        "details": finding.get("findingDetails", ""),
        "learn_more": finding.get("learnMoreLink", ""),
        "line": start.get("line"),
        "column": start.get("column"),
        "start": start.get("offset"),
        "end": end.get("offset"),
        "statement": statement,
    }


def policy_editor_context(
    document,
    *,
    policy_type="managed",
    entity_name=None,
    field_name="document",
    field_id="policy-document",
    error="",
    validated=True,
):
    """The context the `policy-editor` partial needs, with the validator's verdict grouped as the console."""
    if policy_type not in POLICY_TYPES:
        policy_type = "managed"
    context = {
        "editor_document": document,
        "editor_policy_type": policy_type,
        "editor_entity_name": entity_name or "",
        "editor_field_name": field_name,
        "editor_field_id": field_id,
        "editor_error": error,
        "editor_validated": validated,
        "editor_malformed": None,
        "editor_groups": [],
        "editor_finding_count": 0,
    }
    size, limit = size_for_quota(document, policy_type)
    limit = limit or SIZE_LIMITS.get(policy_type)
    context.update(editor_size=size, editor_limit=limit, editor_limit_text=f"{limit:,}" if limit else "")
    if not validated or not document.strip():
        context["editor_groups"] = [
            {"type": key, "label": label, "short": short, "findings": []}
            for key, label, short in FINDING_GROUPS
        ]
        return context
    verdict = validate(document, policy_type, entity_name=entity_name or None)
    findings = verdict["findings"]
    context["editor_malformed"] = verdict["malformed"]
    context["editor_groups"] = [
        {
            "type": key,
            "label": label,
            "short": short,
            "findings": [_finding_row(f) for f in findings if f.get("findingType") == key],
        }
        for key, label, short in FINDING_GROUPS
    ]
    context["editor_finding_count"] = len(findings)
    return context


@console_login_required
@http_methods("POST")
def policy_validate(request):
    """Live validation as the user types: the findings panel of the editor partial."""
    field_name = request.POST.get("field", "document") or "document"
    document = request.POST.get(field_name, "")
    context = policy_editor_context(
        document,
        policy_type=request.POST.get("policy_type", "managed"),
        entity_name=request.POST.get("entity_name") or None,
        field_name=field_name,
    )
    return render(request, "policies/policy_editor.html#policy-findings", context)


# Shared bits


def policies_breadcrumbs(*more):
    return [
        ("IAM", reverse("dashboard")),
        ("Policies", reverse("policies:policy_list") if more else None),
        *more,
    ]


def get_policy_or_404(request, arn):
    try:
        return selectors.policy_get(account=request.acting.account, arn=arn)
    except NoSuchEntity as exc:
        raise Http404(exc.message) from exc


def get_own_policy_or_404(request, arn):
    """A customer managed policy of the caller's account: the only kind the console edits."""
    policy = get_policy_or_404(request, arn)
    if policy.is_aws_managed:
        raise Http404("AWS managed policies cannot be changed.")
    return policy


def editor_panel_context(request, document, *, error=""):
    """The policy editor of the create and edit pages: the visual editor (the console's default) around
    the JSON editor."""
    context = policy_editor_context(document, error=error)
    context.update(
        visual_editor_context(
            request,
            None if document == NEW_POLICY_DOCUMENT else document,
            json_field="document",
            json_field_id="policy-document",
            json_editor_template="policies/policy_editor.html#policy-editor",
        )
    )
    return context


def _summary_context(document):
    """The policy summary partial's context."""
    return {"summary_document": document, **summary_context(document)}


# List


@console_login_required
@http_methods("GET")
def policy_list(request):
    search = search_text(request.GET)
    kind = request.GET.get("type", "")
    if kind not in selectors.TYPE_LABELS:
        kind = ""
    policies = selectors.policy_list(account=request.acting.account, search=search, kind=kind)
    page = Paginator(policies, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": selectors.policy_rows(page.object_list, account=request.acting.account),
        "search": search,
        "kind": kind,
        "policy_types": selectors.POLICY_TYPES,
        "breadcrumbs": policies_breadcrumbs(),
    }
    return render_htmx(request, "policies/policy_list.html", context, "policy-table")


# Create: 1) the editor, 2) name, description, tags and the summary.


def _render_create(request, step, draft, status=200, **extra):
    context = {
        "draft": draft,
        "mode": "create",
        "breadcrumbs": policies_breadcrumbs(("Create policy", None)),
        **extra,
    }
    if step == 1:
        context.update(
            editor_panel_context(request, draft["document"], error=extra.get("document_error", ""))
        )
    else:
        context.update(_summary_context(draft["document"]))
        context["tags_left"] = max(0, 50 - len(draft["tags"]))
    return CREATE_WIZARD.render(request, step, context, status=status)


@console_login_required
@http_methods("GET", "POST")
def policy_create(request):
    step = CREATE_WIZARD.step(request, last=2)
    draft = CREATE_WIZARD.draft(request)
    if request.method == "GET":
        if step == 2 and validate(draft["document"], "managed")["malformed"]:
            step = 1  # the review needs a document IAM accepts
        return _render_create(request, step, draft)

    if step == 1:
        draft["document"] = request.POST.get("document", "")
        CREATE_WIZARD.save(request, draft)
        malformed = validate(draft["document"], "managed")["malformed"]
        if malformed:
            return _render_create(request, 1, draft, status=422, document_error=malformed)
        return CREATE_WIZARD.go_to(request, 2, lambda step: _render_create(request, step, draft))

    # Step 2: details, tags; go back, or create.
    draft.update(name=request.POST.get("name", "").strip(), description=request.POST.get("description", ""))
    answered = CREATE_WIZARD.tags_step(
        request, draft, 2, lambda step, **extra: _render_create(request, step, draft, **extra)
    )
    if answered:
        return answered
    try:
        policy = services.policy_create(
            account=request.acting.account,
            name=draft["name"],
            description=draft["description"],
            document=draft["document"],
            tags=filled_tags(draft),
            acting=request.acting,
        )
    except AWSError as exc:
        field = "name" if exc.code == "EntityAlreadyExists" or "'policyName'" in exc.message else ""
        field = field or ("description" if "'description'" in exc.message else "")
        return _render_create(request, 2, draft, status=422, error=exc.message, error_field=field)
    CREATE_WIZARD.discard(request)
    messages.success(request, f"Policy {policy.name} created.")
    return htmx_redirect(request, reverse("policies:policy_list"))


@console_login_required
@http_methods("GET")
def policy_create_cancel(request):
    CREATE_WIZARD.discard(request)
    return redirect("policies:policy_list")


# Detail


def _detail_context(request, policy, tab, **extra):
    account = request.acting.account
    default = selectors.default_version(policy)
    context = {
        "policy": policy,
        "type_label": selectors.policy_type_label(policy),
        "tab": tab,
        "tabs": DETAIL_TABS,
        "default_version": default,
        "breadcrumbs": policies_breadcrumbs((policy.name, None)),
        **extra,
    }
    if tab == "permissions":
        view = request.GET.get("view", "")
        document = default.document if default else "{}"
        context.update(_summary_context(document))
        context["view"] = view if view in ("summary", "json") else "summary"
        context["document"] = selectors.pretty_document(document) if policy.is_aws_managed else document
    elif tab == "entities":
        entities = selectors.policy_entities(policy=policy, account=account)
        context["page"] = Paginator(entities, PAGE_SIZE).get_page(request.GET.get("page"))
    elif tab == "versions":
        versions = selectors.version_list(policy)
        context["versions"] = versions
        context["unrecorded_note"] = selectors.unrecorded_versions_note(policy, versions)
        context["dates_unrecorded"] = any(not version.date_recorded for version in versions)
        shown = request.GET.get("version", "")
        context["shown_version"] = selectors.shown_version(policy, shown) if shown else None
    elif tab == "tags":
        context["tags"] = list(policy.tags.all())
        if "draft_tags" not in context:
            context["draft_tags"] = [(tag.key, tag.value) for tag in context["tags"]]
    elif tab == "last_accessed":
        context.update(last_accessed_context(request, policy))
    return context


def _detail_url(policy, tab=None):
    url = reverse("policies:policy_detail", args=[policy.arn])
    return f"{url}?tab={tab}" if tab else url


@console_login_required
@http_methods("GET")
def policy_detail(request, arn):
    policy = get_policy_or_404(request, arn)
    tab = request.GET.get("tab", "permissions")
    if tab not in dict(DETAIL_TABS):
        tab = "permissions"
    return render_htmx(
        request, "policies/policy_detail.html", _detail_context(request, policy, tab), "policy-tab"
    )


def _render_tab(request, policy, tab, status=200, **extra):
    response = render_htmx(
        request,
        "policies/policy_detail.html",
        _detail_context(request, policy, tab, **extra),
        "policy-tab",
        status=status,
    )
    return response


@console_login_required
@http_methods("POST")
def policy_versions(request, arn):
    """The Policy versions tab's actions on the checked versions: set as default, delete, compare."""
    policy = get_own_policy_or_404(request, arn)
    selected = request.POST.getlist("version")
    action = request.POST.get("action", "")
    error = ""
    if action == "compare":
        if len(selected) != 2:
            error = "Select two versions to compare."
        else:
            left, right = sorted(selected, key=lambda v: ascii_int(v.removeprefix("v")) or 0)
            url = f"{reverse('policies:policy_compare', args=[policy.arn])}?left={left}&right={right}"
            return htmx_redirect(request, url)
    elif action == "set_default":
        if len(selected) != 1:
            error = "Select one version to set as default."
        else:
            try:
                services.policy_set_default_version(
                    policy=policy, version_id=selected[0], acting=request.acting
                )
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(
                    request, f"Version {selected[0]} is now the default version of {policy.name}."
                )
    elif action == "delete":
        if not selected:
            error = "Select one or more versions to delete."
        else:
            try:
                policy_versions_delete(policy=policy, version_ids=selected, acting=request.acting)
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(
                    request, f"Deleted version{'s' if len(selected) > 1 else ''} {', '.join(selected)}."
                )
    else:
        error = "Choose an action."
    policy.refresh_from_db()
    if error or request.htmx:
        return _render_tab(request, policy, "versions", status=422 if error else 200, error=error)
    return redirect(_detail_url(policy, "versions"))


@console_login_required
@http_methods("GET")
def policy_compare(request, arn):
    """Two versions side by side: a line diff of their pretty-printed JSON."""
    policy = get_policy_or_404(request, arn)
    left = selectors.shown_version(policy, request.GET.get("left", ""))
    right = selectors.shown_version(policy, request.GET.get("right", ""))
    if left is None or right is None:
        raise Http404("Choose two versions of this policy to compare.")
    context = {
        "policy": policy,
        "left": left,
        "right": right,
        "versions": selectors.version_list(policy),
        "rows": selectors.document_diff(left.document, right.document),
        "breadcrumbs": policies_breadcrumbs(
            (policy.name, _detail_url(policy, "versions")),
            (f"Compare {left.version_id} and {right.version_id}", None),
        ),
    }
    return render_htmx(request, "policies/policy_compare.html", context, "policy-diff")


# Edit: a new version of a customer managed policy.


def _edit_draft(request, policy):
    draft = EDIT_WIZARD.draft(request)
    if draft.get("arn") != policy.arn:
        default = selectors.default_version(policy)
        draft = {"arn": policy.arn, "document": default.document if default else "", "set_as_default": True}
    return draft


def _render_edit(request, policy, step, draft, status=200, **extra):
    versions = list(policy.versions.all())
    context = {
        "policy": policy,
        "draft": draft,
        "mode": "edit",
        "versions": versions,
        "at_limit": len(versions) >= services.MAX_VERSIONS,
        "breadcrumbs": policies_breadcrumbs((policy.name, _detail_url(policy)), ("Edit policy", None)),
        **extra,
    }
    if step == 1:
        context.update(
            editor_panel_context(request, draft["document"], error=extra.get("document_error", ""))
        )
    else:
        context.update(_summary_context(draft["document"]))
    return EDIT_WIZARD.render(request, step, context, status=status, args=[policy.arn])


@console_login_required
@http_methods("GET", "POST")
def policy_edit(request, arn):
    policy = get_own_policy_or_404(request, arn)
    step = EDIT_WIZARD.step(request, last=2)
    draft = _edit_draft(request, policy)

    def go_to(step):
        return EDIT_WIZARD.go_to(
            request, step, lambda step: _render_edit(request, policy, step, draft), args=[policy.arn]
        )

    if request.method == "GET":
        if "step" not in request.GET:
            EDIT_WIZARD.discard(request)  # a fresh edit starts from the default version
            draft = _edit_draft(request, policy)
        return _render_edit(request, policy, step, draft)

    if step == 1:
        draft["document"] = request.POST.get("document", "")
        EDIT_WIZARD.save(request, draft)
        malformed = validate(draft["document"], "managed")["malformed"]
        if malformed:
            return _render_edit(request, policy, 1, draft, status=422, document_error=malformed)
        return go_to(2)

    action = request.POST.get("action", "save")
    draft["set_as_default"] = request.POST.get("set_as_default") == "on"
    EDIT_WIZARD.save(request, draft)
    if action == "previous":
        return go_to(1)
    to_delete = request.POST.getlist("delete_version")
    try:
        policy_version_create_replacing(
            policy=policy,
            document=draft["document"],
            set_as_default=draft["set_as_default"],
            replaced=to_delete,
            acting=request.acting,
        )
    except AWSError as exc:
        policy.refresh_from_db()
        return _render_edit(request, policy, 2, draft, status=422, error=exc.message, to_delete=to_delete)
    EDIT_WIZARD.discard(request)
    messages.success(request, f"Policy {policy.name} updated.")
    return htmx_redirect(request, _detail_url(policy))


# Tags


@console_login_required
@http_methods("POST")
def policy_tags(request, arn):
    """The Tags tab's editor: the submitted set replaces the policy's tags."""
    policy = get_own_policy_or_404(request, arn)
    return tags_editor_post(
        request,
        render_tab=lambda **extra: _render_tab(request, policy, "tags", **extra),
        replace=lambda tags: policy_tags_replace(policy=policy, tags=tags, acting=request.acting),
        saved_url=_detail_url(policy, "tags"),
    )


# Entities attached: Attach and Detach


@console_login_required
@http_methods("GET", "POST")
def policy_attach(request, arn):
    """The console's Attach (Entities attached tab): choose users, groups and roles to attach the policy
    to; each attachment is its service's call (AttachUserPolicy …), all of them or none."""
    policy = get_policy_or_404(request, arn)
    account = request.acting.account
    error = ""
    if request.method == "POST":
        entities = selectors.entities_named(account=account, keys=request.POST.getlist("entity"))
        if not entities:
            error = "Select one or more entities to attach the policy to."
        else:
            try:
                policy_entities_change(policy=policy, entities=entities, attach=True, acting=request.acting)
            except AWSError as exc:
                error = exc.message
            else:
                names = ", ".join(entity.name for _, entity in entities)
                messages.success(request, f"Policy {policy.name} attached to {names}.")
                return htmx_redirect(request, _detail_url(policy, "entities"))
    search = search_text(request.GET)
    context = {
        "policy": policy,
        "candidates": selectors.attach_candidates(policy=policy, account=account, search=search),
        "chosen": set(request.POST.getlist("entity")),
        "search": search,
        "error": error,
        "breadcrumbs": policies_breadcrumbs((policy.name, _detail_url(policy, "entities")), ("Attach", None)),
    }
    return render_htmx(
        request, "policies/policy_attach.html", context, "attach-entities", status=422 if error else 200
    )


@console_login_required
@http_methods("POST")
def policy_detach(request, arn):
    """The console's Detach (Entities attached tab): detach the policy from the checked entities."""
    policy = get_policy_or_404(request, arn)
    entities = selectors.entities_named(account=request.acting.account, keys=request.POST.getlist("entity"))
    error = ""
    if not entities:
        error = "Select one or more entities to detach the policy from."
    else:
        try:
            policy_entities_change(policy=policy, entities=entities, attach=False, acting=request.acting)
        except AWSError as exc:
            error = exc.message
        else:
            names = ", ".join(entity.name for _, entity in entities)
            messages.success(request, f"Policy {policy.name} detached from {names}.")
    if error or request.htmx:
        return _render_tab(request, policy, "entities", status=422 if error else 200, error=error)
    return redirect(_detail_url(policy, "entities"))


# Delete


@console_login_required
@http_methods("GET", "POST")
def policy_delete(request, arn):
    """Delete a customer managed policy: type its name; it is detached from every entity first."""
    policy = get_own_policy_or_404(request, arn)
    error = ""
    if request.method == "POST":
        error = confirmation_error(request, policy.name, "the policy name")
        if not error:
            try:
                policy_delete_with_detach(policy=policy, acting=request.acting)
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(request, f"Policy {policy.name} deleted.")
                return htmx_redirect(request, reverse("policies:policy_list"))
    context = {
        "policy": policy,
        "entities": selectors.policy_entities(policy=policy, account=request.acting.account),
        "version_count": policy.versions.count(),
        "error": error,
        "breadcrumbs": policies_breadcrumbs((policy.name, _detail_url(policy)), ("Delete", None)),
    }
    return render_htmx(
        request, "policies/policy_delete.html", context, "policy-dialog", status=422 if error else 200
    )
