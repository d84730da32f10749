"""The labs editor: an instructor's own labs (checks in YAML validated by the lab schema, errors inline
and nothing saved; Markdown previewed), shipped labs read-only (view, duplicate); other instructors'
labs are 404."""

import pytest
from django.urls import reverse

from classrooms.models import Lab

from .factories import InstructorFactory

pytestmark = pytest.mark.django_db

CHECKS = """\
- id: alice-exists
  type: user_exists
  user: alice
  label: The user alice exists
  hint: Create the user alice.
  score: 1
"""


@pytest.fixture
def teacher(client, instructor):
    client.force_login(instructor)
    return client


def _post(client, url, **changes):
    data = {"title": "My lab", "instructions": "Make **alice**.", "checks": CHECKS, "pass_percentage": 100}
    return client.post(url, {**data, **changes})


def test_create_a_lab_then_edit_it(teacher, instructor):
    response = _post(teacher, reverse("portal:lab_create"))

    lab = Lab.objects.get(owner=instructor)
    assert response["Location"] == reverse("portal:lab_detail", args=[lab.pk])
    assert lab.slug == "my-lab" and lab.checks[0]["type"] == "user_exists"
    page = teacher.get(response["Location"])
    assert b"<strong>alice</strong>" in page.content and b"Edit" in page.content
    form = teacher.get(reverse("portal:lab_edit", args=[lab.pk]))
    assert b"user_exists" in form.content
    _post(teacher, reverse("portal:lab_edit", args=[lab.pk]), title="Renamed")
    lab.refresh_from_db()
    assert lab.title == "Renamed" and lab.slug == "renamed"


@pytest.mark.parametrize(
    ("checks", "message"),
    [
        ("- id: [unclosed", "The checks are not valid YAML at line 1"),
        (CHECKS.replace("user_exists", "user_exist"), "checks[0].type"),
        ("", "checks: must be a list of at least one check"),
    ],
)
def test_invalid_checks_are_shown_inline_and_nothing_is_saved(teacher, checks, message):
    response = _post(teacher, reverse("portal:lab_create"), checks=checks)

    assert response.status_code == 422 and message in response.content.decode()
    assert not Lab.objects.exists()


def test_preview_renders_markdown_safely(teacher):
    url = reverse("portal:lab_create")
    data = {
        "action": "preview",
        "instructions": "# Step 1\n\n<script>alert(1)</script> [x](javascript:alert(1))",
    }

    fragment = teacher.post(url, data, headers={"HX-Request": "true", "HX-Target": "lab-preview"})
    page = teacher.post(url, data)

    text = fragment.content.decode()
    assert text.lstrip().startswith('<div id="lab-preview"') and "<h1>Step 1</h1>" in text
    assert "<script>" not in text and 'href="javascript' not in text
    assert "<h1>Step 1</h1>" in page.content.decode() and "Create lab" in page.content.decode()
    assert not Lab.objects.exists()


def test_a_shipped_lab_is_read_only_and_can_be_duplicated(teacher, instructor):
    shipped = Lab.objects.create(owner=None, slug="users-and-groups", title="Users and groups", checks=[])

    page = teacher.get(reverse("portal:lab_detail", args=[shipped.pk]))
    assert b"read-only" in page.content
    assert teacher.get(reverse("portal:lab_edit", args=[shipped.pk])).status_code == 404
    assert _post(teacher, reverse("portal:lab_edit", args=[shipped.pk])).status_code == 404

    response = teacher.post(reverse("portal:lab_duplicate", args=[shipped.pk]))

    copy = Lab.objects.get(owner=instructor)
    assert response["Location"] == reverse("portal:lab_edit", args=[copy.pk])
    shipped.refresh_from_db()
    assert shipped.title == "Users and groups" and copy.title == "Users and groups (copy)"


def test_the_lab_list_shows_shipped_and_own_labs_only(teacher, instructor):
    Lab.objects.create(owner=None, slug="shipped", title="Shipped lab")
    Lab.objects.create(owner=instructor, slug="mine", title="My own lab")
    theirs = Lab.objects.create(owner=InstructorFactory(), slug="theirs", title="Their lab")

    page = teacher.get(reverse("portal:lab_list")).content.decode()

    assert "Shipped lab" in page and "My own lab" in page and "Their lab" not in page
    for name in ("portal:lab_detail", "portal:lab_edit"):
        assert teacher.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert teacher.post(reverse("portal:lab_duplicate", args=[theirs.pk])).status_code == 404
