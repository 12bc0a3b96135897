"""The IMAP client's pure helpers: folder names in modified UTF-7, quoted strings."""

from __future__ import annotations

import pytest

from ticketdesk.inbound.imap.client import encode_folder_name, quote


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("INBOX", "INBOX"),
        ("Tickets & Co", "Tickets &- Co"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("Gelöschte Elemente", "Gel&APY-schte Elemente"),
        ("台北", "&U,BTFw-"),  # RFC 3501 §5.1.3's own example
        ("~peter/mail/日本語/台北", "~peter/mail/&ZeVnLIqe-/&U,BTFw-"),
    ],
)
def test_folder_names_are_encoded_in_modified_utf7(name: str, encoded: str) -> None:
    assert encode_folder_name(name) == encoded


def test_quoted_strings_escape_backslash_and_quote() -> None:
    assert quote('Sales "EU"\\2026') == '"Sales \\"EU\\"\\\\2026"'
