import io

import pytest
from django.core.management import call_command

# The personas of the identity tests (alice's account with root_client, bob, charlie) serve here too.
from tests.accounts.conftest import *  # noqa: F403


@pytest.fixture
def aws_managed_policies(db):
    """The whole AWS managed catalog, loaded through its management command (as `make run` does)."""
    from policies.models import ManagedPolicy

    call_command("load_aws_managed_policies", stdout=io.StringIO())
    return ManagedPolicy.objects.filter(account__isnull=True)
