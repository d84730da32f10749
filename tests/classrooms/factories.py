"""Factories of the portal's people and classrooms, for the classroom tests (seats, labs, portal)."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from classrooms.models import Classroom, Seat
from tests.accounts.factories import AccountFactory

PERSON_PASSWORD = "Portal-Passw0rd!"


class PersonFactory(factory.django.DjangoModelFactory):
    """A portal person: a Django user, neither staff nor superuser, signing in with email and password."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    username = factory.LazyAttribute(lambda person: person.email)
    password = factory.PostGenerationMethodCall("set_password", PERSON_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class InstructorFactory(PersonFactory):
    """A person with the `classrooms.teach` permission."""

    email = factory.Sequence(lambda n: f"instructor{n}@example.com")

    @factory.post_generation
    def teach(obj, create, extracted, **kwargs):
        if create:
            obj.user_permissions.add(
                Permission.objects.get(codename="teach", content_type__app_label="classrooms")
            )


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classroom

    instructor = factory.SubFactory(InstructorFactory)
    name = factory.Sequence(lambda n: f"IAM 101 group {n}")
    seat_limit = 30


class SeatFactory(factory.django.DjangoModelFactory):
    """A READY seat over an empty account (provision through the services for a template's content)."""

    class Meta:
        model = Seat

    classroom = factory.SubFactory(ClassroomFactory)
    account = factory.SubFactory(AccountFactory)
    status = Seat.Status.READY
