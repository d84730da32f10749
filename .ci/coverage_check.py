#!/usr/bin/env python3
"""Combine the coverage data of a test run, print the report, and fail when

- a module group falls below its floor (FLOORS: raise a floor when the suite reaches more, never
  lower one), or
- a `raise` of the write services is never executed by any test, unless UNREACHED_RAISES names it
  with its reason.

Run by `make coverage` and CI (after both passes) from the repository root.
"""

import ast
import io
import sys
from pathlib import Path

import coverage
from coverage.exceptions import NoDataError

ROOT = Path(__file__).resolve().parent.parent

# Branch coverage floors, in percent, per group of modules (the authorization, the write services,
# the engine). Set at what the suite reaches; raise them as it reaches more.
FLOORS = {
    "access/authorization.py": 94.0,
    "access/operations.py": 100.0,
    "iamconsole/enforcement.py": 97.0,
    "accounts/services/*.py": 98.5,
    "policies/services/*.py": 97.5,
    "organizations/services.py": 99.5,
    "policies/engine/**/*.py": 95.5,
}

# The write services: every raise in them is an AWS error a caller can meet, so a test must meet it.
WRITE_SERVICES = [
    "accounts/services/*.py",
    "policies/services/*.py",
    "organizations/services.py",
    "accounts/flows.py",
    "policies/flows.py",
    "organizations/flows.py",
    "identitycenter/services.py",
    "identitycenter/flows.py",
    "identitycenter/tokens.py",
    "identitycenter/portal.py",
    "identitycenter/federation.py",
    "classrooms/services/seats.py",
    "classrooms/services/snapshots.py",
    "classrooms/services/people.py",
    "classrooms/flows.py",
]

# Raises no test can reach, each with its reason: (file, the raise statement's first line, why).
UNREACHED_RAISES = []


def _combined():
    cov = coverage.Coverage(data_file=str(ROOT / ".coverage"), config_file=str(ROOT / "pyproject.toml"))
    cov.combine(keep=False)
    cov.save()
    cov.load()
    return cov


def _percent(cov, pattern):
    """The pattern's branch coverage, or None when it names no measured file (a module moved: fix FLOORS)."""
    if not any(ROOT.glob(pattern)):
        return None
    try:
        return cov.report(include=[str(ROOT / pattern)], file=io.StringIO())
    except NoDataError:
        return None


def _raise_lines(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    source = path.read_text().splitlines()
    return [
        (node.lineno, source[node.lineno - 1].strip())
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise)
    ]


def unreached_raises(cov):
    """[(file, line, statement)] of the write services' raises that no test executed."""
    data = cov.get_data()
    missing = []
    for pattern in WRITE_SERVICES:
        if not any(ROOT.glob(pattern)):
            missing.append((pattern, 0, "names no file: update WRITE_SERVICES"))
        for path in sorted(ROOT.glob(pattern)):
            executed = set(data.lines(str(path)) or ())
            for line, text in _raise_lines(path):
                if line not in executed:
                    missing.append((str(path.relative_to(ROOT)), line, text))
    return missing


def main():
    cov = _combined()
    print("Branch coverage of the project (both passes, the Celery worker included):")
    total = cov.report(file=sys.stdout, skip_covered=True, sort="cover")
    print(f"\nTotal: {total:.1f}%\n")

    failures = []
    print("Floors:")
    for pattern, floor in FLOORS.items():
        reached = _percent(cov, pattern)
        if reached is None:
            print(f"  {pattern:32} no such measured file")
            failures.append(f"{pattern} names no measured file: update FLOORS to where the module is now")
            continue
        verdict = "ok" if reached >= floor else "BELOW THE FLOOR"
        print(f"  {pattern:32} {reached:5.1f}%  (floor {floor:.1f}%)  {verdict}")
        if reached < floor:
            failures.append(f"{pattern} is at {reached:.1f}%, below its floor of {floor:.1f}%")

    allowed = {(file, text) for file, text, _ in UNREACHED_RAISES}
    missing = unreached_raises(cov)
    unexplained = [(file, line, text) for file, line, text in missing if (file, text) not in allowed]
    print(
        f"\nRaises of the write services no test reaches: {len(missing)} ({len(missing) - len(unexplained)} allowed)"
    )
    for file, line, text in unexplained:
        print(f"  {file}:{line}: {text}")
        failures.append(f"{file}:{line} is never reached: {text}")

    if failures:
        print("\nCoverage check failed:\n  " + "\n  ".join(failures))
        return 1
    print("\nCoverage check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
