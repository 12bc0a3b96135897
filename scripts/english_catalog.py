"""Fill the English catalog: every msgstr is its msgid (plurals: msgid and msgid_plural).

Run after makemessages (`make messages` does). English msgids are the English text, so the
catalog is complete by copying; fuzzy guesses msgmerge made for changed msgids are replaced.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

CATALOG = Path(__file__).resolve().parent.parent / "src/ticketdesk/locale/en/LC_MESSAGES/django.po"


def fill(path: Path) -> int:
    """Copy msgid to msgstr in every entry; returns how many entries changed."""
    catalog = polib.pofile(str(path), wrapwidth=79)
    catalog.metadata["Language"] = "en"
    catalog.metadata_is_fuzzy = False
    changed = 0
    for entry in catalog:
        if entry.obsolete:
            continue
        before = (entry.msgstr, dict(entry.msgstr_plural), list(entry.flags))
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        changed += before != (entry.msgstr, dict(entry.msgstr_plural), list(entry.flags))
    catalog.save()
    return changed


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CATALOG
    print(f"{target}: {fill(target)} entries filled")
