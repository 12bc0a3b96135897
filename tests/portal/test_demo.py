"""The demo set shows the portal: switched on, and the demo customer login signs in there."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ticketdesk.demo.loader import CUSTOMER_EMAIL, load_demo_data
from ticketdesk.portal.models import portal_settings

pytestmark = pytest.mark.django_db


def test_demo_customer_signs_in_to_the_portal_and_sees_tickets() -> None:
    load_demo_data()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(
        reverse("portal:login"), {"username": CUSTOMER_EMAIL, "password": "customer"}
    )

    assert portal_settings().is_enabled
    assert response["Location"] == reverse("portal:tickets")
    assert "Ticketdesk Demo" in client.get(reverse("portal:tickets")).content.decode()
