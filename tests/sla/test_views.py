"""Configuration → Support → Business hours: administrators only, errors re-render the form."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tests.accounts.factories import UserFactory
from tests.signin import sign_in
from ticketdesk.sla.models import BusinessHours, ClosedDay, OpeningInterval

pytestmark = pytest.mark.django_db

PAGE = "/config/support/business-hours/"
SCHEDULE = PAGE + "schedule/"
HOLIDAYS = PAGE + "holidays/"
ADD_CLOSED = PAGE + "closed-days/"
REMOVE_CLOSED = PAGE + "closed-days/remove/"
OFFICE_WEEK = {f"day_{day}": "08:00-17:00" for day in range(5)}


@pytest.fixture
def admin(client):
    user = UserFactory(admin=True)
    client.force_login(user)
    return user


def configuration() -> tuple:
    hours = BusinessHours.objects.get()
    intervals = list(OpeningInterval.objects.values_list("weekday", "start_minute", "end_minute"))
    closed = list(ClosedDay.objects.values_list("day", "name"))
    return hours.holiday_country, hours.holiday_subdivision, intervals, closed


@pytest.mark.parametrize("trait", ["agent", "read_only"])
def test_users_without_configuration_rights_are_refused(client, trait) -> None:
    user = UserFactory(**({} if trait == "agent" else {trait: True}))
    assert sign_in(client, user.email, "password")
    before = configuration()
    assert client.get(PAGE).status_code == 403
    assert client.post(SCHEDULE, {"day_6": "00:00-24:00"}).status_code == 403
    assert client.post(HOLIDAYS, {"country": ""}).status_code == 403
    assert client.post(ADD_CLOSED, {"day": "2026-07-03", "name": "Outing"}).status_code == 403
    assert client.post(REMOVE_CLOSED, {"day": "2026-07-03"}).status_code == 403
    assert configuration() == before


def test_configuration_index_links_the_page(client, admin) -> None:
    index = client.get("/config/").content.decode()
    assert f'href="{PAGE}"' in index
    assert "Business hours" in index


@time_machine.travel("2026-09-28 10:00 +02:00", tick=False)
def test_page_shows_the_week_and_previews_two_weeks_with_holidays_named(
    client, admin, django_assert_max_num_queries
) -> None:
    ClosedDay.objects.create(business_hours_id=1, day=date(2026, 10, 9), name="Company outing")
    with django_assert_max_num_queries(10):
        response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="day_0" value="08:00-17:00"' in page
    assert 'name="day_5" placeholder="closed"' in page
    assert '<option value="DE" selected>Germany (DE)</option>' in page
    assert "German Unity Day" in page  # Saturday 3 October, inside the 14 days
    assert "Company outing" in page
    assert '<time datetime="2026-10-11">' in page  # the 14th day
    assert '<time datetime="2026-10-12">' not in page


@time_machine.travel("2026-09-28 10:00 +02:00", tick=False)
def test_holidays_are_named_in_the_administrators_language(client) -> None:
    client.force_login(UserFactory(admin=True, language="de"))
    page = client.get(PAGE).content.decode()
    assert "Tag der Deutschen Einheit" in page
    assert "German Unity Day" not in page


def test_saved_week_is_shown_after_the_redirect(client, admin) -> None:
    response = client.post(
        SCHEDULE, {**OFFICE_WEEK, "day_0": "8-12, 13:00–17:30", "day_5": "09.00-12.00"}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "The weekly business hours have been saved." in page
    assert 'name="day_0" value="08:00-12:00, 13:00-17:30"' in page
    assert 'name="day_5" value="09:00-12:00"' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"day_1": "morning"}, "“morning” is not an opening interval; write it like 08:00-12:00."),
        ({"day_1": "08:00-12:00, 11:00-13:00"}, "Tuesday: 08:00-12:00 and 11:00-13:00 overlap."),
        ({"day_1": "17:00-08:00"}, "Tuesday: 17:00-08:00 ends before it starts."),
        ({"day_1": "08:00-25:00"}, "Tuesday: 25:00 is not a time of day (00:00 to 24:00)."),
        ({"day_1": "8:75-12"}, "“8:75-12” is not an opening interval"),
    ],
)
def test_bad_schedule_re_renders_with_the_message_and_the_typed_values(
    client, admin, typed, message
) -> None:
    before = configuration()
    response = client.post(SCHEDULE, {**OFFICE_WEEK, **typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'name="day_1" value="{typed["day_1"]}"' in page
    assert configuration() == before


def test_empty_week_is_refused(client, admin) -> None:
    response = client.post(SCHEDULE, {})
    assert response.status_code == 200
    assert "The week needs at least one opening interval" in response.content.decode()
    assert OpeningInterval.objects.count() == 5


def test_holiday_region_is_saved(client, admin) -> None:
    response = client.post(HOLIDAYS, {"country": "DE", "subdivision": "by"})
    assert response.status_code == 302
    assert configuration()[:2] == ("DE", "BY")
    assert "Germany (DE) · Bayern (BY)" in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"country": "XX"}, "Select a valid choice. XX is not one of the available choices."),
        ({"country": "DE", "subdivision": "Atlantis"}, "“Atlantis” is not a region of Germany"),
        ({"country": "", "subdivision": "BY"}, "A region needs a country"),
    ],
)
def test_bad_holiday_region_re_renders_with_the_message(client, admin, data, message) -> None:
    before = configuration()
    response = client.post(HOLIDAYS, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert configuration() == before


def test_closed_day_is_added_and_removed(client, admin) -> None:
    response = client.post(ADD_CLOSED, {"day": "2026-07-03", "name": "Company outing"})
    assert response.status_code == 302
    assert configuration()[3] == [(date(2026, 7, 3), "Company outing")]
    response = client.post(REMOVE_CLOSED, {"day": "2026-07-03"})
    assert response.status_code == 302
    assert "The closed day has been removed." in client.get(PAGE).content.decode()
    assert configuration()[3] == []


def test_duplicate_closed_day_re_renders_with_the_typed_values(client, admin) -> None:
    client.post(ADD_CLOSED, {"day": "2026-07-03", "name": "Company outing"})
    response = client.post(ADD_CLOSED, {"day": "2026-07-03", "name": "Second outing"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "is already a closed day (“Company outing”)." in page
    assert 'value="Second outing"' in page
    assert ClosedDay.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"day": "not a date"}, {"day": "2026-07-04"}])
def test_removing_nothing_or_an_open_day_says_so(client, admin, data) -> None:
    response = client.post(REMOVE_CLOSED, data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the closed day to remove." in page or "is not a closed day." in page


def test_post_only_addresses_refuse_get(client, admin) -> None:
    for url in [SCHEDULE, HOLIDAYS, ADD_CLOSED, REMOVE_CLOSED]:
        assert client.get(url).status_code == 405
    assert client.post(PAGE).status_code == 405


NASTY = ["", "\x00", "9" * 5000, "-1", "24:00-24:00", "0001-01-01", "9999-12-31", "🙂", "-" * 300]
FIELDS = ["country", "subdivision", "day", "name", *(f"day_{day}" for day in range(7))]


@pytest.mark.parametrize("value", NASTY)
def test_no_input_makes_a_server_error(client, admin, value) -> None:
    for url in [SCHEDULE, HOLIDAYS, ADD_CLOSED, REMOVE_CLOSED]:
        response = client.post(url, dict.fromkeys(FIELDS, value), follow=True)
        assert response.status_code == 200, (url, value)


def test_showing_the_page_changes_nothing(client, admin) -> None:
    before = configuration(), BusinessHours.objects.get().revision
    client.get(PAGE)
    assert (configuration(), BusinessHours.objects.get().revision) == before
