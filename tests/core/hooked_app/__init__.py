"""An app with an `on_worker_start()` hook, installed only by tests.core.worker_settings."""
