"""Session epoch, password-reset requests, and the Django admin flags brought in line with roles."""

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def flags_follow_role(apps, schema_editor):
    # Before this migration a demoted administrator kept is_staff/is_superuser (and with
    # them /config/ and /admin/); the role is what an administrator chose, so it wins.
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="admin").update(is_staff=True, is_superuser=True)
    User.objects.exclude(role="admin").filter(Q(is_staff=True) | Q(is_superuser=True)).update(
        is_staff=False, is_superuser=False, session_epoch=models.F("session_epoch") + 1
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_ticket_list_view"),
    ]

    operations = [
        migrations.CreateModel(
            name="PasswordResetRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("address_digest", models.CharField(db_index=True, max_length=64)),
                ("ip_address", models.GenericIPAddressField(db_index=True, null=True)),
                (
                    "requested_at",
                    models.DateTimeField(db_index=True, default=timezone.now),
                ),
            ],
            options={
                "verbose_name": "password-reset request",
                "verbose_name_plural": "password-reset requests",
            },
        ),
        migrations.AddField(
            model_name="user",
            name="session_epoch",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="session epoch"
            ),
        ),
        migrations.RunPython(flags_follow_role, migrations.RunPython.noop),
    ]
