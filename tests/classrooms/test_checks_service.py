"""check_run_create: Check my work records each run for the instructor, for the seat's own student and
the classroom's own labs only."""

import io

import pytest
from django.core.management import call_command

from access.acting import Acting
from accounts.services.users import user_create
from classrooms.checks import read_lab_file, shipped_lab_paths
from classrooms.errors import ClassroomError
from classrooms.models import CheckRun, ClassroomLab, Lab, Seat
from classrooms.services.checks import NOT_IN_CLASSROOM, NOT_READY, NOT_YOURS, check_run_create, passes

from .lab_factories import LabFactory, PersonFactory, SeatFactory, lab_in
from .solutions import apply_solution

pytestmark = pytest.mark.django_db


@pytest.fixture
def seat():
    return SeatFactory()


@pytest.fixture
def lab(seat):
    return lab_in(seat.classroom)


def test_a_run_is_recorded_with_each_checks_result_and_the_score(seat, lab):
    run = check_run_create(seat=seat, lab=lab, person=seat.student)
    assert (run.score, run.max_score, run.passed) == (0, 2, False)
    assert [(r["id"], r["passed"], r["hint"]) for r in run.results] == [
        ("alice", False, "Create alice."),
        ("bob", False, "Create bob."),
    ]
    user_create(account=seat.account, name="alice", path="/", acting=Acting(account=seat.account))
    run = check_run_create(seat=seat, lab=lab, person=seat.student)
    assert (run.score, run.max_score, run.passed) == (1, 2, True)  # 50% passes a lab at 50%
    assert run.results[0] == {
        "id": "alice",
        "label": "alice exists",
        "passed": True,
        "score": 1,
        "max_score": 1,
        "hint": "",
    }
    assert CheckRun.objects.filter(seat=seat, lab=lab, person=seat.student).count() == 2


def test_the_results_never_hold_the_solution(seat):
    lab = lab_in(
        seat.classroom, checks=[{"id": "a", "type": "user_exists", "user": "alice", "label": "L", "score": 1}]
    )
    run = check_run_create(seat=seat, lab=lab, person=seat.student)
    assert set(run.results[0]) == {"id", "label", "passed", "score", "max_score", "hint"}


@pytest.mark.parametrize(
    ("score", "max_score", "percentage", "expected"),
    [
        (1, 2, 50, True),
        (1, 3, 34, False),
        (1, 3, 33, True),
        (2, 3, 67, False),
        (3, 3, 100, True),
        (0, 1, 1, False),
    ],
)
def test_a_lab_passes_at_its_percentage_without_rounding(score, max_score, percentage, expected):
    assert passes(score=score, max_score=max_score, pass_percentage=percentage) is expected


def test_another_persons_seat_is_refused(seat, lab):
    with pytest.raises(ClassroomError) as refused:
        check_run_create(seat=seat, lab=lab, person=PersonFactory())
    assert refused.value.message == NOT_YOURS
    with pytest.raises(ClassroomError):
        check_run_create(seat=seat, lab=lab, person=seat.classroom.instructor)
    assert not CheckRun.objects.exists()


def test_a_seat_nobody_holds_is_refused(lab):
    seat = SeatFactory(student=None)
    with pytest.raises(ClassroomError) as refused:
        check_run_create(seat=seat, lab=lab, person=PersonFactory())
    assert refused.value.message == NOT_YOURS
    with pytest.raises(ClassroomError):
        check_run_create(seat=seat, lab=lab, person=None)


def test_a_lab_of_another_classroom_is_refused(seat, lab):
    other_seat = SeatFactory(student=seat.student)
    for foreign in (LabFactory(), lab_in(other_seat.classroom)):
        with pytest.raises(ClassroomError) as refused:
            check_run_create(seat=seat, lab=foreign, person=seat.student)
        assert refused.value.message == NOT_IN_CLASSROOM
    assert not CheckRun.objects.exists()


@pytest.mark.parametrize("status", [Seat.Status.PROVISIONING, Seat.Status.RESETTING, Seat.Status.FAILED])
def test_a_seat_that_is_not_ready_is_refused(lab, seat, status):
    seat.status = status
    seat.save()
    with pytest.raises(ClassroomError) as refused:
        check_run_create(seat=seat, lab=lab, person=seat.student)
    assert refused.value.message == NOT_READY[status]
    assert not CheckRun.objects.exists()


def test_a_shipped_lab_loaded_by_load_labs_passes_once_its_solution_is_applied(seat):
    call_command("load_labs", stdout=io.StringIO())
    lab = Lab.objects.get(owner=None, slug="users-and-groups")
    ClassroomLab.objects.create(classroom=seat.classroom, lab=lab)
    first = check_run_create(seat=seat, lab=lab, person=seat.student)
    assert not first.passed and first.score == 0
    solution = next(
        read_lab_file(path)["solution"]
        for path in shipped_lab_paths()
        if path.stem.endswith("users-and-groups")
    )
    apply_solution(seat.account, solution)
    second = check_run_create(seat=seat, lab=lab, person=seat.student)
    assert second.passed and second.score == second.max_score == 5
