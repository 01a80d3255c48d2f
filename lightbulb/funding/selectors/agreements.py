"""Reading agreements: who may see which, lists with filters, and spend totals."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum, Window
from django.http import Http404, HttpRequest
from django.utils import timezone

from lightbulb.accounts.models import User
from lightbulb.accounts.rules import is_member_of
from lightbulb.core.access import object_for_user
from lightbulb.core.lists import columns_shown
from lightbulb.core.roles import Role
from lightbulb.core.rows import CompiledRows, labelled
from lightbulb.core.rules import allowed
from lightbulb.funding.lifecycle import FUNDED, next_statuses
from lightbulb.funding.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    AgreementTransition,
    Condition,
    DueDiligenceCheck,
    DueDiligenceRecord,
    PaymentBasis,
    ProcurementRoute,
    ProportionalityTier,
    RiskLevel,
    Variation,
)
from lightbulb.funding.rules import can_manage_agreements, can_read_funding
from lightbulb.funding.selectors.tiers import check_expires_on, tier_for
from lightbulb.places.models import Ward

# Committed money: everything from award on (planned and approved agreements are not spend yet).
SPENT = frozenset(status for status in AgreementStatus.values if status not in {AgreementStatus.PLANNED, AgreementStatus.APPROVED})


def may_write(request: HttpRequest) -> bool:
    return allowed(can_manage_agreements, request.user)


def get_agreement_for_user(request: HttpRequest, pk: int, write: bool = False) -> Agreement:
    """The agreement if the user may read it in the back office (else 404); PermissionDenied on a write they may not make."""
    agreement = Agreement.objects.select_related("organisation", "accountable_officer", "previous").filter(pk=pk).first()
    return object_for_user(agreement, request.user, read=can_read_funding, write=can_manage_agreements if write else None, what="agreement")


def extension_guard(agreement: Agreement, to_status: str) -> list[str]:
    """An extension records its new term (and value) as a variation made while the agreement was under review."""
    if to_status != AgreementStatus.EXTENDED:
        return []
    review_began = (
        AgreementTransition.objects.filter(agreement_id=agreement.pk, to_status=AgreementStatus.UNDER_REVIEW)
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    variations = Variation.objects.filter(agreement_id=agreement.pk, changes__has_key="End date")
    if review_began is not None:
        variations = variations.filter(created_at__gte=review_began)
    if variations.exists():
        return []
    return ["Record the extension's new end date (and value, if it changes) with Vary this agreement first"]


def recommission_guard(agreement: Agreement, to_status: str) -> list[str]:
    """A recommissioned agreement links to the agreement that replaces it (which names this one as the one it follows)."""
    if to_status != AgreementStatus.RECOMMISSIONED or Agreement.objects.filter(previous_id=agreement.pk).exists():
        return []
    return [f"Add the agreement that replaces this one first, giving {agreement.reference} as the agreement it replaces"]


def agreement_by_reference(reference: str) -> Agreement | None:
    return Agreement.objects.filter(reference=reference).first()


def condition_get(agreement: Agreement, pk: int) -> Condition:
    condition = Condition.objects.filter(agreement=agreement, pk=pk).select_related("agreement").first()
    if condition is None:
        raise Http404("No such condition")
    return condition


@dataclass(frozen=True)
class AgreementFilters:
    query: str = ""
    kind: str = ""
    status: str = ""
    officer: int | None = None
    ward: int | None = None
    organisation: int | None = None
    year: int | None = None


def financial_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """1 April `year` to 31 March the year after (the financial year called `year`/`year+1`)."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def financial_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    return f"{year} to {year + 1}"


def agreement_search(filters: AgreementFilters) -> QuerySet[Agreement]:
    queryset = Agreement.objects.select_related("organisation", "accountable_officer")
    if filters.query:
        text = filters.query
        queryset = queryset.filter(Q(reference__icontains=text) | Q(title__icontains=text) | Q(organisation__name__icontains=text))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status == "funded":
        queryset = queryset.filter(status__in=FUNDED)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.officer:
        queryset = queryset.filter(accountable_officer_id=filters.officer)
    if filters.organisation:
        queryset = queryset.filter(organisation_id=filters.organisation)
    if filters.ward:
        queryset = queryset.filter(wards__id=filters.ward).distinct()
    if filters.year:
        # Agreements running at any time in that financial year.
        start, end = financial_year_bounds(filters.year)
        queryset = queryset.filter(start_date__lte=end, end_date__gte=start)
    return queryset


def agreement_list_columns(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """The list page's rows with only what it prints (a download reads whole records)."""
    shown = ("reference", "title", "kind", "amount", "start_date", "end_date", "status", "organisation__name")
    return columns_shown(agreements, *shown)


def due_diligence_checks(agreement: Agreement, tier: ProportionalityTier | None) -> list[dict[str, Any]]:
    """Each check the tier asks for or that was recorded, with the day it expires (an expired check counts as not done)."""
    records = {record.check_code: record for record in DueDiligenceRecord.objects.filter(agreement=agreement).select_related("completed_by")}
    required = list(tier.required_checks) if tier else []
    today = timezone.localdate()
    checks = []
    for code, label in DueDiligenceCheck.choices:
        record = records.get(code)
        if code not in required and record is None:
            continue
        expires_on = check_expires_on(code, record.completed_on) if record else None
        checks.append(
            {
                "code": code,
                "label": label,
                "required": code in required,
                "record": record,
                "expires_on": expires_on,
                "expired": bool(expires_on and expires_on <= today),
            }
        )
    return checks


def agreement_checks(agreement: Agreement) -> list[dict[str, Any]]:
    return due_diligence_checks(agreement, tier_for(agreement))


def agreement_for_page(agreement: Agreement) -> dict[str, Any]:
    """Everything the agreement page shows, loaded in a fixed number of queries."""
    conditions = list(Condition.objects.filter(agreement=agreement).order_by("kind", "id"))
    tier = tier_for(agreement)
    checks = due_diligence_checks(agreement, tier)
    transitions = list(AgreementTransition.objects.filter(agreement=agreement).select_related("by").order_by("at", "id"))
    return {
        "agreement": agreement,
        "wards": list(agreement.wards.all()),
        "conditions": conditions,
        "tier": tier,
        "checks": checks,
        "missing": [check for check in checks if check["required"] and (check["record"] is None or check["expired"])],
        "transitions": transitions,
        "next_statuses": [(status, AgreementStatus(status).label) for status in next_statuses(agreement.status)],
    }


def officer_choices() -> QuerySet[User]:
    return User.objects.filter(role=Role.OFFICER, is_active=True).order_by("full_name", "email")


def ward_choices() -> QuerySet[Ward]:
    return Ward.objects.order_by("name")


def year_choices() -> list[int]:
    dates = Agreement.objects.order_by("start_date").values_list("start_date", flat=True)
    first = dates.first()
    last = Agreement.objects.order_by("-end_date").values_list("end_date", flat=True).first()
    if first is None or last is None:
        return []
    return list(range(financial_year_of(last), financial_year_of(first) - 1, -1))


def choices() -> dict[str, Any]:
    return {
        "kinds": AgreementKind.choices,
        "statuses": [("funded", "Currently funded"), *AgreementStatus.choices],
        "officers": [(user.pk, user.display_name) for user in officer_choices()],
        "years": [(year, financial_year_label(year)) for year in year_choices()],
        "routes": ProcurementRoute.choices,
        "risks": RiskLevel.choices,
        "bases": PaymentBasis.choices,
    }


def status_choices() -> list[tuple[str, str]]:
    return list(AgreementStatus.choices)


def spend_by_year_and_kind() -> dict[str, Any]:
    """Total value of committed agreements by the financial year they start in, split by kind."""
    rows = Agreement.objects.filter(status__in=SPENT).values("start_date__year", "start_date__month", "kind").annotate(total=Sum("amount")).order_by()
    totals: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        month = row["start_date__month"]
        year = row["start_date__year"] if month >= 4 else row["start_date__year"] - 1
        totals[year][row["kind"]] += row["total"] or Decimal("0")
    kinds = list(AgreementKind.choices)
    table = [
        {
            "year": financial_year_label(year),
            "values": [totals[year].get(kind, Decimal("0")) for kind, _label in kinds],
            "total": sum(totals[year].values(), Decimal("0")),
        }
        for year in sorted(totals)
    ]
    return {"kinds": kinds, "rows": table}


def spend_by_ward() -> list[dict[str, Any]]:
    """Total value of committed agreements by the wards they serve (an agreement counts in each of its wards)."""
    rows = Agreement.objects.filter(status__in=SPENT).values("wards__name").annotate(total=Sum("amount")).order_by("wards__name")
    result = [{"ward": row["wards__name"] or "No ward recorded", "total": row["total"] or Decimal("0")} for row in rows]
    # Unassigned spend last, so the wards read in order.
    return sorted(result, key=lambda row: (row["ward"] == "No ward recorded", row["ward"]))


ORGANISATION_AGREEMENTS_SHOWN = 25


def _held_rows(organisation: int) -> QuerySet[Any]:
    shown = ("pk", "reference", "title", "amount", "start_date", "end_date", "status")  # what the section's table shows
    held = Agreement.objects.filter(organisation_id=organisation).annotate(held_in_all=Window(Count("pk")))
    return held.order_by("-start_date", "reference").values(*shown, "held_in_all")[:ORGANISATION_AGREEMENTS_SHOWN]


# Read on every build of an organisation's page: compiled once (core.rows.CompiledRows).
_HELD = CompiledRows(_held_rows, organisation=int)


def organisation_agreements(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The Agreements section of an organisation's page: council readers see all; members see their own."""
    council_reader = allowed(can_read_funding, request.user)
    if not council_reader and not allowed(is_member_of, request.user, organisation):
        return None
    # The most recent only: a busy organisation holds hundreds; the agreement list filtered to it has them all.
    # The rows shown and how many there are in all from one query at any size: each row carries the count (a window
    # over every row of the organisation's).
    agreements = labelled(_HELD.rows(organisation=organisation.pk), Agreement, "status")
    count = agreements[0]["held_in_all"] if agreements else 0
    return {
        "title": "Agreements",
        "template": "funding/agreements/organisation_section.html",
        "order": 20,
        "agreements": agreements,
        "count": count,
        "organisation_id": organisation.pk,
        "linked": council_reader,
    }


def funded_organisations(queryset: Any) -> Any:
    return queryset.filter(agreements__status__in=FUNDED).distinct()
