"""Reads for concerns, the counter-fraud figures and the risk register.

`counter_fraud_figures(year)` and `organisation_ids_under_investigation()` are read by
the open-data module: the first is published as the Transparency Code's fraud dataset, the
second keeps grants to organisations under investigation out of publication. Neither names
anyone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from lightbulb.concerns.models import (
    FRAUD_CATEGORIES,
    AccessLogEntry,
    Concern,
    CounterFraudYear,
    Evidence,
    InvestigationNote,
    LadderStep,
    NoteKind,
    Risk,
    RiskAppetite,
    RiskArea,
    Status,
    Step,
)
from lightbulb.concerns.rules import can_manage_concerns, can_read_concerns, can_read_risks
from lightbulb.core.access import object_for_user
from lightbulb.core.rows import CompiledRows, Row

AGREEMENT_ENDED = ("decommissioned", "closed", "recommissioned")


def financial_year(year: int) -> tuple[datetime.date, datetime.date]:
    """The financial year starting 1 April `year`: its first and last day."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def financial_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class CounterFraudFigures:
    """The Local Government Transparency Code 2015's annual fraud figures, for the financial year starting 1 April `year`."""

    year: int
    powers_used: int
    employees: int
    employees_fte: Decimal
    accredited_specialists: int
    accredited_fte: Decimal
    amount_spent: Decimal
    cases_investigated: int

    @property
    def period(self) -> str:
        return f"{self.year}/{str(self.year + 1)[-2:]}"

    def as_row(self) -> dict[str, Any]:
        """The dataset's columns, in the Code's words, in order."""
        return {
            "Financial year": self.period,
            "Number of occasions powers were used under the Prevention of Social Housing Fraud Regulations 2014, or similar powers": self.powers_used,
            "Total number of employees undertaking investigations and prosecutions of fraud": self.employees,
            "Full-time equivalent employees undertaking investigations and prosecutions of fraud": self.employees_fte,
            "Total number of professionally accredited counter fraud specialists": self.accredited_specialists,
            "Full-time equivalent professionally accredited counter fraud specialists": self.accredited_fte,
            "Total amount spent on the investigation and prosecution of fraud (£)": self.amount_spent,
            "Total number of fraud cases investigated": self.cases_investigated,
        }


def counter_fraud_figures(year: int) -> CounterFraudFigures:
    """The year's figures from the register: notes of powers used, who worked on concerns, what it cost, fraud cases triaged into investigation."""
    start, end = financial_year(year)
    notes = InvestigationNote.objects.filter(recorded_on__range=(start, end))
    steps = LadderStep.objects.filter(taken_on__range=(start, end))
    workers = set(notes.values_list("author_id", flat=True)) | set(steps.values_list("taken_by_id", flat=True))
    investigated = Concern.objects.filter(triaged_on__range=(start, end), investigated=True)
    workers |= set(investigated.exclude(investigator=None).values_list("investigator_id", flat=True))
    entered = CounterFraudYear.objects.filter(year=year).first()
    spent = notes.aggregate(total=Sum("cost"))["total"] or Decimal(0)
    return CounterFraudFigures(
        year=year,
        powers_used=notes.filter(kind=NoteKind.POWERS).count(),
        employees=len(workers),
        employees_fte=entered.employees_fte if entered else Decimal(0),
        accredited_specialists=entered.accredited_specialists if entered else 0,
        accredited_fte=entered.accredited_fte if entered else Decimal(0),
        amount_spent=spent + (entered.other_costs if entered else Decimal(0)),
        cases_investigated=investigated.filter(category__in=FRAUD_CATEGORIES).count(),
    )


def counter_fraud_years() -> list[int]:
    """Every financial year the register has something in, newest first (always the current one)."""
    years = {financial_year_of(timezone.localdate())}
    years |= {financial_year_of(day) for day in Concern.objects.exclude(triaged_on=None).values_list("triaged_on", flat=True) if day is not None}
    years |= {financial_year_of(day) for day in InvestigationNote.objects.values_list("recorded_on", flat=True)}
    years |= set(CounterFraudYear.objects.values_list("year", flat=True))
    return sorted(years, reverse=True)


def counter_fraud_year_get(year: int) -> CounterFraudYear | None:
    return CounterFraudYear.objects.filter(year=year).first()


def organisation_ids_under_investigation() -> set[int]:
    """Ids of organisations with a concern awaiting triage or under investigation; nothing else about them."""
    return set(Concern.objects.exclude(status=Status.CLOSED).exclude(organisation=None).values_list("organisation_id", flat=True).distinct())


# --- concerns ---------------------------------------------------------------------------------


def _concerns() -> QuerySet[Concern]:
    return Concern.objects.select_related("organisation", "agreement", "investigator", "reporter_user", "reporter_organisation")


def concern_queue() -> list[Concern]:
    """Open concerns, awaiting triage first (the most overdue first), then those under investigation."""
    open_concerns = list(_concerns().exclude(status=Status.CLOSED))
    return sorted(open_concerns, key=lambda c: (c.status != Status.RECEIVED, c.triage_due, c.pk))


def concern_list(*, status: str = "", query: str = "") -> QuerySet[Concern]:
    concerns = _concerns()
    if status in Status.values:
        concerns = concerns.filter(status=status)
    if query:
        concerns = concerns.filter(Q(reference__icontains=query) | Q(subject_name__icontains=query) | Q(organisation__name__icontains=query))
    return concerns.order_by("-received_on", "-id")


def get_concern_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Concern:
    return object_for_user(
        _concerns().filter(pk=pk).first(), request.user, read=can_read_concerns, write=can_manage_concerns if write else None, what="concern"
    )


def concern_notes(concern: Concern) -> list[InvestigationNote]:
    return list(concern.notes.select_related("author"))


def concern_evidence(concern: Concern) -> list[Evidence]:
    return list(concern.evidence.select_related("uploaded_by"))


def evidence_get(concern: Concern, pk: int) -> Evidence | None:
    return concern.evidence.filter(pk=pk).first()


def concern_steps(concern: Concern) -> list[LadderStep]:
    return list(concern.steps.select_related("taken_by"))


def concern_by_reference(reference: str) -> Concern | None:
    return Concern.objects.filter(reference=reference.strip().upper()).first()


def concern_counts() -> list[dict[str, Any]]:
    """How many concerns there are in each status: the only thing a councillor sees."""
    counted = dict(Concern.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [{"status": label, "count": counted.get(value, 0)} for value, label in Status.choices]


def overdue_triage(today: datetime.date | None = None) -> list[Concern]:
    today = today or timezone.localdate()
    return [c for c in concern_queue() if c.status == Status.RECEIVED and c.triage_due < today]


def payments_to_claw_back(concern: Concern) -> list[Any]:
    """The agreement's paid payments: what a claw-back step can recover."""
    from lightbulb.funding.selectors.payments import agreement_payments

    if concern.agreement is None:
        return []
    return [p for p in agreement_payments(concern.agreement) if p.status == "paid"]


def access_log_for(concern: Concern) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(concern=concern).order_by("-sequence")[:200])


def steps_available() -> list[tuple[str, str]]:
    return list(Step.choices)


# --- risks ------------------------------------------------------------------------------------


def risk_list(*, area: str = "", include_closed: bool = False) -> QuerySet[Risk]:
    risks = Risk.objects.select_related("owner", "agreement")
    if not include_closed:
        risks = risks.filter(status=Risk.Status.OPEN)
    if area in RiskArea.values:
        risks = risks.filter(area=area)
    return risks


def get_risk_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Risk:
    from lightbulb.concerns.rules import can_manage_risks

    risk = Risk.objects.select_related("owner", "agreement").filter(pk=pk).first()
    return object_for_user(risk, request.user, read=can_read_risks, write=can_manage_risks if write else None, what="risk")


def appetites() -> dict[str, RiskAppetite]:
    return {appetite.area: appetite for appetite in RiskAppetite.objects.all()}


def appetite_position(risk: Risk, appetite: RiskAppetite | None) -> str:
    """ "above" (more risk than the appetite), "below" (less than it: over-cautious), "within", or "" with no appetite set."""
    if appetite is None:
        return ""
    if risk.score > appetite.highest:
        return "above"
    if risk.score < appetite.lowest:
        return "below"
    return "within"


def heat_map(risks: list[Risk]) -> list[dict[str, Any]]:
    """Rows from likelihood 5 down to 1, each with five cells (impact 1 to 5) holding the count of risks there."""
    counts: dict[tuple[int, int], int] = {}
    for risk in risks:
        counts[(risk.likelihood, risk.impact)] = counts.get((risk.likelihood, risk.impact), 0) + 1
    return [
        {
            "likelihood": likelihood,
            "cells": [{"impact": impact, "score": likelihood * impact, "count": counts.get((likelihood, impact), 0)} for impact in range(1, 6)],
        }
        for likelihood in range(5, 0, -1)
    ]


def _risk_review_rows(owner: int | None, end: datetime.date) -> QuerySet[Any]:
    # A risk on an agreement that has ended winds down with it: no more reviews fall due.
    risks = Risk.objects.filter(status=Risk.Status.OPEN, review_date__lte=end).exclude(agreement__status__in=AGREEMENT_ENDED)
    if owner is not None:
        risks = risks.filter(owner_id=owner)
    return risks.order_by("review_date", "id").values("pk", "title", "review_date")


# A risk owner's reviews are read twice on every build of their dashboard (the panel, the deadlines): compiled once.
_RISK_REVIEWS = CompiledRows(_risk_review_rows, owner=int, end=datetime.date)


def risks_due_for_review(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Row]:
    """The open risks whose review falls due by `end` (pk, title, review_date), soonest first: the person's own, or with
    `everyone` every owner's."""
    if everyone:
        return [Row(row) for row in _risk_review_rows(None, end)]
    owner = getattr(user, "pk", None)
    return _RISK_REVIEWS.rows(owner=owner, end=end) if owner is not None else []


# --- choices for forms --------------------------------------------------------------------------


CANDIDATES = 20


def organisation_candidates(text: str, *, include: int | None = None) -> list[tuple[int, str]]:
    """The register's best matches for the name a reporter gave (at most CANDIDATES), and the one already linked."""
    from lightbulb.organisations.models import Organisation
    from lightbulb.organisations.search import search

    found = list(search(Organisation.objects.all(), text)[:CANDIDATES]) if text.strip() else []
    if include is not None and all(o.pk != include for o in found):
        found = list(Organisation.objects.filter(pk=include)) + found
    return [(o.pk, f"{o.name}, {o.postcode}" if o.postcode else o.name) for o in found]


def member_organisation_choices(user: Any) -> list[tuple[int, str]]:
    from lightbulb.organisations.models import Organisation

    return list(Organisation.objects.filter(memberships__user_id=getattr(user, "pk", 0) or 0).order_by("name").values_list("pk", "name"))


def agreement_choices(organisation_ids: list[int]) -> list[tuple[int, str]]:
    """The agreements of the organisations offered (the newest 50): a concern's agreement is one of its organisation's."""
    from lightbulb.funding.models import Agreement

    agreements = Agreement.objects.filter(organisation_id__in=organisation_ids).select_related("organisation").order_by("-start_date", "reference")[:50]
    return [(a.pk, f"{a.reference} {a.title} ({a.organisation.name})") for a in agreements]


def agreement_by_reference(reference: str) -> Any:
    from lightbulb.funding.models import Agreement

    return Agreement.objects.filter(reference__iexact=reference.strip()).first() if reference.strip() else None


def paid_payment_choices(concern: Concern) -> list[tuple[int, str]]:
    return [(p.pk, f"£{p.amount:,.2f} paid {p.paid_on:%-d %B %Y}" if p.paid_on else f"£{p.amount:,.2f}") for p in payments_to_claw_back(concern)]


def owner_choices() -> list[tuple[int, str]]:
    from lightbulb.accounts.models import User

    users = User.objects.filter(is_active=True, role__in=("officer", "investigator")).order_by("full_name", "email")
    return [(u.pk, str(getattr(u, "display_name", "") or u)) for u in users]


def agreement_payments_summary(concern: Concern) -> list[Any]:
    from lightbulb.funding.selectors.payments import agreement_payments

    return list(agreement_payments(concern.agreement)) if concern.agreement is not None else []


def organisation_get(pk: int | None) -> Any:
    from lightbulb.organisations.models import Organisation

    return Organisation.objects.filter(pk=pk).first() if pk is not None else None


def access_log_recent(limit: int = 50) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.order_by("-sequence")[:limit])


def area_choices() -> list[tuple[str, str]]:
    return list(RiskArea.choices)


POSITION_WORDS = {"above": "More risk than the appetite", "below": "Less risk than the appetite", "within": "Within the appetite", "": "No appetite set"}


def risk_rows(risks: list[Risk]) -> list[dict[str, Any]]:
    """Each risk with its score and where it sits against its area's appetite, in words."""
    set_appetites = appetites()
    rows = []
    for risk in risks:
        position = appetite_position(risk, set_appetites.get(risk.area))
        rows.append({"risk": risk, "score": risk.score, "position": position, "position_words": POSITION_WORDS[position]})
    return rows


def appetite_rows() -> list[dict[str, Any]]:
    """Each area with its appetite band and how many open risks sit above, within and below it."""
    set_appetites = appetites()
    open_risks = list(Risk.objects.filter(status=Risk.Status.OPEN))
    rows = []
    for value, label in RiskArea.choices:
        appetite = set_appetites.get(value)
        positions = [appetite_position(r, appetite) for r in open_risks if r.area == value]
        rows.append(
            {
                "area": value,
                "label": label,
                "appetite": appetite,
                "above": positions.count("above"),
                "within": positions.count("within"),
                "below": positions.count("below"),
                "total": len(positions),
            }
        )
    return rows


def organisation_concerns(organisation_id: int) -> list[Concern]:
    return list(Concern.objects.filter(organisation_id=organisation_id).order_by("-received_on", "-id"))
