"""Identity providers page: OpenID Connect and SAML providers, add, view, delete."""

from django.contrib import messages
from django.http import Http404
from django.urls import reverse

from aws.errors import AWSError
from aws.params import ascii_int
from console.dialogs import confirmation_error
from console.htmx import htmx_redirect, render_htmx
from console.http import http_methods
from console.session import console_login_required
from policies.models import OpenIDConnectProvider, Role, SAMLProvider
from policies.services.providers import (
    oidc_provider_create,
    oidc_provider_delete,
    saml_entity_id,
    saml_provider_create,
    saml_provider_delete,
)

METADATA_UPLOAD_MAX = 10_000_000


def _breadcrumbs(*more):
    return [
        ("IAM", reverse("dashboard")),
        ("Identity providers", reverse("policies:identity_provider_list") if more else None),
        *more,
    ]


def _provider_or_404(request, kind, key):
    account = request.acting.account
    if kind not in ("oidc", "saml"):
        raise Http404("The identity provider cannot be found.")
    if kind == "oidc":
        pk = ascii_int(key)
        if pk is None:
            raise Http404("The identity provider cannot be found.")
        provider = OpenIDConnectProvider.objects.filter(account=account, pk=pk).first()
    else:
        provider = SAMLProvider.objects.filter(account=account, name=key).first()
    if provider is None:
        raise Http404("The identity provider cannot be found.")
    return provider


def _detail_url(kind, provider):
    key = provider.pk if kind == "oidc" else provider.name
    return reverse("policies:identity_provider_detail", args=[kind, key])


@console_login_required
@http_methods("GET")
def identity_provider_list(request):
    account = request.acting.account
    rows = [
        {
            "name": provider.url,
            "type": "OpenID Connect",
            "created": provider.created_at,
            "url": _detail_url("oidc", provider),
        }
        for provider in OpenIDConnectProvider.objects.filter(account=account)
    ] + [
        {
            "name": provider.name,
            "type": "SAML",
            "created": provider.created_at,
            "url": _detail_url("saml", provider),
        }
        for provider in SAMLProvider.objects.filter(account=account)
    ]
    rows.sort(key=lambda row: row["name"].lower())
    context = {"rows": rows, "breadcrumbs": _breadcrumbs()}
    return render_htmx(request, "policies/provider_list.html", context, "provider-table")


def _lines(text):
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


@console_login_required
@http_methods("GET", "POST")
def identity_provider_create(request):
    """Add provider: SAML (name, metadata document) or OpenID Connect (URL, audience, thumbprints)."""
    data = request.POST if request.method == "POST" else request.GET
    kind = "oidc" if data.get("provider_type") == "oidc" else "saml"
    form = {
        "provider_type": kind,
        "name": data.get("name", "").strip(),
        "url": data.get("url", "").strip(),
        "audience": data.get("audience", "").strip(),
        "thumbprints": data.get("thumbprints", ""),
        "metadata": data.get("metadata", ""),
    }
    error = ""
    if request.method == "POST" and request.POST.get("action") != "switch":
        upload = request.FILES.get("metadata_file")
        if upload is not None:
            form["metadata"] = upload.read(METADATA_UPLOAD_MAX + 1).decode("utf-8", errors="replace")
        try:
            if kind == "oidc":
                provider = oidc_provider_create(
                    account=request.acting.account,
                    url=form["url"],
                    client_ids=_lines(form["audience"]),
                    thumbprints=_lines(form["thumbprints"]),
                    acting=request.acting,
                )
            else:
                provider = saml_provider_create(
                    account=request.acting.account,
                    name=form["name"],
                    metadata_document=form["metadata"],
                    acting=request.acting,
                )
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(request, f"Provider {form['url'] or form['name']} added.")
            return htmx_redirect(request, _detail_url(kind, provider))
    context = {"form": form, "error": error, "breadcrumbs": _breadcrumbs(("Add an Identity provider", None))}
    return render_htmx(
        request, "policies/provider_create.html", context, "provider-form", status=422 if error else 200
    )


@console_login_required
@http_methods("GET")
def identity_provider_detail(request, kind, key):
    provider = _provider_or_404(request, kind, key)
    # Roles of this account whose trust policy names the provider (the console's "Assign role" view).
    roles = Role.objects.filter(account=request.acting.account, trust_policy__contains=provider.arn).order_by(
        "name"
    )
    context = {
        "kind": kind,
        "key": provider.pk if kind == "oidc" else provider.name,
        "provider": provider,
        "entity_id": saml_entity_id(provider) if kind == "saml" else "",
        "roles": roles,
        "breadcrumbs": _breadcrumbs((provider.url if kind == "oidc" else provider.name, None)),
    }
    return render_htmx(request, "policies/provider_detail.html", context, "provider-detail")


@console_login_required
@http_methods("GET", "POST")
def identity_provider_delete(request, kind, key):
    """Delete a provider: type its name (or URL) to confirm."""
    provider = _provider_or_404(request, kind, key)
    label = provider.url if kind == "oidc" else provider.name
    error = ""
    if request.method == "POST":
        error = confirmation_error(request, label, "the provider name")
        if not error:
            try:
                if kind == "oidc":
                    oidc_provider_delete(provider=provider, acting=request.acting)
                else:
                    saml_provider_delete(provider=provider, acting=request.acting)
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(request, f"Provider {label} deleted.")
                return htmx_redirect(request, reverse("policies:identity_provider_list"))
    context = {
        "kind": kind,
        "provider": provider,
        "label": label,
        "error": error,
        "breadcrumbs": _breadcrumbs((label, _detail_url(kind, provider)), ("Delete", None)),
    }
    return render_htmx(
        request, "policies/provider_delete.html", context, "provider-dialog", status=422 if error else 200
    )
