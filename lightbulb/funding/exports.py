"""The funding lists' rows and columns, shared by each list page and its CSV or XLSX download (core.exports).

Each `*_rows(request)` is what the page lists, with the page's filters and sort: the view pages
through it and the worker writes every row of it to the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from lightbulb.core.exports import Column
from lightbulb.core.lists import Sort, sort_queryset
from lightbulb.core.registry import ExportList, registry
from lightbulb.funding.forms.agreements import AgreementFilterForm
from lightbulb.funding.forms.payments import PaymentFilterForm
from lightbulb.funding.forms.returns import ReturnFilterForm
from lightbulb.funding.models import AgreementKind
from lightbulb.funding.rules import can_manage_tiers, can_read_funding, can_read_payments, can_read_returns, can_use_portal_notices
from lightbulb.funding.selectors import agreements as agreement_selectors
from lightbulb.funding.selectors import decommissioning as decommissioning_selectors
from lightbulb.funding.selectors import payments as payment_selectors
from lightbulb.funding.selectors import returns as return_selectors
from lightbulb.funding.selectors import tiers as tier_selectors

AGREEMENT_SORTS = {
    "reference": ["reference"],
    "title": ["title"],
    "organisation": ["organisation__name"],
    "amount": ["amount"],
    "start": ["start_date"],
    "end": ["end_date"],
    "status": ["status"],
}
AGREEMENT_COLUMNS = [
    Column("Reference", lambda a: a.reference),
    Column("Title", lambda a: a.title),
    Column("Kind", lambda a: a.get_kind_display()),
    Column("Organisation", lambda a: a.organisation.name),
    Column("Accountable officer", lambda a: a.accountable_officer.display_name),
    Column("Department", lambda a: a.department),
    Column("Budget line", lambda a: a.budget_line),
    Column("Total value (£)", lambda a: a.amount),
    Column("Start date", lambda a: a.start_date),
    Column("End date", lambda a: a.end_date),
    Column("Procurement route", lambda a: a.get_procurement_route_display()),
    Column("Risk level", lambda a: a.get_risk_level_display()),
    Column("Payment basis", lambda a: a.get_payment_basis_display()),
    Column("Status", lambda a: a.get_status_display()),
    Column("Recipient is a VCSE", lambda a: a.recipient_is_vcse),
    Column("Recipient is an SME", lambda a: a.recipient_is_sme),
    Column("Registration number", lambda a: a.recipient_registration_number),
]
RETURN_COLUMNS = [
    Column("Agreement", lambda r: r.agreement.reference),
    Column("Agreement title", lambda r: r.agreement.title),
    Column("Organisation", lambda r: r.agreement.organisation.name),
    Column("Accountable officer", lambda r: r.agreement.accountable_officer.display_name),
    Column("Period start", lambda r: r.period_start),
    Column("Period end", lambda r: r.period_end),
    Column("Due date", lambda r: r.due_date),
    Column("Status", lambda r: r.get_status_display()),
    Column("Overdue", lambda r: r.is_overdue),
    Column("Submitted", lambda r: r.submitted_at),
    Column("Reviewed", lambda r: r.reviewed_at),
]
PAYMENT_COLUMNS = [
    Column("Agreement", lambda p: p.agreement.reference),
    Column("Agreement title", lambda p: p.agreement.title),
    Column("Organisation", lambda p: p.agreement.organisation.name),
    Column("Due date", lambda p: p.due_date),
    Column("Amount", lambda p: p.amount),
    Column("Paid", lambda p: p.get_basis_display()),
    Column("Milestone", lambda p: p.milestone),
    Column("Status", lambda p: p.get_status_display()),
    Column("Invoice or claim received", lambda p: p.invoice_received_on),
    Column("Paid on", lambda p: p.paid_on),
    Column("Days to pay", lambda p: p.pay_days),
    Column("Amount clawed back", lambda p: p.clawed_back_amount),
    Column("Reason held or clawed back", lambda p: p.reason),
]
TIER_COLUMNS = [
    Column("Name", lambda t: t.name),
    Column("Lowest value (£)", lambda t: t.min_value),
    Column("Highest value (£)", lambda t: t.max_value if t.max_value is not None else "No upper limit"),
    Column("Risk level", lambda t: t.get_risk_level_display()),
    Column("Checks before award", lambda t: "; ".join(tier_selectors.check_label(code) for code in t.required_checks) or "No checks required"),
    Column("Monitoring every (months)", lambda t: t.monitoring_every_months),
    Column("Payment in advance allowed", lambda t: t.advance_payment_allowed),
]
NOTICE_COLUMNS = [
    Column("Agreement", lambda d: d.agreement.reference),
    Column("Agreement title", lambda d: d.agreement.title),
    Column("Organisation", lambda d: d.agreement.organisation.name),
    Column("Notice given", lambda d: d.notice_date),
    Column("Funding ends", lambda d: d.funding_end_date),
    Column("Respond by", lambda d: d.response_due_date),
    Column("Responded", lambda d: bool(d.organisation_response)),
]
SPEND_BY_WARD_COLUMNS = [Column("Ward", lambda row: row["ward"]), Column("Total value (£)", lambda row: row["total"])]


def _kind_value(index: int) -> Callable[[dict[str, Any]], Any]:
    def value(row: dict[str, Any]) -> Any:
        return row["values"][index]

    return value


def spend_by_year_columns(request: HttpRequest | None = None) -> list[Column]:
    """The financial year, one column per kind of agreement, and the year's total, as the page shows them."""
    kinds = [Column(f"{label} (£)", _kind_value(index)) for index, (_kind, label) in enumerate(AgreementKind.choices)]
    return [Column("Financial year", lambda row: row["year"]), *kinds, Column("Total (£)", lambda row: row["total"])]


def agreement_rows(
    request: HttpRequest, choices: dict[str, Any] | None = None
) -> tuple[QuerySet[Any], Sort, agreement_selectors.AgreementFilters, bool, AgreementFilterForm]:
    """The agreements the list shows, whether it shows only the user's own ("mine" overrides the officer chosen), and the filter form."""
    choices = agreement_selectors.choices() if choices is None else choices
    form = AgreementFilterForm(request.GET, choices=choices)
    values = form.filters()
    mine = values.pop("mine")
    if mine:
        values["officer"] = request.user.pk
    filters = agreement_selectors.AgreementFilters(query=values.pop("q"), **values)
    queryset, sort = sort_queryset(request, agreement_selectors.agreement_search(filters), AGREEMENT_SORTS, "-start")
    return queryset, sort, filters, mine, form


def return_rows(request: HttpRequest) -> tuple[QuerySet[Any], Sort, ReturnFilterForm]:
    form = ReturnFilterForm(request.GET)
    chosen = form.filters()
    # The person's id only when they ask for their own returns: the list of everyone's is then the
    # same page for every officer, and shared as kept (core/page_cache.py).
    filters = return_selectors.ReturnFilters(**chosen, user_id=request.user.pk if chosen.get("mine") else None)
    returns, sort = sort_queryset(request, return_selectors.return_list(filters), return_selectors.RETURN_SORTS, "due")
    return returns, sort, form


def payment_rows(request: HttpRequest) -> tuple[QuerySet[Any], Sort, PaymentFilterForm]:
    form = PaymentFilterForm(request.GET)
    payments, sort = sort_queryset(
        request, payment_selectors.payment_list(payment_selectors.PaymentFilters(**form.filters())), payment_selectors.PAYMENT_SORTS, "due"
    )
    return payments, sort, form


def register() -> None:
    lists = {
        "agreements": ExportList("Agreements", "agreements", can_read_funding, lambda r: agreement_rows(r)[0], AGREEMENT_COLUMNS, "funding:agreement_list"),
        "returns": ExportList("Monitoring returns", "monitoring-returns", can_read_returns, lambda r: return_rows(r)[0], RETURN_COLUMNS, "funding:return_list"),
        "payments": ExportList("Payments", "payments", can_read_payments, lambda r: payment_rows(r)[0], PAYMENT_COLUMNS, "funding:payment_list"),
        "tiers": ExportList(
            "Proportionality tiers", "proportionality-tiers", can_manage_tiers, lambda r: tier_selectors.tier_list(), TIER_COLUMNS, "funding:tier_list"
        ),
        "spend_by_year": ExportList(
            "Spend by financial year and kind",
            "spend-by-year",
            can_read_funding,
            lambda r: agreement_selectors.spend_by_year_and_kind()["rows"],
            spend_by_year_columns,
            "funding:spend",
        ),
        "spend_by_ward": ExportList(
            "Spend by ward", "spend-by-ward", can_read_funding, lambda r: agreement_selectors.spend_by_ward(), SPEND_BY_WARD_COLUMNS, "funding:spend"
        ),
        # A member's own organisations' notices that funding will end.
        "portal_notices": ExportList(
            "Funding notices",
            "funding-notices",
            can_use_portal_notices,
            lambda r: decommissioning_selectors.notices_for_member(r.user),
            NOTICE_COLUMNS,
            "funding:portal_notices",
        ),
    }
    registry.exports.update(lists)
