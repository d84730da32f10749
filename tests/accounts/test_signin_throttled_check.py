"""throttled_check: the console's sign-in throttle for sign-ins of other kinds (the classroom portal's
people), per identity and per source IP, counted before the check."""

import pytest

from accounts.models import SignInFailure
from accounts.services.signin import INCORRECT, THROTTLED, Client, SignInRefused, throttled_check

pytestmark = pytest.mark.django_db

SCHOOL = Client(source_ip="203.0.113.7", user_agent="pytest")


class Checker:
    """A password check that counts its calls: the thing when `right`, else None."""

    def __init__(self):
        self.calls = 0

    def __call__(self, right):
        def check():
            self.calls += 1
            return "signed-in" if right else None

        return check


def _try(identity, right, checker, client=SCHOOL):
    try:
        return throttled_check(identity=identity, client=client, check=checker(right))
    except SignInRefused as refused:
        return refused.message


def test_a_right_check_returns_its_result_and_leaves_no_failure():
    checker = Checker()

    assert _try("person:sam@example.com", True, checker) == "signed-in"
    assert checker.calls == 1 and not SignInFailure.objects.exists()


def test_a_wrong_check_is_refused_in_the_consoles_words_and_counted():
    checker = Checker()

    assert _try("person:sam@example.com", False, checker) == INCORRECT
    assert SignInFailure.objects.get().identity == "person:sam@example.com"


def test_five_failures_pause_the_identity_without_checking_even_a_right_password():
    checker = Checker()
    for _ in range(5):
        assert _try("person:sam@example.com", False, checker) == INCORRECT

    assert _try("person:sam@example.com", True, checker) == THROTTLED
    assert checker.calls == 5  # the sixth attempt was never checked
    # Another identity from the same IP is not paused.
    assert _try("person:kim@example.com", True, checker) == "signed-in"


def test_a_success_clears_the_identitys_earlier_failures():
    checker = Checker()
    for _ in range(4):
        _try("person:sam@example.com", False, checker)

    assert _try("person:sam@example.com", True, checker) == "signed-in"
    assert not SignInFailure.objects.filter(identity="person:sam@example.com").exists()


def test_past_the_ips_limit_failures_get_the_throttle_message_but_right_passwords_sign_in(settings):
    settings.SIGNIN_FAILURES_PER_IP = 3
    checker = Checker()
    answers = [_try(f"person:s{n}@example.com", False, checker) for n in range(4)]

    assert answers == [INCORRECT] * 3 + [THROTTLED]
    assert _try("person:kim@example.com", True, checker) == "signed-in"
    # Another network is not affected.
    other = Client(source_ip="198.51.100.9")
    assert _try("person:s9@example.com", False, checker, client=other) == INCORRECT


def test_the_default_ip_limit_lets_a_class_of_100_each_mistype_once_then_sign_in(settings):
    """The README's SIGNIN_FAILURES_PER_IP default (200): a class of 100 behind one NAT."""
    assert settings.SIGNIN_FAILURES_PER_IP == 200
    checker = Checker()
    for n in range(100):
        assert _try(f"person:s{n}@example.com", False, checker) == INCORRECT
        assert _try(f"person:s{n}@example.com", True, checker) == "signed-in"
