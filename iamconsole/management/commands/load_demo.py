from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.acting import Acting
from accounts.models import Account, Group, GroupMembership, IAMUser

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "iam-console-demo"

# The demo "AWS account" whose root user signs in to the console (stated in the README).
DEMO_ROOT_EMAIL = "demo@example.com"
DEMO_ROOT_PASSWORD = "Demo-Console-2024!"
DEMO_ACCOUNT_NAME = "IAM Console demo"
DEMO_USERS = [("Ivan", "/developers/"), ("alice", "/")]
DEMO_GROUPS = ["SuperStars", "developers"]
DEMO_MEMBERSHIPS = [("alice", "developers")]


class Command(BaseCommand):
    help = "Create the demo content (idempotent): the admin-site superuser and the demo account stated in the README."

    @transaction.atomic
    def handle(self, *args, **options):
        self._admin()
        self._demo_account()

    def _admin(self):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username=DEMO_ADMIN_USERNAME,
            defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(DEMO_ADMIN_PASSWORD)
            admin.save(update_fields=["password"])
            self.stdout.write(f"Created the admin-site superuser {DEMO_ADMIN_USERNAME!r}.")
        else:
            self.stdout.write(f"The admin-site superuser {DEMO_ADMIN_USERNAME!r} already exists; left as is.")

    def _demo_account(self):
        from accounts.services.groups import group_add_user, group_create
        from accounts.services.users import user_create

        account = Account.objects.filter(root_email__iexact=DEMO_ROOT_EMAIL).first()
        if account is None:
            account = Account.objects.create(
                name=DEMO_ACCOUNT_NAME,
                root_email=DEMO_ROOT_EMAIL,
                root_password=make_password(DEMO_ROOT_PASSWORD),
            )
            self.stdout.write(f"Created the demo account {account.id} (root user {DEMO_ROOT_EMAIL}).")
        else:
            self.stdout.write(f"The demo account {account.id} already exists; adding what it lacks.")
        # The seeds go through the services, as a trainee's clicks would, and leave audit events.
        acting = Acting(account=account, user_agent="load_demo")
        for name, path in DEMO_USERS:
            if not IAMUser.objects.filter(account=account, name__iexact=name).exists():
                user_create(account=account, name=name, path=path, acting=acting)
        for name in DEMO_GROUPS:
            if not Group.objects.filter(account=account, name__iexact=name).exists():
                group_create(account=account, name=name, acting=acting)
        for user_name, group_name in DEMO_MEMBERSHIPS:
            user = IAMUser.objects.get(account=account, name=user_name)
            group = Group.objects.get(account=account, name=group_name)
            if not GroupMembership.objects.filter(user=user, group=group).exists():
                group_add_user(group=group, user=user, acting=acting)
