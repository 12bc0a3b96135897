"""The German and English catalogs: complete, current with the source, and compiled.

The source's msgids are extracted with Django's own makemessages, run on a copy of the
package so the committed catalogs are never touched. When a test here fails, run
`make messages`, translate the new German entries, and commit the .po and .mo files.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

import ticketdesk
from tests.conftest import IN_CI

PACKAGE = Path(ticketdesk.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
LANGUAGES = ("de", "en")
# msgctxt, msgid, msgid_plural: what identifies a message in a catalog.
type Key = tuple[str | None, str, str]


def key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def entries(language: str) -> list[polib.POEntry]:
    return [entry for entry in catalog(language) if entry.msgid and not entry.obsolete]


def gettext_tools() -> None:
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if not shutil.which(tool)]
    if missing and IN_CI:
        pytest.fail(f"CI=true but the gettext tools are missing: {missing}")
    if missing:
        pytest.skip(f"gettext tools not installed ({', '.join(missing)}); apt-get install gettext")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[Key]:
    """The messages makemessages finds in today's source (as `make messages` runs it)."""
    gettext_tools()
    source = tmp_path_factory.mktemp("catalogs") / "ticketdesk"
    skip = shutil.ignore_patterns("locale", "static", "var", "__pycache__", "*.pyc")
    shutil.copytree(PACKAGE, source, ignore=skip)
    locale = source / "locale"
    locale.mkdir()
    with override_settings(LOCALE_PATHS=[locale]), contextlib.chdir(source):
        call_command("makemessages", locale=["en"], keep_pot=True, verbosity=0)
    return {key(entry) for entry in polib.pofile(str(locale / "django.pot")) if entry.msgid}


def describe(keys: set[Key]) -> str:
    return "\n".join(sorted(f"  {msgid!r}" for _, msgid, _ in keys))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_holds_exactly_the_messages_of_the_source(
    extracted: set[Key], language: str
) -> None:
    present = {key(entry) for entry in entries(language)}
    missing, stale = extracted - present, present - extracted
    assert not missing, f"{language}: not in the catalog, run `make messages`:\n{describe(missing)}"
    assert not stale, (
        f"{language}: no longer in the source, run `make messages`:\n{describe(stale)}"
    )


def test_german_catalog_translates_every_message() -> None:
    untranslated = [e.msgid for e in entries("de") if not e.translated() or "fuzzy" in e.flags]
    assert not untranslated, "German translations missing or fuzzy:\n" + "\n".join(untranslated)
    assert not catalog("de").metadata_is_fuzzy


def test_english_catalog_copies_every_msgid() -> None:
    wrong = [
        e.msgid
        for e in entries("en")
        if "fuzzy" in e.flags
        or (e.msgid_plural and e.msgstr_plural != {0: e.msgid, 1: e.msgid_plural})
        or (not e.msgid_plural and e.msgstr != e.msgid)
    ]
    assert not wrong, "English msgstr differs from its msgid (run `make messages`):\n" + "\n".join(
        wrong
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    gettext_tools()
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    checked = subprocess.run(
        ["msgfmt", "--check-format", "--output-file=/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


def translations(messages: list[polib.POEntry] | polib.MOFile) -> dict[Key, object]:
    return {key(e): dict(e.msgstr_plural) if e.msgid_plural else e.msgstr for e in messages}


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_its_source(language: str) -> None:
    source = [e for e in entries(language) if e.translated() and "fuzzy" not in e.flags]
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    assert translations([e for e in compiled if e.msgid]) == translations(source), (
        f"{language}: django.mo is out of date; run `make messages`"
    )
