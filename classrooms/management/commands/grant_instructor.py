"""Make a person an instructor (the `classrooms.teach` permission), or no longer one with --revoke."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

from accounts.models import normalized_email


class Command(BaseCommand):
    help = "Grant (or with --revoke, take back) the instructor role of the classroom portal."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the email the person signed up with")
        parser.add_argument("--revoke", action="store_true", help="take the instructor role back")

    def handle(self, *args, email, revoke, **options):
        person = get_user_model().objects.filter(username=normalized_email(email)).first()
        if person is None:
            raise CommandError(f"No person signed up with {email}. They sign up at /classroom/signup/ first.")
        permission = Permission.objects.get(content_type__app_label="classrooms", codename="teach")
        if revoke:
            person.user_permissions.remove(permission)
            self.stdout.write(f"{person.username} is no longer an instructor.")
        else:
            person.user_permissions.add(permission)
            self.stdout.write(f"{person.username} is an instructor.")
