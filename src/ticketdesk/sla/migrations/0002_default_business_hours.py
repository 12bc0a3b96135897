"""The default business hours: Monday to Friday 08:00-17:00, public holidays of Germany."""

from django.db import migrations

INSTANCE_PK = 1
WEEKDAYS = range(5)  # Monday to Friday
OPENS, CLOSES = 8 * 60, 17 * 60


def create_default_business_hours(apps, schema_editor):
    """Also called by the test suite after a flush (tests/conftest.py)."""
    business_hours_model = apps.get_model("sla", "BusinessHours")
    interval_model = apps.get_model("sla", "OpeningInterval")
    hours, created = business_hours_model.objects.get_or_create(
        pk=INSTANCE_PK, defaults={"holiday_country": "DE", "holiday_subdivision": ""}
    )
    if created:
        interval_model.objects.bulk_create(
            interval_model(business_hours=hours, weekday=day, start_minute=OPENS, end_minute=CLOSES)
            for day in WEEKDAYS
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create_default_business_hours, migrations.RunPython.noop)]
