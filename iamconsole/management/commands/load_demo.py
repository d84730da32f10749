from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "iam-console-demo"


class Command(BaseCommand):
    help = "Create the demo content (idempotent): the admin-site superuser stated in the README."

    @transaction.atomic
    def handle(self, *args, **options):
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
