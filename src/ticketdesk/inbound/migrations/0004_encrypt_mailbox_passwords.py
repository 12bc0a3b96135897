"""Mailbox passwords encrypted in place (core.crypto); reversible while the key is unchanged.

The column first becomes plain text wide enough for a token, the rows are encrypted
through the plain field, and only then does the field become an EncryptedTextField (no
schema change), so no step reads a plain password through the decrypting field.
Backwards decrypts with the current key; a row no key opens is left as it is.
"""

from typing import Any

from django.db import migrations, models

import ticketdesk.core.crypto


def encrypt_passwords(apps: Any, schema_editor: Any) -> None:
    from ticketdesk.core.crypto import SecretUnreadable, decrypt, encrypt

    Mailbox = apps.get_model("inbound", "Mailbox")
    for pk, password in Mailbox.objects.exclude(password="").values_list("pk", "password"):
        try:
            decrypt(password)
        except SecretUnreadable:
            Mailbox.objects.filter(pk=pk).update(password=encrypt(password))
        # else: already a token of ours (the migration ran before and was faked back)


def decrypt_passwords(apps: Any, schema_editor: Any) -> None:
    from ticketdesk.core.crypto import SecretUnreadable, decrypt

    Mailbox = apps.get_model("inbound", "Mailbox")
    for pk, token in Mailbox.objects.exclude(password="").values_list("pk", "password"):
        try:
            Mailbox.objects.filter(pk=pk).update(password=decrypt(token))
        except SecretUnreadable:
            continue


class Migration(migrations.Migration):
    dependencies = [
        ("inbound", "0003_mail_filters_and_inbox_decisions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mailbox",
            name="password",
            field=models.TextField(blank=True, verbose_name="password"),
        ),
        migrations.RunPython(encrypt_passwords, decrypt_passwords),
        migrations.AlterField(
            model_name="mailbox",
            name="password",
            field=ticketdesk.core.crypto.EncryptedTextField(blank=True, verbose_name="password"),
        ),
    ]
