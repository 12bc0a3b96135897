"""The database refuses a user whose Django admin flags disagree with the role."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_session_epoch_password_reset_requests"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_staff", True), ("is_superuser", True), ("role", "admin"))
                | models.Q(
                    models.Q(("role", "admin"), _negated=True),
                    ("is_staff", False),
                    ("is_superuser", False),
                ),
                name="accounts_user_admin_flags_follow_role",
            ),
        ),
    ]
