"""The access portal's sign-in as a browser makes it, for the portal's tests."""

from django.urls import reverse

from identitycenter import portal, services

PASSWORD = "Dana-Portal-2026!"


def with_password(user, password=PASSWORD):
    """The user with a password set through a fresh setup link."""
    link = portal.password_setup_send(user=user, base_url="http://testserver")
    portal.password_set_from_link(
        instance=user.instance, token=link.rstrip("/").rsplit("/", 1)[1], password=password
    )
    user.refresh_from_db()
    return user


def url(name, instance, *args):
    return reverse(f"sso_portal:{name}", args=[instance.identity_store_id, *args])


def sign_in(client, instance, user_name, password=PASSWORD, **headers):
    """Post the user name, then the password; the password step's response."""
    client.post(url("signin", instance), {"username": user_name}, **headers)
    return client.post(url("signin_password", instance), {"password": password}, **headers)


def directory_user(instance, user_name, *, acting, email=None):
    """A user of the instance's directory named `user_name` (email `<name>@example.com` unless given;
    "" for none)."""
    email = f"{user_name}@example.com" if email is None else email
    return services.user_create(
        instance=instance,
        user_name=user_name,
        display_name=user_name.title(),
        given_name=user_name.title(),
        family_name="Roe",
        emails=[{"Value": email, "Primary": True}] if email else [],
        acting=acting,
    )
