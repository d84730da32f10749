from django.core.management.base import BaseCommand, CommandError

from classrooms.errors import ClassroomError
from classrooms.services.shipped_labs import shipped_labs_load


class Command(BaseCommand):
    help = (
        "Load the labs the product ships (classrooms/labs/*.yaml) into the database, validated; "
        "idempotent: only what differs is written. Their reference solutions stay in the files."
    )

    def handle(self, *args, **options):
        try:
            report = shipped_labs_load()
        except ClassroomError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Shipped labs: {len(report['created'])} created, {len(report['updated'])} updated, "
            f"{len(report['unchanged'])} unchanged."
        )
