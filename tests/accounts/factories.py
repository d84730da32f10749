import factory
from django.contrib.auth.hashers import make_password

from accounts.models import Account, Group, IAMUser

ROOT_PASSWORD = "Root-Passw0rd!"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n}")
    root_email = factory.Sequence(lambda n: f"root{n}@example.com")
    root_password = factory.LazyFunction(lambda: make_password(ROOT_PASSWORD))


class IAMUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IAMUser

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"user{n}")
    path = "/"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"group{n}")
    path = "/"
