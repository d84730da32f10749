"""Users pages: list, create wizard, detail tabs, delete."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from access.crypto import decrypt, encrypt
from accounts import selectors
from accounts.forms import UserDetailsForm, UserPermissionsForm
from accounts.models import Group, IAMUser
from accounts.services import users as user_services
from accounts.services.groups import group_add_user
from accounts.services.login_profiles import generate_password, login_profile_create
from accounts.services.users import user_delete_with_dependents
from aws.arns import arn_of
from aws.errors import AWSError, NoSuchEntity
from aws.params import ascii_int, search_text
from console.htmx import render_htmx
from console.http import http_methods
from console.pages import allowed_rows, read_denial
from console.session import console_login_required
from console.tags import parse_tags, remove_tag_row

PAGE_SIZE = 20
DRAFT_KEY = "user_create_draft"
CREATED_KEY = "user_create_result"
STEPS = [
    (1, "Specify user details"),
    (2, "Set permissions"),
    (3, "Review and create"),
    (4, "Retrieve password"),
]


def get_user_or_404(request, name):
    try:
        return selectors.user_get(account=request.acting.account, name=name)
    except NoSuchEntity as exc:
        raise Http404(exc.message) from exc


def signin_url(request):
    return request.build_absolute_uri(f"/signin/{request.acting.account.signin_identifier}")


def users_breadcrumbs(*more):
    return [("IAM", reverse("dashboard")), ("Users", reverse("accounts:user_list") if more else None), *more]


def _sort_params(request, allowed):
    sort = request.GET.get("sort", "name")
    if sort not in allowed:
        sort = "name"
    return sort, request.GET.get("order") == "desc"


@console_login_required
@http_methods("GET")
def user_list(request):
    search = search_text(request.GET)
    sort, descending = _sort_params(request, selectors.USER_SORTS)
    users = selectors.user_list(
        account=request.acting.account, search=search, sort=sort, descending=descending
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": _authorized_rows(request, selectors.user_rows(page.object_list)),
        "search": search,
        "sort": sort,
        "descending": descending,
        "breadcrumbs": users_breadcrumbs(),
    }
    return render_htmx(request, "accounts/user_list.html", context, "user-table")


# The users list's cells beyond ListUsers are each user's own reads, as the console makes them.
ROW_READS = {
    "ListGroupsForUser": {"groups": []},
    "ListMFADevices": {"mfa": ""},
    "GetLoginProfile": {"password_age_days": None, "console_last_sign_in": None, "console_access": False},
    "ListAccessKeys": {"active_key_ids": [], "active_key_age_days": None, "last_activity": None},
}


def _authorized_rows(request, rows):
    users = [row.user for row in rows]
    for operation, blanks in ROW_READS.items():
        allowed = allowed_rows(request, operation, users)
        for row in rows:
            if row.user.pk not in allowed:
                row.denied.add(operation)
                for name, blank in blanks.items():
                    setattr(row, name, blank)
    return rows


@console_login_required
@http_methods("GET", "POST")
def user_delete_many(request):
    """Delete several users at once; the console asks to type "delete" to confirm."""
    names = request.POST.getlist("user") if request.method == "POST" else request.GET.getlist("user")
    users = list(IAMUser.objects.filter(account=request.acting.account, name__in=names))
    if not users:
        messages.info(request, "Select one or more users to delete.")
        return redirect("accounts:user_list")
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip() != "delete":
            error = 'To confirm deletion, enter "delete" in the text input field.'
        else:
            try:
                with transaction.atomic():
                    for user in users:
                        user_delete_with_dependents(user=user, acting=request.acting)
            except AWSError as exc:
                error = exc.message
            else:
                deleted = ", ".join(user.name for user in users)
                messages.success(request, f"{len(users)} user(s) deleted: {deleted}.")
                return _redirect(request, reverse("accounts:user_list"))
    context = {"users": users, "error": error, "breadcrumbs": users_breadcrumbs(("Delete users", None))}
    return render_htmx(request, "accounts/user_delete_many.html", context, "user-dialog")


# The create user wizard. The draft lives in the session so that the back button and a reload keep
# what was entered; a custom password is kept there only encrypted.


def _draft(request):
    return request.session.get(DRAFT_KEY) or {
        "name": "",
        "console_access": False,
        "password_type": "autogenerated",
        "password_encrypted": "",
        "reset_required": True,
        "permissions_option": "groups",
        "groups": [],
        "policies": [],
        "copy_from": "",
        "tags": [],
    }


def _save_draft(request, draft):
    request.session[DRAFT_KEY] = draft


def _step_url(step):
    return f"{reverse('accounts:user_create')}?step={step}"


def _account_groups(request, selected=()):
    groups = list(selectors.group_list(account=request.acting.account))
    for group in groups:
        group.selected = group.name in selected
    return groups


def _wizard_context(request, step, draft, **extra):
    return {
        "step": step,
        "steps": STEPS,
        "draft": draft,
        "breadcrumbs": users_breadcrumbs(("Create user", None)),
        **extra,
    }


def _render_step(request, step, draft, status=200, **extra):
    context = _wizard_context(request, step, draft, **extra)
    if step == 2:
        from policies.views.permissions import wizard_permissions_context

        denied = read_denial(request, "ListGroups", arn_of(request.acting.account.id, "group"))
        context["groups_denied"] = denied
        context.setdefault("groups", [] if denied else _account_groups(request, draft["groups"]))
        option = request.GET.get("option") or extra.get("option") or draft.get("permissions_option", "groups")
        context["option"] = option if option in ("groups", "copy", "policies") else "groups"
        context.update(wizard_permissions_context(request, draft, context["option"]))
    if step == 3:
        from policies.views.permissions import wizard_permissions_summary

        context["selected_groups"] = list(draft["groups"])
        context["permission_rows"] = wizard_permissions_summary(request, draft)
        context["tags_left"] = max(0, 50 - len(draft["tags"]))
    response = render_htmx(request, "accounts/user_create.html", context, "wizard-step")
    response.status_code = status
    if request.htmx:
        response["HX-Push-Url"] = _step_url(step)
    return response


def _go_to(request, step, draft):
    if request.htmx:
        return _render_step(request, step, draft)
    return redirect(_step_url(step))


@console_login_required
@http_methods("GET", "POST")
def user_create(request):
    step = ascii_int(request.GET.get("step", "1")) or 1
    if step == 4:
        return _retrieve_password(request)
    step = min(max(step, 1), 3)
    draft = _draft(request)
    if step > 1 and not draft["name"]:
        step = 1  # the later steps need a user name first
    if request.method == "GET":
        if step == 1:
            form = UserDetailsForm(initial=draft, account=request.acting.account, draft=draft)
            return _render_step(request, 1, draft, form=form)
        return _render_step(request, step, draft)

    if step == 1:
        form = UserDetailsForm(request.POST, account=request.acting.account, draft=draft)
        if not form.is_valid():
            return _render_step(request, 1, draft, form=form, status=422)
        data = form.cleaned_data
        draft.update(
            name=data["name"],
            console_access=data["console_access"],
            password_type=data["password_type"],
            reset_required=data["reset_required"],
        )
        if data["console_access"] and data["password_type"] == "custom":
            draft["password_encrypted"] = (
                encrypt(data["password"]) if data["password"] else draft["password_encrypted"]
            )
        else:
            draft["password_encrypted"] = ""
        _save_draft(request, draft)
        return _go_to(request, 2, draft)

    if step == 2:
        if request.POST.get("action") == "previous":
            return _go_to(request, 1, draft)
        option = request.POST.get("permissions_option", "groups")
        if option in ("copy", "policies"):
            from policies.views.permissions import wizard_permissions_choice

            error = wizard_permissions_choice(request, draft, option)
            if error:
                return _render_step(request, 2, draft, option=option, permissions_error=error, status=422)
            _save_draft(request, draft)
            return _go_to(request, 3, draft)
        form = UserPermissionsForm(request.POST, account=request.acting.account)
        if not form.is_valid():
            return _render_step(request, 2, draft, permissions_form=form, status=422)
        draft.update(
            permissions_option="groups", groups=form.cleaned_data["groups"], policies=[], copy_from=""
        )
        _save_draft(request, draft)
        return _go_to(request, 3, draft)

    # Step 3: edit tags, go back, or create.
    action = request.POST.get("action", "create")
    tags, tag_error = parse_tags(request.POST)
    draft["tags"] = [[key, value] for key, value in tags]
    if action == "previous":
        _save_draft(request, draft)
        return _go_to(request, 2, draft)
    if action == "add_tag":
        draft["tags"].append(["", ""])
        _save_draft(request, draft)
        return _render_step(request, 3, draft)
    if action.startswith("remove_tag_"):
        remove_tag_row(draft["tags"], action)
        _save_draft(request, draft)
        return _render_step(request, 3, draft)
    _save_draft(request, draft)
    if tag_error:
        return _render_step(request, 3, draft, error=tag_error, status=422)
    try:
        user, password = _create_from_draft(request, draft)
    except AWSError as exc:
        return _render_step(request, 3, draft, error=exc.message, status=422)
    request.session.pop(DRAFT_KEY, None)
    if password is None:
        messages.success(request, f"User {user.name} created successfully.")
        return _redirect(request, reverse("accounts:user_detail", args=[user.name]))
    request.session[CREATED_KEY] = {"name": user.name, "password_encrypted": encrypt(password)}
    return _redirect(request, _step_url(4))


def _redirect(request, url):
    # An HTMX request gets a client-side redirect, so the browser's address bar follows.
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _create_from_draft(request, draft):
    """Create the user, its console password and its memberships: all of it or nothing."""
    account = request.acting.account
    tags = [(key, value) for key, value in draft["tags"] if key or value]
    with transaction.atomic():
        user = user_services.user_create(
            account=account, name=draft["name"], tags=tags, acting=request.acting
        )
        password = None
        if draft["console_access"]:
            if draft["password_type"] == "custom" and draft["password_encrypted"]:
                password = decrypt(draft["password_encrypted"])
            else:
                password = generate_password(account=account)
            login_profile_create(
                user=user,
                password=password,
                password_reset_required=draft["reset_required"],
                acting=request.acting,
            )
            if draft["reset_required"]:
                # As the console does: the user gets IAMUserChangePassword to set the new password.
                from policies.services.permissions import attach_change_password_policy

                attach_change_password_policy(user=user, acting=request.acting)
        for group in Group.objects.filter(account=account, name__in=draft["groups"]):
            group_add_user(group=group, user=user, acting=request.acting)
        from policies.views.permissions import wizard_permissions_apply

        wizard_permissions_apply(request, user, draft)
    return user, password


def _retrieve_password(request):
    """Step 4: the console password, shown once; a reload finds it gone, as in the console."""
    created = request.session.pop(CREATED_KEY, None)
    context = _wizard_context(request, 4, _draft(request))
    if created:
        context.update(
            created_name=created["name"],
            password=decrypt(created["password_encrypted"]),
            signin_url=signin_url(request),
        )
    return render_htmx(request, "accounts/user_create.html", context, "wizard-step")


@console_login_required
@http_methods("GET")
def user_create_cancel(request):
    request.session.pop(DRAFT_KEY, None)
    return redirect("accounts:user_list")


# User detail

TABS = [
    ("permissions", "Permissions"),
    ("groups", "Groups"),
    ("tags", "Tags"),
    ("security_credentials", "Security credentials"),
]


def user_detail_context(request, user, tab, **extra):
    from accounts.views.credentials import security_credentials_context

    # The summary's "Console access" cell is GetLoginProfile's and ListMFADevices' (GetUser is the page's).
    summary_shown = all(
        allowed_rows(request, operation, [user]) for operation in ("GetLoginProfile", "ListMFADevices")
    )
    context = {
        "iam_user": user,
        "tab": tab,
        "tabs": TABS,
        "breadcrumbs": users_breadcrumbs((user.name, None)),
        "console_access_shown": summary_shown,
        "console_access": hasattr(user, "login_profile") and user.login_profile is not None,
        "signin_url": signin_url(request),
        **extra,
    }
    if tab == "groups":
        context["memberships"] = user.memberships.select_related("group").order_by("group__name")
        member_of = {membership.group_id for membership in context["memberships"]}
        context["other_groups"] = [
            group
            for group in selectors.group_list(account=request.acting.account)
            if group.pk not in member_of
        ]
    elif tab == "tags":
        context["tags"] = list(user.tags.all())
        if "draft_tags" not in context:
            context["draft_tags"] = [(tag.key, tag.value) for tag in context["tags"]]
    elif tab == "security_credentials":
        context.update(security_credentials_context(request, user))
    return context


@console_login_required
@http_methods("GET")
def user_detail(request, name):
    user = get_user_or_404(request, name)
    user = IAMUser.objects.select_related("login_profile", "account").get(pk=user.pk)
    tab = request.GET.get("tab", "permissions")
    if tab not in dict(TABS):
        tab = "permissions"
    context = user_detail_context(request, user, tab)
    return render_htmx(request, "accounts/user_detail.html", context, "user-tab")


@console_login_required
@http_methods("POST")
def user_groups(request, name):
    """Add the user to groups, or remove it from one (the Groups tab)."""
    from accounts.services.groups import group_remove_user

    user = get_user_or_404(request, name)
    account = request.acting.account
    error = ""
    change = group_remove_user if request.POST.get("action") == "remove" else group_add_user
    try:
        # All the checked groups or none.
        with transaction.atomic():
            for group in Group.objects.filter(account=account, name__in=request.POST.getlist("group")):
                change(group=group, user=user, acting=request.acting)
    except AWSError as exc:
        error = exc.message
    context = user_detail_context(request, user, "groups", error=error)
    response = render_htmx(request, "accounts/user_detail.html", context, "user-tab")
    if error:
        response.status_code = 422
    return response


@console_login_required
@http_methods("POST")
def user_tags(request, name):
    """The Tags tab's editor: the submitted set replaces the user's tags."""
    from accounts.services.users import user_tag, user_untag

    user = get_user_or_404(request, name)
    tags, error = parse_tags(request.POST)
    action = request.POST.get("action", "save")
    if action == "edit":
        context = user_detail_context(request, user, "tags", editing=True)
        return render_htmx(request, "accounts/user_detail.html", context, "user-tab")
    if action == "add_tag":
        tags.append(("", ""))
        context = user_detail_context(request, user, "tags", editing=True, draft_tags=tags)
        return render_htmx(request, "accounts/user_detail.html", context, "user-tab")
    if action.startswith("remove_tag_"):
        remove_tag_row(tags, action)
        context = user_detail_context(request, user, "tags", editing=True, draft_tags=tags)
        return render_htmx(request, "accounts/user_detail.html", context, "user-tab")
    if not error:
        try:
            with transaction.atomic():
                keep = {key.lower() for key, _ in tags}
                gone = [tag.key for tag in user.tags.all() if tag.key.lower() not in keep]
                if gone:
                    user_untag(user=user, keys=gone, acting=request.acting)
                if tags:
                    user_tag(user=user, tags=tags, acting=request.acting)
        except AWSError as exc:
            error = exc.message
    if error:
        context = user_detail_context(request, user, "tags", editing=True, draft_tags=tags, error=error)
        response = render_htmx(request, "accounts/user_detail.html", context, "user-tab")
        response.status_code = 422
        return response
    messages.success(request, "Tags saved.")
    context = user_detail_context(request, user, "tags")
    if request.htmx:
        return render_htmx(request, "accounts/user_detail.html", context, "user-tab")
    return redirect(f"{reverse('accounts:user_detail', args=[user.name])}?tab=tags")


@console_login_required
@http_methods("GET", "POST")
def user_delete(request, name):
    """Delete one user: type its name to confirm; dependents go in the same transaction."""
    user = get_user_or_404(request, name)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "") != user.name:
            error = "Enter the user name to confirm deletion."
        else:
            try:
                user_delete_with_dependents(user=user, acting=request.acting)
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(request, f"User {user.name} deleted.")
                return _redirect(request, reverse("accounts:user_list"))
    context = {
        "iam_user": user,
        "error": error,
        "key_count": user.access_keys.count(),
        "group_count": user.memberships.count(),
        "breadcrumbs": users_breadcrumbs(
            (user.name, reverse("accounts:user_detail", args=[user.name])), ("Delete", None)
        ),
    }
    response = render_htmx(request, "accounts/user_delete.html", context, "user-dialog")
    if error:
        response.status_code = 422
    return response
