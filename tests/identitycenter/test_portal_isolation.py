"""Every address of the access portal, with every method, for those who must see nothing of dana's:
nobody signed in, the IAM console's root user of another organization, and a portal user of another
organization's identity store. Methods a view does not serve are 405 before anything is read."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from console.http import served_methods
from identitycenter import services
from organizations import services as organizations_services

from .portal_helpers import directory_user, sign_in, with_password

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _portal_patterns():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "sso_portal":
            yield from pattern.url_patterns


def _path(pattern, store, member, permission_set):
    values = {
        "identity_store_id": store,
        "token": "not-a-token",
        "account_id": member.id,
        "permission_set_id": permission_set.id,
    }
    route = str(pattern.pattern)
    for key, value in values.items():
        route = route.replace(f"<str:{key}>", value)
    return f"/start/{route}"


@pytest.fixture
def other_store(charlie_account, charlie_acting):
    organization = organizations_services.organization_create(acting=charlie_acting)
    other = services.instance_create(organization=organization, name="other", acting=charlie_acting)
    return other, with_password(directory_user(other, "erin", acting=charlie_acting))


def _visitors(client, charlie_client_factory, other_store):
    other, _ = other_store
    yield "anonymous", client
    yield "charlie's console", charlie_client_factory()
    portal_client = charlie_client_factory(console=False)
    sign_in(portal_client, other, "erin")
    yield "erin's portal", portal_client


@pytest.fixture
def visitor_clients(client, charlie_account, other_store, sign_in_as):
    def make(console=True):
        fresh = Client()
        return sign_in_as(fresh, charlie_account) if console else fresh

    return list(_visitors(client, make, other_store))


def test_every_portal_address_refuses_other_organizations(
    visitor_clients, instance, member, developer_access
):
    store = instance.identity_store_id
    patterns = list(_portal_patterns())
    assert len(patterns) == 12  # with sso-oidc's device page and the MFA registration at sign-in
    for pattern in patterns:
        served = served_methods(pattern.callback)
        assert served, f"{pattern.name} names no methods"
        path = _path(pattern, store, member, developer_access)
        for who, client in visitor_clients:
            for method in METHODS:
                answer = client.generic(method, path)
                if method not in served:
                    assert answer.status_code == 405, (who, pattern.name, method)
                    continue
                body = answer.content.decode()
                assert member.id not in body and "DeveloperAccess" not in body, (who, pattern.name, method)
                assert answer.status_code in (200, 302, 400, 403), (who, pattern.name, method)
                if answer.status_code == 200:
                    # Only the sign-in pages show, never a page of the portal's user.
                    assert 'name="username"' in body or 'name="password"' in body or method == "POST", (
                        who,
                        pattern.name,
                    )


def test_every_portal_address_of_an_unknown_store_is_not_found(client, instance, member, permission_set):
    for pattern in _portal_patterns():
        path = _path(pattern, "d-0000000000", member, permission_set)
        method = "GET" if "GET" in served_methods(pattern.callback) else "POST"
        assert client.generic(method, path).status_code == 404, pattern.name
