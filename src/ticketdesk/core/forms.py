"""Form helpers shared by the apps."""

from __future__ import annotations

from typing import Any


class PlainLabelsMixin:
    """Labels without a trailing colon, so accessible names are exactly the field labels.

    Put it first in the bases of a Form or ModelForm.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
