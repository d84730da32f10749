"""Check my work: run a lab's checks against a seat and record the run for the instructor."""


def check_run_create(*, seat, lab, person):
    """Evaluate `lab`'s checks (classrooms/checks) against `seat.account` and save a CheckRun: each
    check's id, label, passed, score and (when failed) hint; never the solution. Refused when the lab is
    not one of the seat's classroom's labs."""
    raise NotImplementedError
