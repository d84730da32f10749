"""A deleted user or role shows as its unique ID in the trust policies that named it, as in IAM."""

import json

import pytest

from accounts.services.users import user_delete
from policies.models import Role
from policies.services.roles import replace_deleted_principal, role_create, role_delete
from tests.accounts.factories import IAMUserFactory

from .roles_helpers import EC2_TRUST, trust

pytestmark = pytest.mark.django_db


def principals(role):
    role.refresh_from_db()
    return json.loads(role.trust_policy)["Statement"][0]["Principal"]["AWS"]


def test_deleting_a_trusted_user_leaves_its_unique_id(account, root_acting, bob):
    role = role_create(
        account=account, name="for-bob", trust_policy=trust({"AWS": bob.arn}), acting=root_acting
    )
    user_id = bob.user_id
    user_delete(user=bob, acting=root_acting)
    assert principals(role) == user_id
    assert user_id.startswith("AIDA")


def test_deleting_a_trusted_role_leaves_its_unique_id_in_a_list(
    account, root_acting, charlie_account, charlie_acting
):
    target = role_create(account=account, name="target", trust_policy=EC2_TRUST, acting=root_acting)
    # Charlie's role trusts alice's role across accounts: the replacement reaches it too.
    trusting = role_create(
        account=charlie_account,
        name="cross",
        trust_policy=trust({"AWS": [target.arn, f"arn:aws:iam::{account.id}:root"]}),
        acting=charlie_acting,
    )
    role_id = target.role_id
    role_delete(role=target, acting=root_acting)
    assert principals(trusting) == [role_id, f"arn:aws:iam::{account.id}:root"]


def test_a_new_principal_of_the_same_name_is_not_trusted(account, root_acting, bob):
    role = role_create(
        account=account, name="for-bob", trust_policy=trust({"AWS": bob.arn}), acting=root_acting
    )
    old_id = bob.user_id
    bob.delete()
    IAMUserFactory(account=account, name="bob")
    assert principals(role) == old_id


def test_replace_only_touches_exact_principal_values(account, root_acting, bob):
    other = IAMUserFactory(account=account, name="bobby")
    untouched = role_create(
        account=account, name="for-bobby", trust_policy=trust({"AWS": other.arn}), acting=root_acting
    )
    named = role_create(
        account=account, name="for-bob", trust_policy=trust({"AWS": bob.arn}), acting=root_acting
    )
    changed = replace_deleted_principal(account_id=account.id, arn=bob.arn, unique_id=bob.user_id)
    assert changed == 1
    assert principals(untouched) == other.arn
    assert principals(named) == bob.user_id


def test_an_arn_of_another_account_id_is_ignored(account, root_acting, bob, charlie_account):
    role_create(account=account, name="for-bob", trust_policy=trust({"AWS": bob.arn}), acting=root_acting)
    assert replace_deleted_principal(account_id=charlie_account.id, arn=bob.arn, unique_id="AIDAX") == 0
    assert Role.objects.get(name="for-bob").trust_policy == trust({"AWS": bob.arn})
