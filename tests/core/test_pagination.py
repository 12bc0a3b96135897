"""Count-free pages: the next-page link comes from one extra row, never from COUNT(*)."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from ticketdesk.accounts.models import User
from ticketdesk.core.pagination import page_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("number", "expected_page", "has_next"),
    [(None, 1, True), ("2", 2, True), ("3", 3, False), ("x", 1, True), ("-4", 1, True)],
)
def test_page_knows_its_neighbours_without_counting(
    number: str | None, expected_page: int, has_next: bool, django_assert_num_queries
) -> None:
    UserFactory.create_batch(5)

    with django_assert_num_queries(1):
        page = page_of(User.objects.order_by("pk"), number, per_page=2)

    assert page.number == expected_page
    assert page.has_next is has_next
    assert page.has_previous is (expected_page > 1)
    assert len(page.object_list) == (1 if expected_page == 3 else 2)
