"""The labs the product ships (classrooms/labs/*.yaml): loaded into the database with no owner, every
classroom may use them. A lab file's solution stays in the file: the database keeps what a student may
see (title, instructions, checks, pass percentage)."""

from django.db import transaction

from classrooms.checks import read_lab_file, shipped_lab_paths, stored_fields
from classrooms.errors import ClassroomError
from classrooms.models import Lab


def shipped_labs_load(*, paths=None):
    """Create or update the shipped labs from their files (idempotent: a lab whose file did not change
    is not written). Every file is validated first; one invalid file refuses the load, nothing written.
    Returns {"created": [slug], "updated": [slug], "unchanged": [slug]}."""
    labs = []
    for path in shipped_lab_paths() if paths is None else paths:
        try:
            labs.append(stored_fields(read_lab_file(path)))
        except ValueError as error:
            raise ClassroomError(str(error)) from None
    slugs = [lab["slug"] for lab in labs]
    if len(set(slugs)) != len(slugs):
        raise ClassroomError("Two shipped lab files have the same slug.")
    report = {"created": [], "updated": [], "unchanged": []}
    with transaction.atomic():
        existing = {
            lab.slug: lab for lab in Lab.objects.select_for_update().filter(owner=None, slug__in=slugs)
        }
        for fields in labs:
            lab = existing.get(fields["slug"])
            if lab is None:
                Lab.objects.create(owner=None, **fields)
                report["created"].append(fields["slug"])
            elif any(getattr(lab, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(lab, name, value)
                lab.save()
                report["updated"].append(fields["slug"])
            else:
                report["unchanged"].append(fields["slug"])
    return report
