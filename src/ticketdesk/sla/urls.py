"""URLs of the business-hours configuration."""

from __future__ import annotations

app_name = "sla"
urlpatterns: list = []
