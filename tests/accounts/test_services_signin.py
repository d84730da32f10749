"""Sign-in throttling under concurrency: every attempt is counted before its password or code is
checked, so parallel guesses cannot all read the count from before any of them."""

import sqlite3
import threading

import pyotp
import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from access.acting import Acting
from accounts.models import Account, SignInFailure
from accounts.services import mfa
from accounts.services.mfa import mfa_device_create, mfa_device_enable
from accounts.services.signin import (
    INCORRECT,
    MFA_INCORRECT,
    THROTTLED,
    Client,
    SignInRefused,
    mfa_authenticate,
    root_authenticate,
    user_authenticate,
)

PARALLEL = 40
NOW = 1_900_000_000.0
NAT = Client(source_ip="203.0.113.50", user_agent="pytest")


@pytest.fixture
def threads_database(transactional_db, tmp_path):
    """How a test's threads connect: on PostgreSQL to the test database (None: as usual); on SQLite
    to a file copy of it, since in-memory SQLite's shared cache answers "database table is locked" at
    once where a file waits for the writer, as the default var/db.sqlite3 does."""
    if connection.vendor != "sqlite":
        return None
    connection.ensure_connection()
    path = tmp_path / "threads.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    wrapper, settings_dict = type(connections[DEFAULT_DB_ALIAS]), connection.settings_dict
    return lambda: wrapper({**settings_dict, "NAME": str(path)}, DEFAULT_DB_ALIAS)


def _in_thread(work, database):
    """`work()` in the current (new) thread, connected as `database` says."""
    if database is not None:
        connections[DEFAULT_DB_ALIAS] = database()
    try:
        return work()
    finally:
        connections[DEFAULT_DB_ALIAS].close()


def _in_parallel(attempt, database, count=PARALLEL):
    """Run `attempt(number)` in `count` threads released at once; the answers, as a list of messages
    ("ok" for a sign-in that got through)."""
    barrier = threading.Barrier(count)
    answers = []
    errors = []

    def run(number):
        try:
            barrier.wait()
            _in_thread(lambda: attempt(number), database)
            answers.append("ok")
        except SignInRefused as refused:
            answers.append(refused.message)
        except Exception as error:  # surfaced below: a thread's crash must fail the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return answers


def _afterwards(query, database):
    """What `query()` answers on the threads' database once they are done."""
    result = []
    thread = threading.Thread(target=lambda: result.append(_in_thread(query, database)))
    thread.start()
    thread.join()
    return result[0]


@pytest.fixture
def password_checks(monkeypatch):
    """Counts the root password checks actually made (the slow hash), whatever the answer."""
    checks = []
    check = Account.check_root_password

    def counted(self, raw_password):
        checks.append(raw_password)
        return check(self, raw_password)

    monkeypatch.setattr(Account, "check_root_password", counted)
    return checks


@pytest.fixture
def root_with_mfa(account, monkeypatch):
    """Alice's root user with an enabled virtual MFA device, at a frozen time; its TOTP."""
    monkeypatch.setattr(mfa, "_now", lambda: NOW)
    acting = Acting(account=account, source_ip="198.51.100.7", user_agent="pytest")
    device, seed = mfa_device_create(account=account, name="phone", acting=acting)
    totp = pyotp.TOTP(seed)
    mfa_device_enable(device=device, code1=totp.at(NOW - 60), code2=totp.at(NOW - 30), acting=acting)
    return totp


def _failures(database, **filters):
    return _afterwards(lambda: SignInFailure.objects.filter(**filters).count(), database)


def _parallel_wrong_root_passwords(account, password_checks, database):
    answers = _in_parallel(
        lambda number: root_authenticate(email=account.root_email, password=f"Wrong-{number}", client=NAT),
        database,
    )

    assert sorted(answers) == sorted([INCORRECT] * 5 + [THROTTLED] * (PARALLEL - 5))
    assert len(password_checks) == 5
    # Refused attempts are not counted again: the pause ends 15 minutes after the fifth failure.
    assert _failures(database, identity="root:alice@example.com") == 5


def _parallel_failures_from_one_ip(account, settings, database):
    settings.SIGNIN_FAILURES_PER_IP = 20
    answers = _in_parallel(
        lambda number: user_authenticate(
            account=account,
            account_identifier=account.id,
            user_name=f"student{number}",
            password="Wrong-Passw0rd",
            client=NAT,
        ),
        database,
    )

    # Every identity is new, so every password is checked; past 20 the answer is the throttle's.
    assert sorted(answers) == sorted([INCORRECT] * 20 + [THROTTLED] * (PARALLEL - 20))
    assert _failures(database, source_ip=NAT.source_ip) == PARALLEL


def _parallel_mfa_guesses(account, totp, database):
    right = totp.at(NOW)
    wrong = [code for code in (f"{number:06d}" for number in range(1000)) if code != right]
    answers = _in_parallel(
        lambda number: mfa_authenticate(account=account, code=wrong[number], client=NAT), database
    )

    assert sorted(answers) == sorted([MFA_INCORRECT] * 5 + [THROTTLED] * (PARALLEL - 5))
    # Even the right code is refused now.
    answers = _in_parallel(
        lambda number: mfa_authenticate(account=account, code=right, client=NAT), database, count=1
    )
    assert answers == [THROTTLED]


@pytest.mark.postgres
def test_parallel_wrong_passwords_get_five_checks_per_identity_on_postgresql(
    account, password_checks, threads_database
):
    assert connection.vendor == "postgresql"
    _parallel_wrong_root_passwords(account, password_checks, threads_database)


@pytest.mark.postgres
def test_parallel_failures_cross_the_ip_limit_exactly_on_postgresql(account, settings, threads_database):
    assert connection.vendor == "postgresql"
    _parallel_failures_from_one_ip(account, settings, threads_database)


@pytest.mark.postgres
def test_parallel_mfa_guesses_get_five_checks_on_postgresql(account, root_with_mfa, threads_database):
    assert connection.vendor == "postgresql"
    _parallel_mfa_guesses(account, root_with_mfa, threads_database)


# The same on whatever database the suite runs (on SQLite, a file that threads share).


def test_parallel_wrong_passwords_get_five_checks_per_identity(account, password_checks, threads_database):
    _parallel_wrong_root_passwords(account, password_checks, threads_database)


def test_parallel_failures_cross_the_ip_limit_exactly(account, settings, threads_database):
    _parallel_failures_from_one_ip(account, settings, threads_database)


def test_parallel_mfa_guesses_get_five_checks(account, root_with_mfa, threads_database):
    _parallel_mfa_guesses(account, root_with_mfa, threads_database)
