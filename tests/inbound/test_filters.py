"""Mail filters: conditions, all/any, first match in order, and every action."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from pytest_django.fixtures import Settings

from tests.accounts.factories import TeamFactory, UserFactory
from tests.customers.factories import ContactFactory
from tests.tickets.factories import priority
from ticketdesk.customers.models import Contact
from ticketdesk.inbound.filters import services
from ticketdesk.inbound.filters.matching import first_matching_filter
from ticketdesk.inbound.filters.models import (
    INVALID_REGEX,
    REGEX_TOO_SLOW,
    MailFilter,
    MailFilterCondition,
)
from ticketdesk.inbound.models import InboundStatus, ReviewReason
from ticketdesk.inbound.parsing import parse_message
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.tickets.models import Category, Priority, Ticket

from .factories import make_filter
from .mail import compose, deliver

pytestmark = pytest.mark.django_db

INVOICE = compose(
    sender="Billing Robot <robot@vendor.example>",
    to="Support <support@example.com>",
    subject="Invoice 2026-0042 for March",
    body="Dear customer,\nyour invoice number 2026-0042 is attached.",
    headers={"Cc": "accounting@customer.example"},
)


@pytest.fixture
def contact() -> Contact:
    return ContactFactory(email="robot@vendor.example")


def matches(*conditions: tuple[str, str, str], match: str = "all") -> bool:
    mail_filter = make_filter(*conditions, match=match)
    return first_matching_filter(parse_message(INVOICE)) == mail_filter


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (("from", "contains", "@VENDOR.example"), True),
        (("from", "contains", "Billing Robot"), True),
        (("from", "equals", "robot@vendor.example"), True),
        (("from", "equals", "vendor.example"), False),
        (("from", "regex", r"^robot@(vendor|other)\.example$"), True),
        (("to", "contains", "accounting@"), True),
        (("to", "equals", "SUPPORT@example.com"), True),
        (("to", "regex", r"^sales@"), False),
        (("subject", "contains", "invoice"), True),
        (("subject", "equals", "  invoice 2026-0042 for march "), True),
        (("subject", "equals", "Invoice"), False),
        (("subject", "regex", r"^invoice \d{4}-\d+"), True),
        (("body", "contains", "number 2026-0042"), True),
        (("body", "equals", "Dear customer,"), False),
        (("body", "regex", r"^your invoice"), True),
        (("body", "regex", r"refund"), False),
    ],
)
def test_each_field_and_operator(condition: tuple[str, str, str], expected: bool) -> None:
    assert matches(condition) is expected


def test_all_needs_every_condition_and_any_needs_one() -> None:
    hit, miss = ("subject", "contains", "invoice"), ("subject", "contains", "refund")
    assert matches(hit, miss, match="all") is False
    MailFilter.objects.all().delete()
    assert matches(hit, miss, match="any") is True


def test_first_matching_active_filter_in_order_wins() -> None:
    inactive = make_filter(("subject", "contains", "invoice"), name="Off")
    services.set_mail_filter_active(inactive, active=False)
    first = make_filter(("subject", "contains", "invoice"), name="First")
    second = make_filter(("from", "contains", "vendor"), name="Second")
    parsed = parse_message(INVOICE)
    assert first_matching_filter(parsed) == first
    services.move_mail_filter(second, direction="up")
    assert first_matching_filter(parsed) == second
    assert list(MailFilter.objects.values_list("name", flat=True)) == ["Off", "Second", "First"]


def test_filter_sets_priority_category_team_and_assignee(contact: Contact) -> None:
    agent, team = UserFactory(), TeamFactory()
    category = Category.objects.active().first()
    make_filter(
        ("subject", "contains", "invoice"),
        set_priority=priority("High"),
        set_category=category,
        set_team=team,
        set_assignee=agent,
    )
    inbound = deliver(INVOICE)
    ticket = inbound.ticket
    assert (ticket.priority, ticket.category, ticket.team, ticket.assignee) == (
        priority("High"),
        category,
        team,
        agent,
    )
    assert inbound.mail_filter is not None


def test_filter_closes_the_ticket_at_once_and_mails_no_one(contact: Contact) -> None:
    make_filter(("from", "contains", "robot@"), close=True)
    ticket = deliver(INVOICE).ticket
    assert ticket.status.is_closed
    assert not OutboundMail.objects.exists()


def test_do_not_create_a_ticket_holds_the_message_in_the_inbox(contact: Contact) -> None:
    mail_filter = make_filter(("subject", "contains", "invoice"), skip_ticket=True)
    inbound = deliver(INVOICE)
    assert inbound.ticket is None
    assert inbound.status == InboundStatus.NEEDS_REVIEW
    assert inbound.review_reason == ReviewReason.FILTERED
    assert inbound.mail_filter == mail_filter
    assert not Ticket.objects.exists()


def test_filters_do_not_touch_replies_to_existing_tickets(contact: Contact) -> None:
    ticket = deliver(INVOICE).ticket
    make_filter(("subject", "contains", "invoice"), skip_ticket=True)
    reply = deliver(compose(sender=contact.email, subject=f"Re: [#{ticket.reference}] Invoice"))
    assert reply.ticket == ticket


def test_deactivated_entries_and_assignees_are_skipped_when_applied(contact: Contact) -> None:
    agent = UserFactory()
    make_filter(
        ("subject", "contains", "invoice"), set_priority=priority("High"), set_assignee=agent
    )
    Priority.objects.filter(name_en="High").update(is_active=False)
    agent.is_support_team = False
    agent.save()
    ticket = deliver(INVOICE).ticket
    assert ticket.priority != priority("High")
    assert ticket.assignee is None


def test_invalid_regex_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValidationError) as error:
        make_filter(("subject", "regex", "invoice ("))
    [message] = error.value.message_dict["value"]
    assert message.startswith("“invoice (” is not a valid regular expression: missing )")
    assert str(INVALID_REGEX).split("%")[0] in message
    assert not MailFilter.objects.exists()


# Patterns with catastrophic backtracking: each blows up on a long text of one kind.
SLOW_PATTERNS = [r"^(\w+\s?)*$", r"(a|aa)+$", r"(\s*)*$", r"\s+$"]


@pytest.mark.parametrize("pattern", SLOW_PATTERNS)
def test_pattern_that_times_out_on_a_probe_is_refused_on_save(pattern: str) -> None:
    with pytest.raises(ValidationError) as error:
        make_filter(("body", "regex", pattern))

    [message] = error.value.message_dict["value"]
    assert message.startswith(f"“{pattern}” takes too long on a long message")
    assert str(REGEX_TOO_SLOW).split("(")[0].split("%")[-1][2:] in message
    assert not MailFilter.objects.exists()


@pytest.mark.parametrize(
    "pattern",
    [
        r"invoice\s+\d+",
        r"^re:",
        r"[\w.+-]+@[\w-]+\.[\w.]+",
        r".*@customer\.example$",
        r"(urgent|dringend)",
        r"(\w+\s)+done",
    ],
)
def test_ordinary_patterns_pass_the_probe(pattern: str) -> None:
    assert make_filter(("body", "regex", pattern)).conditions.get().value == pattern


def test_regex_syntax_stays_that_of_python() -> None:
    # `regex` would accept \p{L}; what Python's re refuses stays refused.
    with pytest.raises(ValidationError, match="bad escape"):
        make_filter(("subject", "regex", r"\p{L}+"))


def test_stored_slow_pattern_counts_as_no_match_and_does_not_block_ingest(
    contact: Contact, caplog: pytest.LogCaptureFixture, settings: Settings
) -> None:
    settings.INBOUND_FILTER_REGEX_TIMEOUT_SECONDS = 0.05
    # Saved before patterns were probed: written past the service's checks.
    held = MailFilter.objects.create(name="Old rule", skip_ticket=True)
    MailFilterCondition.objects.create(
        mail_filter=held, field="body", operator="regex", value=r"^(\w+\s?)*$"
    )
    mail = compose(sender=contact.email, subject="Long line", body="a" * 50_000 + "!")

    with caplog.at_level(logging.WARNING, logger="ticketdesk.inbound.filters.matching"):
        inbound = deliver(mail)

    assert inbound.ticket is not None
    assert inbound.mail_filter is None
    assert "timed out, counted as no match" in caplog.text


def test_stored_slow_pattern_still_matches_short_text(contact: Contact) -> None:
    held = MailFilter.objects.create(name="Old rule", skip_ticket=True)
    MailFilterCondition.objects.create(
        mail_filter=held, field="subject", operator="regex", value=r"^(\w+\s?)*$"
    )

    inbound = deliver(compose(sender=contact.email, subject="Invoice for March"))

    assert inbound.mail_filter == held


def test_filter_needs_a_condition() -> None:
    with pytest.raises(ValidationError, match="at least one condition"):
        make_filter()


def test_assignee_must_be_in_the_support_team() -> None:
    with pytest.raises(ValidationError, match="not an active member of the Support team"):
        make_filter(("subject", "contains", "x"), set_assignee=UserFactory(outsider=True))


def test_do_not_create_cannot_be_combined_with_ticket_actions() -> None:
    with pytest.raises(ValidationError, match="cannot be combined"):
        make_filter(("subject", "contains", "x"), skip_ticket=True, close=True)


def test_filter_assignee_made_read_only_later_still_opens_the_ticket(contact: Contact) -> None:
    agent = UserFactory(full_name="Rita Later-Readonly")
    make_filter(("from", "contains", "robot@"), set_assignee=agent)
    agent.role = "readonly"
    agent.save()
    inbound = deliver(INVOICE)
    assert inbound.ticket is not None
    assert inbound.ticket.assignee is None
