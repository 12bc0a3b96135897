"""Messages keyed on their bytes: a known Message-ID no longer makes mail a duplicate.

The unique Message-ID goes; the hash becomes that of the bytes with LF line endings
(a row whose new hash another row already has keeps its old one, so no row is lost);
`original` links later mail with a known Message-ID to the first; the fingerprint
lets routing tell a repeat delivery from other mail under the same ID.
"""

import hashlib
from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def _digest(raw: bytes, *, normalized: bool) -> str:
    if normalized:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return hashlib.sha256(raw).hexdigest()


def _rehash(apps: Any, *, normalized: bool) -> None:
    from django.core.files.storage import default_storage

    InboundMessage = apps.get_model("inbound", "InboundMessage")
    taken = set(InboundMessage.objects.values_list("sha256", flat=True))
    for pk in InboundMessage.objects.order_by("pk").values_list("pk", flat=True).iterator():
        row = InboundMessage.objects.only("raw", "raw_file", "sha256").get(pk=pk)
        if row.raw_file:
            try:
                with default_storage.open(row.raw_file.name, "rb") as handle:
                    raw = handle.read()
            except OSError:  # a missing file keeps its recorded hash
                continue
        else:
            raw = bytes(row.raw or b"")
        digest = _digest(raw, normalized=normalized)
        if digest != row.sha256 and digest not in taken:
            InboundMessage.objects.filter(pk=pk).update(sha256=digest)
            taken.add(digest)


def normalized_hashes(apps: Any, schema_editor: Any) -> None:
    _rehash(apps, normalized=True)


def raw_hashes(apps: Any, schema_editor: Any) -> None:
    _rehash(apps, normalized=False)


class Migration(migrations.Migration):
    dependencies = [
        ("inbound", "0004_encrypt_mailbox_passwords"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="inboundmessage",
            name="inbound_unique_message_id",
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="fingerprint",
            field=models.CharField(blank=True, max_length=64, verbose_name="content fingerprint"),
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="original",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reuses",
                to="inbound.inboundmessage",
                verbose_name="first message with this Message-ID",
            ),
        ),
        migrations.AlterField(
            model_name="inboundmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("parsed", "Parsed"),
                    ("failed", "Failed"),
                    ("needs_review", "Needs review"),
                    ("discarded", "Discarded"),
                    ("repeat", "Repeat delivery"),
                ],
                default="pending",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(normalized_hashes, raw_hashes, elidable=True),
    ]
