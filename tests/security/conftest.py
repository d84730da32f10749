import pytest
from django.db import transaction

from .surface import build_surface


@pytest.fixture(scope="module")
def surface(django_db_setup, django_db_blocker):
    """One surface for a whole test module, as Django's setUpTestData: it is built in a transaction
    that stays open while the module's tests run (each test's own transaction nests inside it as a
    savepoint) and is rolled back after the last one, so nothing outlives the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_surface()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
