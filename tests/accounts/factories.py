"""Factories for users and teams."""

from __future__ import annotations

import factory

from ticketdesk.accounts.models import Role, Team, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = Role.AGENT
    is_support_team = True
    language = "en"
    password = factory.django.Password("password")
    # The Django admin flags follow the role, as the database's check constraint demands.
    is_staff = factory.LazyAttribute(lambda user: user.role == Role.ADMINISTRATOR)
    is_superuser = factory.LazyAttribute(lambda user: user.role == Role.ADMINISTRATOR)

    class Params:
        admin = factory.Trait(role=Role.ADMINISTRATOR)
        read_only = factory.Trait(role=Role.READ_ONLY, is_support_team=False)
        outsider = factory.Trait(is_support_team=False)
        customer = factory.Trait(role=Role.CUSTOMER, is_support_team=False)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
