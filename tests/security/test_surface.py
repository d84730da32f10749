"""The surface the security tests share: one of each entity, markers everywhere, every URL filled."""

import pytest
from django.test import Client

from . import surface as surface_module
from .surface import Pattern, response_text, sign_in, url_cases, url_patterns

pytestmark = pytest.mark.django_db


def test_every_url_pattern_of_the_project_is_filled(surface):
    cases = url_cases(surface)
    patterns = url_patterns()
    assert {name for name, _ in cases} == {pattern.name for pattern in patterns}
    assert len(patterns) > 100  # the whole console, not one app's URLconf
    assert (
        "policies:identity_provider_detail",
        f"/identity-providers/saml/{surface.saml_provider.name}/",
    ) in cases
    assert not any(path.startswith("/admin/") for _, path in cases)


def test_a_pattern_it_cannot_fill_fails_with_its_name(surface, monkeypatch):
    monkeypatch.setattr(
        surface_module,
        "url_patterns",
        lambda: [Pattern(name="gadgets:gadget_detail", route="gadgets/<str:gadget_id>/", defaults={})],
    )
    with pytest.raises(AssertionError, match=r"gadgets:gadget_detail \(gadgets/<str:gadget_id>/\)"):
        url_cases(surface)


def test_markers_are_unique_and_none_contains_another(surface):
    markers = surface.markers
    assert len(markers) == len(set(markers)) > 30
    assert not [(a, b) for a in markers for b in markers if a != b and a.casefold() in b.casefold()]


def test_the_account_holds_one_of_each_entity(surface):
    user, group, role, policy = surface.user, surface.group, surface.role, surface.policy
    assert user.tags.exists() and hasattr(user, "login_profile")
    assert surface.mfa_device.enabled_at is not None and surface.pending_mfa_device.enabled_at is None
    assert surface.root_mfa_device.user is None
    assert list(group.memberships.values_list("user", flat=True)) == [user.pk]
    assert group.attachments.get().policy == policy and group.inline_policies.exists()
    assert role.tags.exists() and role.attachments.get().policy == policy and role.inline_policies.exists()
    assert surface.instance_profile.role == role
    assert policy.versions.count() == 2 and policy.default_version_number == 2 and policy.tags.count() == 2
    assert surface.member.parent_id == surface.ou.id
    assert surface.scp.attachments.filter(target_id=surface.ou.id).exists()
    assert surface.handshake.current_state == "OPEN"
    assert not surface.caller.attachments.exists() and not surface.caller.memberships.exists()


def test_every_marker_shows_somewhere_to_the_root_user(surface):
    """The markers are real: the pages of the console show each one to a principal allowed to see it."""
    client = sign_in(Client(), surface.account)
    shown = set()
    for _, path in url_cases(surface):
        response = client.get(path)
        if response.status_code == 200:
            text = response_text(response).casefold()
            shown |= {marker for marker in surface.markers if marker.casefold() in text}
    assert sorted(set(surface.markers) - shown) == []
