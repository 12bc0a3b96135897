"""Templates keep the Content-Security-Policy strict: no inline script, style or handlers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = sorted(
    Path(__file__).resolve().parents[1].glob("src/ticketdesk/**/templates/**/*.html")
)
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "asset from the internet": re.compile(r"(?:src|href)=[\"']https?://", re.IGNORECASE),
}


def test_templates_exist() -> None:
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_template_has_no_inline_code_or_remote_assets(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{template}: {', '.join(found)}"


def test_pages_send_a_strict_csp(client) -> None:
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
