"""Secrets stored in the database (IMAP passwords): Fernet tokens under a key from the settings.

The key is derived with HKDF-SHA256 from settings.ENCRYPTION_KEY, or from SECRET_KEY
when that is empty. Decryption also tries the other one and SECRET_KEY_FALLBACKS, so
setting ENCRYPTION_KEY later, or rotating SECRET_KEY the Django way, keeps stored
secrets readable. A secret that no key opens reads as an UnreadableSecret: the object
holding it still loads, and only the use of the secret fails, with a message.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SECRET_UNREADABLE = _(
    "The stored password cannot be decrypted: ENCRYPTION_KEY or SECRET_KEY has changed "
    "since it was saved. Enter the password again."
)
# Binds the derived key to this use, so the same SECRET_KEY gives unrelated keys elsewhere.
_INFO = b"ticketdesk stored secrets v1"


class SecretUnreadable(Exception):
    """No configured key decrypts the stored secret."""

    def __init__(self) -> None:
        super().__init__(str(SECRET_UNREADABLE))


@functools.lru_cache(maxsize=8)
def _fernet_for(source: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        source.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys() -> MultiFernet:
    """The current key first (it encrypts), then every key that may have encrypted before."""
    sources = [settings.ENCRYPTION_KEY, settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    unique = list(dict.fromkeys(source for source in sources if source))
    return MultiFernet([_fernet_for(source) for source in unique])


def encrypt(plain: str) -> str:
    """A Fernet token (ASCII) of `plain` under the current key."""
    return _keys().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text of a token from `encrypt`; SecretUnreadable when no key fits."""
    try:
        return _keys().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise SecretUnreadable from None


class UnreadableSecret:
    """What an EncryptedTextField reads when no key decrypts it; saved back unchanged."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return True

    def reveal(self) -> str:
        raise SecretUnreadable


class EncryptedTextField(models.TextField):
    """Text kept as a Fernet token in the column; in Python the plain text.

    The empty string stays empty (nothing to protect, and "no password" stays visible).
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        try:
            return decrypt(value)
        except SecretUnreadable:
            return UnreadableSecret(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, UnreadableSecret):
            return value.token
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


def reveal(secret: str | UnreadableSecret) -> str:
    """The plain text of a field value; SecretUnreadable when it could not be decrypted."""
    if isinstance(secret, UnreadableSecret):
        return secret.reveal()
    return secret
