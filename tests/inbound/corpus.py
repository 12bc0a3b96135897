"""Locating and reading the shared e-mail corpus (../shared/corpus beside the repository)."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_corpus() -> Path:
    """The corpus folder; skipped when absent, except under CI where it must be there."""
    if not CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"CI=true but the e-mail corpus is missing at {CORPUS}")
        pytest.skip(f"e-mail corpus not found at {CORPUS}")
    return CORPUS


def all_messages() -> list[Path]:
    """Every full message file in the corpus (not the plain-text reply fragments)."""
    if not CORPUS.is_dir():
        return []
    files = [*CORPUS.glob("zammad-mail/*.box"), *CORPUS.glob("django-helpdesk/*.eml")]
    files += CORPUS.glob("reply-quotes/mailgun-talon/**/*.eml")
    return sorted(files)


class _RubyYamlLoader(yaml.SafeLoader):
    """Zammad's expectation files: `!ruby/...` tags are plain mappings, `!binary` is base64."""


def _ruby_object(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_RubyYamlLoader.add_multi_constructor("!ruby/", _ruby_object)
_RubyYamlLoader.add_constructor(
    "!binary", lambda loader, node: base64.b64decode(loader.construct_scalar(node))
)


def load_expectation(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_RubyYamlLoader)  # noqa: S506
