from django.core.management import call_command

from accounts.models import Account, GroupMembership
from iamconsole.management.commands.load_demo import DEMO_ROOT_EMAIL, DEMO_ROOT_PASSWORD


def test_load_demo_creates_the_demo_account_once(db):
    call_command("load_demo")
    call_command("load_demo")  # idempotent: a second `make run` adds nothing

    account = Account.objects.get(root_email=DEMO_ROOT_EMAIL)
    assert account.check_root_password(DEMO_ROOT_PASSWORD)
    assert sorted((u.name, u.path) for u in account.users.all()) == [("Ivan", "/developers/"), ("alice", "/")]
    assert sorted(g.name for g in account.groups.all()) == ["SuperStars", "developers"]
    memberships = GroupMembership.objects.filter(user__account=account)
    assert [(m.user.name, m.group.name) for m in memberships] == [("alice", "developers")]
    # The demo account and the member account of its demo organization.
    assert Account.objects.count() == 2


def test_the_readme_states_the_demo_sign_in():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert DEMO_ROOT_EMAIL in readme and DEMO_ROOT_PASSWORD in readme
