"""Templates, seats and their jobs (the interface the portal's pages call; see each docstring).

Every function is atomic and raises ClassroomError (classrooms/errors.py) with nothing changed when
it refuses. Jobs are enqueued on commit (access/jobs.py) and run by `classrooms.tasks.run_job`.
"""


def template_create(*, person, account, name):
    """Snapshot `account` (users, groups, policies, roles, instance profiles, password policy, and its
    organization when it is a management account) into a new Template owned by `person`. Refused unless
    `person` has an AccountLink to `account`."""
    raise NotImplementedError


def seat_join(*, classroom, student):
    """The student's seat in `classroom` (the existing one when they already hold one; else a free READY
    seat assigned to them, or a new one provisioned at once). Refused when the classroom is closed, past
    its end date, or full (seat_limit)."""
    raise NotImplementedError


def seats_provision(*, classroom, count, person):
    """A PROVISION Job creating `count` seats (up to seat_limit) from the classroom's template."""
    raise NotImplementedError


def seat_reset(*, seat, person):
    """A RESET_SEAT Job putting one seat back to the template (atomic)."""
    raise NotImplementedError


def seats_reset_all(*, classroom, person):
    """A RESET_ALL Job resetting every seat, each atomically, reporting per seat in Job.results."""
    raise NotImplementedError


def classroom_close(*, classroom, person):
    """Close the classroom: its seats refuse every write (clear message, audited refusal) and are removed
    after CLASSROOM_RETENTION_DAYS. Returns the CLOSE Job."""
    raise NotImplementedError
