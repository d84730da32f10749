"""Every shipped lab: its file is valid, a fresh seat fails it, and its reference solution, applied
through the AWS API's handlers as the seat's root user, passes it at 100%."""

import pytest

from classrooms.checks import evaluate_lab, read_lab_file, shipped_lab_paths, validate_lab

from .labs_fixtures import fresh_seat, load_managed_policies
from .solutions import apply_solution

PATHS = shipped_lab_paths()
SLUGS_THE_ISSUE_ASKS = {
    "users-and-groups",
    "inline-vs-managed",
    "policy-versions",
    "roles-and-trust",
    "switch-role",
    "permissions-boundary",
    "scp-guardrail",
    "least-privilege-conditions",
}


def percentage(results):
    return 100 * sum(r["score"] for r in results) / sum(r["max_score"] for r in results)


def test_the_product_ships_the_eight_labs_of_the_articles():
    slugs = {read_lab_file(path)["slug"] for path in PATHS}
    assert slugs >= SLUGS_THE_ISSUE_ASKS
    assert len(slugs) == len(PATHS)  # one file per lab, no slug twice


@pytest.mark.parametrize("path", PATHS, ids=[path.stem for path in PATHS])
def test_each_shipped_lab_is_valid_and_has_a_solution(path):
    lab = read_lab_file(path)
    assert validate_lab(lab) == []
    assert lab["solution"], "each shipped lab carries its reference solution"
    assert lab["instructions"].strip()


@pytest.mark.parametrize("path", PATHS, ids=[path.stem for path in PATHS])
def test_a_fresh_seat_fails_and_the_solution_passes(db, path):
    load_managed_policies()
    lab = read_lab_file(path)
    seat = fresh_seat(lab)

    fresh = evaluate_lab(lab["checks"], seat)
    assert percentage(fresh) < lab["pass_percentage"]
    assert all(r["hint"] for r in fresh if not r["passed"])  # a failed check says what to look at

    apply_solution(seat, lab["solution"])
    solved = evaluate_lab(lab["checks"], seat)
    assert [r["id"] for r in solved if not r["passed"]] == []
    assert percentage(solved) == 100
    assert all(r["hint"] == "" for r in solved)
