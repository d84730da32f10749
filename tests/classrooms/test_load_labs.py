"""manage.py load_labs: the shipped labs in the database, validated, idempotent, without their solutions."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from classrooms.checks import read_lab_file, shipped_lab_paths
from classrooms.errors import ClassroomError
from classrooms.models import Lab
from classrooms.services.shipped_labs import shipped_labs_load

from .lab_factories import LabFactory

pytestmark = pytest.mark.django_db


def load():
    out = io.StringIO()
    call_command("load_labs", stdout=out)
    return out.getvalue()


def test_the_shipped_labs_are_loaded_with_no_owner_and_no_solution():
    assert load().strip() == f"Shipped labs: {len(shipped_lab_paths())} created, 0 updated, 0 unchanged."
    for path in shipped_lab_paths():
        data = read_lab_file(path)
        lab = Lab.objects.get(owner=None, slug=data["slug"])
        assert (lab.title, lab.pass_percentage, lab.checks) == (
            data["title"],
            data["pass_percentage"],
            data["checks"],
        )
        assert lab.instructions == data["instructions"]
        stored = json.dumps([lab.title, lab.instructions, lab.checks])
        for step in data["solution"]:
            assert json.dumps(step["params"]) not in stored


def test_a_second_load_writes_nothing_and_a_changed_lab_is_updated():
    load()
    count = len(shipped_lab_paths())
    assert load().strip() == f"Shipped labs: 0 created, 0 updated, {count} unchanged."
    Lab.objects.filter(slug="users-and-groups").update(title="Edited by hand", checks=[])
    assert load().strip() == f"Shipped labs: 0 created, 1 updated, {count - 1} unchanged."
    assert Lab.objects.get(owner=None, slug="users-and-groups").title == "Users and groups"
    assert Lab.objects.filter(owner=None).count() == count


def test_an_instructors_lab_of_the_same_slug_is_left_alone():
    own = LabFactory(slug="users-and-groups", title="Mine")
    load()
    own.refresh_from_db()
    assert own.title == "Mine"
    assert Lab.objects.filter(slug="users-and-groups").count() == 2


def test_an_invalid_file_refuses_the_load_and_writes_nothing(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(shipped_lab_paths()[0].read_text())
    bad = tmp_path / "bad.yaml"
    bad.write_text("slug: bad\ntitle: Bad\npass_percentage: 150\nchecks: []\n")
    with pytest.raises(ClassroomError) as refused:
        shipped_labs_load(paths=[good, bad])
    assert refused.value.message == (
        "bad.yaml: pass_percentage: must be a whole number from 1 to 100; checks: must be a list of at least one check"
    )
    assert not Lab.objects.exists()


def test_two_files_of_one_slug_are_refused(tmp_path):
    paths = []
    for name in ("a.yaml", "b.yaml"):
        paths.append(tmp_path / name)
        paths[-1].write_text(shipped_lab_paths()[0].read_text())
    with pytest.raises(ClassroomError, match="Two shipped lab files have the same slug."):
        shipped_labs_load(paths=paths)
    assert not Lab.objects.exists()


def test_the_command_reports_an_invalid_file_as_an_error(monkeypatch, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("slug: [\n")
    monkeypatch.setattr("classrooms.checks.files.LABS_DIR", tmp_path)
    with pytest.raises(CommandError, match="bad.yaml: the lab is not valid YAML or JSON"):
        load()
