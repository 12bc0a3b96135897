"""URLs of the support reports (mounted at reports/)."""

from __future__ import annotations

from django.urls import path, register_converter

from . import views
from .sections import SECTIONS


class SectionConverter:
    """A report section's slug; any other name is no URL (404)."""

    regex = "|".join(SECTIONS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SectionConverter, "report_section")

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("<report_section:section>.json", views.report_section_json, name="json"),
    path("<report_section:section>.csv", views.report_section_csv, name="csv"),
    path("customer/<int:pk>/", views.customer_support_report, name="customer"),
    path("customer/<int:pk>/tickets.csv", views.customer_support_csv, name="customer_csv"),
]
