"""Duplicate-name races made deterministic on PostgreSQL, for the `except IntegrityError` fallbacks of
the check-then-insert services.

The winner writes in a thread and holds its transaction open; the loser then runs here, so its
pre-check cannot see the uncommitted row (as when two requests meet) and its write waits on the
winner's unique index entry. The winner commits only once PostgreSQL reports the loser blocked by it,
so the loser's write fails with an IntegrityError every time, whatever the machine's speed.
"""

import threading
import time

from django.db import IntegrityError, connection, transaction

from aws.errors import AWSError

WAIT_SECONDS = 10  # far more than the race needs: a broken fallback fails the test, never hangs it


def _backend_pid():
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def _wait_until_blocking(winner_pid, loser_pid):
    deadline = time.monotonic() + WAIT_SECONDS
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [winner_pid, loser_pid])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the loser's write never waited on the winner's uncommitted row")


def lose_race(*, winner, loser):
    """Run `winner()` in a thread and `loser()` here, the loser's write meeting the winner's
    uncommitted one. Returns (what the winner returned, the exception the loser raised or None)."""
    loser_pid = _backend_pid()
    written = threading.Event()
    won, failures = [], []

    def win():
        try:
            with transaction.atomic():
                won.append(winner())
                written.set()
                _wait_until_blocking(_backend_pid(), loser_pid)
        except BaseException as error:  # surfaced below: the winner's crash must fail the test
            failures.append(error)
        finally:
            written.set()
            connection.close()

    thread = threading.Thread(target=win)
    thread.start()
    assert written.wait(WAIT_SECONDS), "the winner never wrote"
    lost = None
    try:
        if not failures:
            loser()
    except Exception as error:
        lost = error
    thread.join(WAIT_SECONDS + 1)
    assert not thread.is_alive(), "the winner never committed"
    assert failures == []
    return won[0], lost


def assert_refused_by_the_constraint(lost, code, message):
    """The loser got AWS's error `code` with `message` from the service's IntegrityError fallback, not
    from its pre-check (which the race made miss)."""
    assert isinstance(lost, AWSError), f"the loser was not refused with an AWS error: {lost!r}"
    assert (lost.code, lost.message) == (code, message)
    assert isinstance(lost.__cause__, IntegrityError), "refused by the pre-check, not by the constraint"
