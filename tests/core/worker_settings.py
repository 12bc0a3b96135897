"""Settings for worker tests: the project's, plus an app with an `on_worker_start()` hook."""

from ticketdesk.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.hooked_app"]  # noqa: F405
