"""Points consumed: contract points taken per customer and week or month (time logged,
its corrections and manual debits, by when they count), from the contracts' ledger."""

from __future__ import annotations

from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from ticketdesk.contracts.models import CONSUMPTION_KINDS, Movement
from ticketdesk.customers.models import Customer

from ..periods import period_index, periods
from ..query import ReportQuery
from ..tables import OTHER_CUSTOMERS, Chart, Column, Dataset, Report, Row

TITLE = _("Points consumed")
DESCRIPTION = _(
    "Contract points consumed per customer and period: billable time (corrections "
    "included) and manual debits."
)
TOP_CUSTOMERS = 20
TOTAL = "total"


def movements(query: ReportQuery) -> Q:
    """Consumption in the range, of tickets in scope; manual debits have no ticket and
    count unless a team or category filter asks for tickets."""
    condition = query.during("booked_at") & Q(kind__in=CONSUMPTION_KINDS)
    if query.teams or query.categories:
        condition &= query.scope.tickets("ticket__")
        for name, ids in [("team", query.teams), ("category", query.categories)]:
            if ids:
                condition &= Q(**{f"ticket__{name}__in": ids})
    elif not query.scope.is_unrestricted:
        # A restricted scope's "no team" also matches movements without a ticket.
        condition &= query.scope.tickets("ticket__")
    if query.customers:
        condition &= Q(customer__in=query.customers)
    return condition


def points(query: ReportQuery) -> Report:
    """Queries: consumption per customer and period (1); the customers' names (1, none
    without consumption)."""
    spans = periods(query)
    found = (
        Movement.objects.order_by()
        .filter(movements(query))
        .values(key=F("customer_id"), span=period_index("booked_at", spans))
        .annotate(points=Sum("points"))
    )
    per_customer: dict[int, dict[str, int]] = {}
    for row in found:
        values = per_customer.setdefault(row["key"], {TOTAL: 0})
        key = spans[row["span"]].key
        values[key] = values.get(key, 0) - row["points"]
        values[TOTAL] -= row["points"]
    busiest = sorted(per_customer, key=lambda pk: (-per_customer[pk][TOTAL], pk))
    top, rest = busiest[:TOP_CUSTOMERS], busiest[TOP_CUSTOMERS:]
    names = dict(Customer.objects.filter(pk__in=top).values_list("pk", "name")) if top else {}
    keys = [span.key for span in spans]
    rows = [Row("customer", names.get(pk, ""), _values(per_customer[pk], keys), pk) for pk in top]
    if rest:
        rows.append(Row("customer", str(OTHER_CUSTOMERS), _summed(per_customer, rest, keys)))
    rows.append(Row("total", str(_("All customers")), _summed(per_customer, busiest, keys)))
    return Report(
        section="points",
        title=TITLE,
        description=DESCRIPTION,
        columns=[*(Column(span.key, span.label) for span in spans), Column(TOTAL, _("Total"))],
        rows=rows,
        chart=Chart(
            type="bar",
            dimension="customer",
            scale=_("Points"),
            datasets=[Dataset(span.label, span.key, "customer", stack="points") for span in spans],
        ),
        notes=[
            _("Customers: the %(count)d with the most points; the others summed up.")
            % {"count": TOP_CUSTOMERS},
            _("A shared contract counts for the customer whose ticket consumed the points."),
        ],
    )


def _values(found: dict[str, int], keys: list[str]) -> dict[str, float | int | None]:
    return {**{key: found.get(key, 0) for key in keys}, TOTAL: found[TOTAL]}


def _summed(
    per_customer: dict[int, dict[str, int]], pks: list[int], keys: list[str]
) -> dict[str, float | int | None]:
    return {key: sum(per_customer[pk].get(key, 0) for pk in pks) for key in [*keys, TOTAL]}
