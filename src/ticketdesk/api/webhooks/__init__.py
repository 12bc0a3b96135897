"""Signed webhooks: subscriptions, a delivery outbox written with each ticket change, the sender."""
