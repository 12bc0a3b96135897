"""An index on the lower-cased contact address: incoming mail finds its sender without a scan."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                django.db.models.functions.text.Lower("email"), name="contact_email_lower_idx"
            ),
        ),
    ]
