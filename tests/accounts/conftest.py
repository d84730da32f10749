"""Personas: alice owns the account under test (as its root user), bob is an IAM user in it, and
charlie owns a second account that must never see or change the first one's objects."""

import pytest

from access.acting import Acting
from tests.queries import sign_in as _sign_in

from .factories import AccountFactory, IAMUserFactory


@pytest.fixture
def account(db):
    return AccountFactory(name="Alice's sandbox", root_email="alice@example.com")


@pytest.fixture
def charlie_account(db):
    return AccountFactory(name="Charlie's sandbox", root_email="charlie@example.com")


@pytest.fixture
def bob(account):
    return IAMUserFactory(account=account, name="bob")


@pytest.fixture
def root_acting(account):
    return Acting(account=account, source_ip="198.51.100.7", user_agent="pytest")


@pytest.fixture
def charlie_acting(charlie_account):
    return Acting(account=charlie_account, source_ip="198.51.100.9", user_agent="pytest")


@pytest.fixture
def root_client(client, account):
    """A browser signed in as the root user of alice's account."""
    return _sign_in(client, account)


@pytest.fixture
def charlie_client(client, charlie_account):
    """A browser signed in as the root user of charlie's account."""
    return _sign_in(client, charlie_account)


@pytest.fixture
def sign_in_as():
    return _sign_in
