# The personas of the identity tests (alice's account with root_client, bob, charlie) serve here too.
from tests.accounts.conftest import *  # noqa: F403
