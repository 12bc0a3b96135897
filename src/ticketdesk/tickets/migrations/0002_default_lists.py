"""Default statuses, priorities and a starter category set (German/English)."""

from django.db import migrations

STATUSES = [
    # name_de, name_en, colour, closed, default, on accept, on agent reply, on customer
    # reply, notifies
    ("Offen", "Open", "#2563eb", False, True, False, False, True, False),
    ("In Bearbeitung", "In progress", "#d97706", False, False, True, False, False, True),
    ("Bericht", "Report", "#7c3aed", False, False, False, False, False, True),
    ("Antwort", "Answer", "#0891b2", False, False, False, True, False, True),
    ("Geschlossen", "Closed", "#16a34a", True, False, False, False, False, True),
]

PRIORITIES = [
    # name_de, name_en, colour, first response (min), resolution (min), default
    ("Niedrig", "Low", "#6b7280", 24 * 60, 7 * 24 * 60, False),
    ("Normal", "Normal", "#2563eb", 8 * 60, 72 * 60, True),
    ("Hoch", "High", "#d97706", 4 * 60, 24 * 60, False),
    ("Dringend", "Urgent", "#dc2626", 60, 4 * 60, False),
]

CATEGORIES = [
    ("Allgemein", "General", [("Frage", "Question"), ("Sonstiges", "Other")]),
    ("Technik", "Technical", [("Störung", "Outage"), ("Konfiguration", "Configuration")]),
    ("Rechnung", "Billing", [("Rechnungsfrage", "Invoice question")]),
]

REPLY_TEMPLATES = [
    (
        "Standard",
        "Hallo {contact_name},\n\n\n\nMit freundlichen Grüßen\n{agent_name}",
        True,
    ),
    (
        "Gelöst / Solved",
        'Hallo {contact_name},\n\nIhr Ticket {ticket_number} "{ticket_subject}" ist gelöst.\n\n'
        "Mit freundlichen Grüßen\n{agent_name}",
        False,
    ),
]


def create_defaults(apps, schema_editor):
    Status = apps.get_model("tickets", "Status")
    Priority = apps.get_model("tickets", "Priority")
    Category = apps.get_model("tickets", "Category")
    SubCategory = apps.get_model("tickets", "SubCategory")
    ReplyTemplate = apps.get_model("tickets", "ReplyTemplate")
    if Status.objects.exists():
        return
    for order, row in enumerate(STATUSES, start=1):
        de, en, colour, closed, default, on_accept, on_agent, on_customer, notifies = row
        Status.objects.create(
            name_de=de,
            name_en=en,
            color=colour,
            order=order * 10,
            is_closed=closed,
            is_default=default,
            set_on_accept=on_accept,
            set_on_agent_reply=on_agent,
            set_on_customer_reply=on_customer,
            notifies_customer=notifies,
        )
    for order, (de, en, colour, first, resolution, default) in enumerate(PRIORITIES, start=1):
        Priority.objects.create(
            name_de=de,
            name_en=en,
            color=colour,
            order=order * 10,
            first_response_minutes=first,
            resolution_minutes=resolution,
            is_default=default,
        )
    for order, (de, en, subs) in enumerate(CATEGORIES, start=1):
        category = Category.objects.create(name_de=de, name_en=en, order=order * 10)
        for sub_order, (sub_de, sub_en) in enumerate(subs, start=1):
            SubCategory.objects.create(
                category=category, name_de=sub_de, name_en=sub_en, order=sub_order * 10
            )
    for order, (name, body, default) in enumerate(REPLY_TEMPLATES, start=1):
        ReplyTemplate.objects.create(name=name, body=body, is_default=default, order=order * 10)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
