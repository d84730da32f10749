"""People, classrooms, labs and seats for the labs' tests (the seats' tests have their own factories)."""

import factory
from django.contrib.auth import get_user_model

from classrooms.models import Classroom, ClassroomLab, Lab, Seat
from tests.accounts.factories import AccountFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"person{n}@example.com")
    email = factory.LazyAttribute(lambda person: person.username)


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom

    instructor = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"IAM 101, group {n}")


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lab

    owner = factory.SubFactory(PersonFactory)
    slug = factory.Sequence(lambda n: f"lab-{n}")
    title = factory.Sequence(lambda n: f"Lab {n}")
    pass_percentage = 50
    checks = factory.LazyFunction(
        lambda: [
            {
                "id": "alice",
                "type": "user_exists",
                "user": "alice",
                "label": "alice exists",
                "hint": "Create alice.",
                "score": 1,
            },
            {
                "id": "bob",
                "type": "user_exists",
                "user": "bob",
                "label": "bob exists",
                "hint": "Create bob.",
                "score": 1,
            },
        ]
    )


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    classroom = factory.SubFactory(ClassroomFactory)
    account = factory.SubFactory(AccountFactory)
    student = factory.SubFactory(PersonFactory)
    status = Seat.Status.READY


def lab_in(classroom, **fields):
    lab = LabFactory(**fields)
    ClassroomLab.objects.create(classroom=classroom, lab=lab)
    return lab
