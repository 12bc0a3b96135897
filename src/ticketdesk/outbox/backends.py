"""Mail backend for installations without SMTP: one `<message-id>.eml` file per e-mail."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


class EmlFileBackend(BaseEmailBackend):
    """Writes each message as a standalone RFC 5322 file that mail clients open.

    The file is named after the Message-ID and replaced atomically, so a
    resend after a crash overwrites the same file instead of adding a copy.
    """

    def __init__(self, *, file_path: str | os.PathLike[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.file_path = Path(file_path).resolve()
        self.file_path.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        count = 0
        for email_message in email_messages:
            if not email_message.recipients():
                continue
            message = email_message.message()
            name = _UNSAFE.sub("_", str(message["Message-ID"]).strip("<> ")) + ".eml"
            handle, temp_name = tempfile.mkstemp(dir=self.file_path, suffix=".tmp")
            with os.fdopen(handle, "wb") as file:
                file.write(message.as_bytes())
            Path(temp_name).replace(self.file_path / name)
            count += 1
        return count
