"""The "AWS accounts" page (the tree root → OUs → accounts), OUs, accounts and invitations."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from aws.errors import AWSError
from console.dialogs import confirmation_error
from console.htmx import htmx_redirect, render_htmx, swap_or_redirect
from console.http import http_methods
from console.session import console_login_required
from organizations import flows as organizations_flows

from .. import selectors, services
from ..forms import AccountCreateForm, InviteForm, MoveForm, OrganizationalUnitForm
from ..models import SCP, Handshake, Membership, OrganizationalUnit
from .common import breadcrumbs, managed_organization, refusal


def _open_ids(request):
    return [ou_id for ou_id in request.GET.get("open", "").split(",") if ou_id]


def _toggle(open_ids, ou_id):
    """The ?open= value after expanding or collapsing `ou_id`."""
    ids = [i for i in open_ids if i != ou_id] if ou_id in open_ids else [*open_ids, ou_id]
    return ",".join(ids)


def _rows(node, open_ids, rows):
    """The visible rows of the tree, depth first; OUs not opened hide what is below them."""
    for child in node.units + node.accounts:
        is_open = child.id in open_ids
        rows.append(
            {
                "node": child,
                "open": is_open,
                "toggle": _toggle(open_ids, child.id) if child.kind == "ou" else "",
            }
        )
        if child.kind == "ou" and is_open:
            _rows(child, open_ids, rows)
    return rows


def _count_accounts(node):
    return len(node.accounts) + sum(_count_accounts(unit) for unit in node.units)


@console_login_required
@http_methods("GET")
def organization_accounts(request):
    """AWS accounts: the organization's tree, or the start page (create one, or the invitations)."""
    organization, refused = managed_organization(request, "organizations:ListAccounts")
    if refused:
        return refused
    if organization is None:
        membership = selectors.membership_of(request.acting.account)
        received_denied = refusal(request, "organizations:ListHandshakesForAccount")
        invitations = (
            []
            if received_denied
            else Handshake.objects.filter(
                account=request.acting.account, state=Handshake.State.OPEN
            ).select_related("organization")
        )
        context = {
            "membership": membership,
            "invitations": invitations,
            "received_denied": received_denied,
            "breadcrumbs": breadcrumbs(),
        }
        return render(request, "organizations/start.html", context)
    tree = selectors.organization_tree(organization)
    open_ids = _open_ids(request)
    context = {
        "organization": organization,
        "tree": tree,
        "rows": _rows(tree, open_ids, []),
        "open": ",".join(open_ids),
        "account_count": _count_accounts(tree),
        "breadcrumbs": breadcrumbs(),
    }
    return render_htmx(request, "organizations/accounts.html", context, "org-tree")


@console_login_required
@http_methods("POST")
def organization_create(request):
    try:
        services.organization_create(acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "You successfully created an organization.")
    return redirect("organizations:accounts")


@console_login_required
@http_methods("POST")
def organization_leave(request):
    if request.POST.get("confirm") != "leave":
        # Only the page's "Leave this organization" button (confirm=leave) leaves.
        messages.error(request, "Choose Leave this organization to leave it.")
        return redirect("organizations:accounts")
    try:
        services.organization_leave(acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your account left the organization.")
    return redirect("organizations:accounts")


@console_login_required
@http_methods("POST")
def organization_delete(request):
    organization, refused = managed_organization(request, "organizations:DeleteOrganization")
    if refused or organization is None:
        return refused or redirect("organizations:accounts")
    unconfirmed = confirmation_error(request, organization.id, "the organization ID")
    if unconfirmed:
        messages.error(request, unconfirmed)
        return redirect("organizations:accounts")
    try:
        services.organization_delete(organization=organization, acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The organization was deleted.")
    return redirect("organizations:accounts")


def _organization_or_404(request, action):
    organization, refused = managed_organization(request, action)
    if refused:
        return None, refused
    if organization is None:
        raise Http404("Your account is not a member of an organization.")
    return organization, None


@console_login_required
@http_methods("GET", "POST")
def ou_create(request):
    organization, refused = _organization_or_404(request, "organizations:CreateOrganizationalUnit")
    if refused:
        return refused
    parent_id = request.POST.get("parent") or request.GET.get("parent") or organization.root_id
    form = OrganizationalUnitForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            ou = services.ou_create(
                organization=organization,
                parent_id=parent_id,
                name=form.cleaned_data["name"],
                acting=request.acting,
            )
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(request, f"Organizational unit {ou.name} was created.")
            return redirect(f"{reverse('organizations:accounts')}?open={ou.parent_id or ''}")
    context = {
        "form": form,
        "error": error,
        "parent_id": parent_id,
        "parent_name": selectors.target_name(organization, parent_id),
        "breadcrumbs": breadcrumbs(
            ("AWS accounts", reverse("organizations:accounts")), ("Create organizational unit", None)
        ),
    }
    return render(
        request, "organizations/ou_create.html", context, status=422 if request.method == "POST" else 200
    )


def _target_context(request, organization, target_id):
    """What the page of the root, an OU or an account shows: its details and its SCPs."""
    if target_id == organization.root_id:
        kind, obj, name = "root", organization, "Root"
    elif target_id.startswith("ou-"):
        obj = get_object_or_404(OrganizationalUnit, organization=organization, id=target_id)
        kind, name = "ou", obj.name
    else:
        obj = get_object_or_404(
            Membership.objects.select_related("account", "organization"),
            organization=organization,
            account_id=target_id,
        )
        kind, name = "account", obj.account.name
    attached = selectors.policies_for_target(organization, target_id, SCP)
    attachable = []
    if organization.scp_enabled:
        attachable = [
            policy
            for policy in selectors.policies_of(organization, SCP)
            if policy.id not in {attached_policy.id for attached_policy in attached}
        ]
    return {
        "organization": organization,
        "target_id": target_id,
        "kind": kind,
        "object": obj,
        "name": name,
        "attached": attached,
        "attachable": attachable,
        "breadcrumbs": breadcrumbs(("AWS accounts", reverse("organizations:accounts")), (name, None)),
    }


@console_login_required
@http_methods("GET")
def target_detail(request, target_id):
    """The root, an OU or an account: details, its SCPs (attach, detach) and, for an account, Move."""
    organization, refused = _organization_or_404(request, "organizations:DescribeOrganization")
    if refused:
        return refused
    context = _target_context(request, organization, target_id)
    if context["kind"] == "account":
        context["move_form"] = MoveForm(
            initial={"destination": context["object"].parent_id or organization.root_id},
            choices=selectors.parents(organization),
        )
        context["levels"] = selectors.effective_chain(context["object"])
    return render_htmx(request, "organizations/target_detail.html", context, "target-policies")


@console_login_required
@http_methods("POST")
def target_policy_change(request, target_id):
    """Attach or detach an SCP on this target; the policies panel is swapped in place."""
    organization, refused = _organization_or_404(request, "organizations:AttachPolicy")
    if refused:
        return refused
    policy = get_object_or_404(selectors.usable_policies(organization), id=request.POST.get("policy", ""))
    change = services.policy_detach if request.POST.get("change") == "detach" else services.policy_attach
    error = ""
    try:
        change(organization=organization, policy=policy, target_id=target_id, acting=request.acting)
    except AWSError as exc:
        error = exc.message
    context = _target_context(request, organization, target_id)
    context["policy_error"] = error
    return swap_or_redirect(
        request,
        lambda: render(request, "organizations/target_detail.html#target-policies", context),
        reverse("organizations:target_detail", kwargs={"target_id": target_id}),
        error=error,
    )


@console_login_required
@http_methods("POST")
def ou_rename(request, target_id):
    organization, refused = _organization_or_404(request, "organizations:UpdateOrganizationalUnit")
    if refused:
        return refused
    ou = get_object_or_404(OrganizationalUnit, organization=organization, id=target_id)
    try:
        services.ou_rename(ou=ou, name=request.POST.get("name", ""), acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The organizational unit was renamed to {ou.name}.")
    return redirect("organizations:target_detail", target_id=target_id)


@console_login_required
@http_methods("POST")
def ou_delete(request, target_id):
    organization, refused = _organization_or_404(request, "organizations:DeleteOrganizationalUnit")
    if refused:
        return refused
    ou = get_object_or_404(OrganizationalUnit, organization=organization, id=target_id)
    unconfirmed = confirmation_error(request, ou.name, "the name of the organizational unit")
    if unconfirmed:
        messages.error(request, unconfirmed)
        return redirect("organizations:target_detail", target_id=target_id)
    try:
        services.ou_delete(ou=ou, acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
        return redirect("organizations:target_detail", target_id=target_id)
    messages.success(request, f"The organizational unit {ou.name} was deleted.")
    return redirect("organizations:accounts")


@console_login_required
@http_methods("POST")
def account_move(request, target_id):
    organization, refused = _organization_or_404(request, "organizations:MoveAccount")
    if refused:
        return refused
    membership = get_object_or_404(
        Membership.objects.select_related("account", "organization"),
        organization=organization,
        account_id=target_id,
    )
    try:
        services.account_move(
            membership=membership, destination_id=request.POST.get("destination", ""), acting=request.acting
        )
    except AWSError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The AWS account {membership.account.name} was moved.")
    return htmx_redirect(request, reverse("organizations:target_detail", args=[target_id]))


@console_login_required
@http_methods("POST")
def account_remove(request, target_id):
    organization, refused = _organization_or_404(request, "organizations:RemoveAccountFromOrganization")
    if refused:
        return refused
    membership = get_object_or_404(
        Membership.objects.select_related("account", "organization"),
        organization=organization,
        account_id=target_id,
    )
    unconfirmed = confirmation_error(request, membership.account_id, "the account ID", verb="removal")
    if unconfirmed:
        messages.error(request, unconfirmed)
        return redirect("organizations:target_detail", target_id=target_id)
    try:
        services.account_remove(membership=membership, acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
        return redirect("organizations:target_detail", target_id=target_id)
    messages.success(request, f"The AWS account {membership.account.name} was removed from the organization.")
    return redirect("organizations:accounts")


@console_login_required
@http_methods("GET", "POST")
def account_create(request):
    """Add an AWS account: Create an AWS account."""
    organization, refused = _organization_or_404(request, "organizations:CreateAccount")
    if refused:
        return refused
    form = AccountCreateForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            membership = organizations_flows.account_create_with_access_role(
                organization=organization,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                acting=request.acting,
            )
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                f"The AWS account {membership.account.name} ({membership.account_id}) was created. "
                'Its root user signs in after choosing a password through "Forgot password?".',
            )
            return redirect("organizations:accounts")
    context = {
        "form": form,
        "error": error,
        "tab": "create",
        "breadcrumbs": breadcrumbs(
            ("AWS accounts", reverse("organizations:accounts")), ("Add an AWS account", None)
        ),
    }
    return render(
        request, "organizations/account_add.html", context, status=422 if request.method == "POST" else 200
    )


@console_login_required
@http_methods("GET", "POST")
def account_invite(request):
    """Add an AWS account: Invite an existing AWS account."""
    organization, refused = _organization_or_404(request, "organizations:InviteAccountToOrganization")
    if refused:
        return refused
    form = InviteForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.handshake_invite(
                organization=organization,
                target=form.cleaned_data["target"],
                notes=form.cleaned_data["notes"],
                acting=request.acting,
            )
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(request, "The invitation was sent.")
            return redirect("organizations:invitations")
    context = {
        "form": form,
        "error": error,
        "tab": "invite",
        "breadcrumbs": breadcrumbs(
            ("AWS accounts", reverse("organizations:accounts")), ("Add an AWS account", None)
        ),
    }
    return render(
        request, "organizations/account_add.html", context, status=422 if request.method == "POST" else 200
    )


@console_login_required
@http_methods("GET")
def invitations(request):
    """Invitations the organization sent (management account) or that this account received."""
    organization = selectors.managed_organization(request.acting.account)
    # Each list is its API's: ListHandshakesForOrganization, ListHandshakesForAccount.
    sent_denied = organization and refusal(request, "organizations:ListHandshakesForOrganization")
    received_denied = refusal(request, "organizations:ListHandshakesForAccount")
    sent = organization.handshakes.select_related("account") if organization and not sent_denied else []
    received = (
        []
        if received_denied
        else Handshake.objects.filter(account=request.acting.account).select_related("organization")
    )
    context = {
        "organization": organization,
        "sent": sent,
        "sent_denied": sent_denied,
        "received": received,
        "received_denied": received_denied,
        "breadcrumbs": breadcrumbs(("Invitations", None)),
    }
    return render(request, "organizations/invitations.html", context)


@console_login_required
@http_methods("POST")
def handshake_respond(request, handshake_id):
    """Accept or decline (the invited account) or cancel (the organization) an invitation."""
    handshake = get_object_or_404(Handshake.objects.select_related("organization"), id=handshake_id)
    if request.acting.account.id not in (handshake.account_id, handshake.organization.management_account_id):
        raise Http404("You specified a handshake that doesn't exist.")
    answer = request.POST.get("answer")
    service = {
        "accept": services.handshake_accept,
        "decline": services.handshake_decline,
        "cancel": services.handshake_cancel,
    }.get(answer)
    if service is None:
        raise Http404("Unknown answer.")
    try:
        service(handshake=handshake, acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            {
                "accept": "You joined the organization.",
                "decline": "You declined the invitation.",
                "cancel": "The invitation was canceled.",
            }[answer],
        )
    return redirect("organizations:accounts" if answer == "accept" else "organizations:invitations")
