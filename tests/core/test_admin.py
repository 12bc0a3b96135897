"""Every model has a Django admin whose list and change pages open for a superuser."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.customers.factories import SupportNoteFactory
from ticketdesk.demo.generate import generate
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

OUR_APPS = ["accounts", "customers", "tickets"]


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(admin=True, is_superuser=True))
    return client


@pytest.fixture
def data() -> None:
    generate(tickets=15, customers=3)
    SupportNoteFactory()
    ticket = Ticket.objects.first()
    agent = UserFactory()
    services.add_cc(ticket, email="copy@example.com", by=agent)
    services.mark_ticket_seen(ticket, user=agent)


def test_every_model_of_our_apps_has_an_admin() -> None:
    missing = [
        model.__name__
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        if model not in admin.site._registry
    ]
    assert missing == []


def test_admin_list_and_change_pages_open(superuser_client, data) -> None:
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert superuser_client.get(url).status_code == 200, url
        obj = model_admin.get_queryset(None).first() if opts.app_label in OUR_APPS else None
        if obj is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert superuser_client.get(url).status_code == 200, url


def test_admin_add_pages_open(superuser_client, rf) -> None:
    request = rf.get("/")
    request.user = UserFactory(admin=True, is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label in OUR_APPS and model_admin.has_add_permission(request):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert superuser_client.get(url).status_code == 200, url
