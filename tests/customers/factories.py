"""Factories for customers, contacts and support notes."""

from __future__ import annotations

import factory

from ticketdesk.customers.models import Contact, Customer, SupportNote


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: f"K{n:05d}")
    name = factory.Faker("company")
    email = factory.Sequence(lambda n: f"office{n}@customer.example")
    language = "en"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")
    language = "en"

    @factory.post_generation
    def customers(self, create: bool, extracted: list[Customer] | None, **kwargs: object) -> None:
        if not create:
            return
        self.customers.add(*(extracted or [CustomerFactory()]))


class SupportNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportNote

    customer = factory.SubFactory(CustomerFactory)
    title = "VPN access"
    body = "Jump host 10.0.0.1, ask for the token."
