"""Instance profile pages: list, create (from a role), add or remove the role, delete; charlie gets 404."""

import pytest
from django.urls import reverse

from policies.models import InstanceProfile
from policies.services.instance_profiles import instance_profile_create
from policies.services.roles import role_create

from .roles_helpers import EC2_TRUST

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def role(account, root_acting):
    return role_create(account=account, name="web", trust_policy=EC2_TRUST, acting=root_acting)


def test_create_from_the_role_page_adds_the_role(root_client, role):
    url = reverse("policies:instance_profile_create")
    form = root_client.get(url, {"role": "web"}).content.decode()
    assert 'value="web"' in form
    response = root_client.post(url, {"role": "web", "name": "web-profile", "path": "/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:role_detail", args=["web"])
    assert InstanceProfile.objects.get(name="web-profile").role == role


def test_create_refusal_is_inline(root_client, account, root_acting):
    instance_profile_create(account=account, name="taken", acting=root_acting)
    response = root_client.post(
        reverse("policies:instance_profile_create"),
        {"name": "TAKEN", "path": "/"},
        headers={**HX, "HX-Target": "instance-profile-form"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="instance-profile-form"')
    assert "Instance Profile TAKEN already exists." in html


def test_list_and_detail(root_client, account, root_acting, role):
    instance_profile_create(account=account, name="empty", acting=root_acting)
    html = root_client.get(reverse("policies:instance_profile_list")).content.decode()
    assert "empty" in html
    fragment = root_client.get(
        reverse("policies:instance_profile_list"), headers={**HX, "HX-Target": "instance-profile-table"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="instance-profile-table"')
    detail = root_client.get(reverse("policies:instance_profile_detail", args=["empty"])).content.decode()
    assert f"arn:aws:iam::{account.id}:instance-profile/empty" in detail and "Add role" in detail


def test_add_then_second_role_refused_then_remove_and_delete(root_client, account, root_acting, role):
    instance_profile_create(account=account, name="p", acting=root_acting)
    other = role_create(account=account, name="other", trust_policy=EC2_TRUST, acting=root_acting)
    url = reverse("policies:instance_profile_role", args=["p"])
    assert root_client.post(url, {"action": "add", "role": "web"}).status_code == 302
    response = root_client.post(
        url, {"action": "add", "role": other.name}, headers={**HX, "HX-Target": "instance-profile"}
    )
    assert response.status_code == 422
    assert "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1" in response.content.decode()

    delete_url = reverse("policies:instance_profile_delete", args=["p"])
    response = root_client.post(
        delete_url, {"confirm": "p"}, headers={**HX, "HX-Target": "instance-profile-dialog"}
    )
    assert response.status_code == 422
    assert "Cannot delete entity, must remove roles from instance profile first." in response.content.decode()

    assert root_client.post(url, {"action": "remove"}).status_code == 302
    assert InstanceProfile.objects.get(name="p").role is None
    assert root_client.post(delete_url, {"confirm": "p"}).status_code == 302
    assert not InstanceProfile.objects.filter(name="p").exists()


def test_charlie_gets_404(charlie_client, account, root_acting, role):
    instance_profile_create(account=account, name="p", acting=root_acting)
    assert charlie_client.get(reverse("policies:instance_profile_detail", args=["p"])).status_code == 404
    assert (
        charlie_client.post(
            reverse("policies:instance_profile_role", args=["p"]), {"role": "web"}
        ).status_code
        == 404
    )
    assert (
        charlie_client.post(
            reverse("policies:instance_profile_delete", args=["p"]), {"confirm": "p"}
        ).status_code
        == 404
    )
    assert "p" not in [
        profile.name
        for profile in charlie_client.get(reverse("policies:instance_profile_list")).context["profiles"]
    ]
    assert InstanceProfile.objects.get(name="p").role is None
