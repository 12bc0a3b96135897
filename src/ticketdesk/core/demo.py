"""Entry point of the demo data set for `ticketdesk demo` (the code lives in ticketdesk.demo)."""

from __future__ import annotations

from typing import Any


def load_demo_data(stdout: Any = None) -> bool:
    # Imported on call, not at module level: core sits below every app and must not
    # import them; only the demo command reaches up, at run time.
    from ticketdesk.demo.loader import load_demo_data as load

    return load(stdout)
