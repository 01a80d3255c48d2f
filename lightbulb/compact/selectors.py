"""Reading the Compact, its measures, and consultations.

The measures are computed from funding records the system already holds. The
funding module sits beside this one (neither imports the other), so its
models are looked up through the app registry rather than imported.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Func, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch
from django.utils import timezone

from lightbulb.compact.models import Commitment, Compact, CompactRule, Consultation, ConsultationResponse
from lightbulb.compact.rules import can_manage_consultations, can_read_consultations, can_respond_to_consultation
from lightbulb.core import links
from lightbulb.core.access import object_for_user
from lightbulb.core.dates import add_months, is_short_notice
from lightbulb.core.rows import CompiledRows, aggregated
from lightbulb.core.rules import allowed
from lightbulb.organisations.models import Organisation

TWELVE_WEEKS_DAYS = 84
PAYMENT_DAYS = 30
# Breaches listed on the page per rule; the count covers them all.
BREACH_LIMIT = 50


@dataclass
class Breach:
    text: str
    url: str | None
    date: datetime.date | None = None


@dataclass
class Measure:
    rule: str
    kept: int = 0
    total: int = 0
    breaches: list[Breach] = field(default_factory=list)
    breach_count: int = 0
    # Records kept or not that the reader should know more about (a notice sent outside Lightbulb).
    notes: list[Breach] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return round(100 * self.kept / self.total) if self.total else None

    @property
    def summary(self) -> str:
        if not self.total:
            return "Nothing to measure in the last 12 months"
        return f"Kept {self.kept} of {self.total} ({self.percent}%)"


def _url(name: str, pk: int) -> str | None:
    """A link to a record's page, if that page exists in this installation (the address's pattern worked out once: the page
    links up to 150 breaches, and `reverse` for each cost 9 ms)."""
    try:
        return links.url(name, pk=pk)
    except NoReverseMatch:
        return None


def window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 12 months, ending today."""
    end = today or timezone.localdate()
    return add_months(end, -12) + datetime.timedelta(days=1), end


def compact_get() -> Compact | None:
    return Compact.objects.prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("order", "id"))).order_by("pk").first()


def compact_enabled() -> bool:
    return Compact.objects.filter(enabled=True).exists()


def commitment_get(pk: int) -> Commitment:
    commitment = Commitment.objects.select_related("compact").filter(pk=pk).first()
    if commitment is None:
        raise Http404("No such commitment")
    return commitment


def _model(name: str) -> Any:
    return apps.get_model("funding", name)


def _consultation_counts(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    rows = Consultation.objects.filter(end_date__range=(start, end)).alias(
        length=ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    )
    return aggregated(rows, total=Count("pk"), breached=Count("pk", filter=_CONSULTATION_BREACHED))


def _consultation_breaches(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    rows = Consultation.objects.filter(end_date__range=(start, end)).alias(
        length=ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    )
    return rows.filter(_CONSULTATION_BREACHED).order_by("-end_date", "pk").values_list("pk", "title", "start_date", "end_date")[:BREACH_LIMIT]


_CONSULTATION_BREACHED = Q(length__lt=datetime.timedelta(days=TWELVE_WEEKS_DAYS - 1), short_reason="")


def _notice_rows(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    rows = _model("Decommissioning").objects.filter(notice_date__range=(start, end)).order_by("-notice_date", "pk")
    shown = ("pk", "notice_date", "funding_end_date", "short_notice_reason", "notice_sent_outside", "agreement__reference", "agreement__organisation__name")
    return rows.values_list(*shown)


def _reduction_rows(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    rows = _model("Variation").objects.filter(is_reduction=True, notice_date__range=(start, end)).order_by("-notice_date", "pk")
    shown = ("agreement_id", "notice_date", "effective_date", "short_notice_reason", "agreement__reference", "agreement__organisation__name")
    return rows.values_list(*shown)


def _payments_owed() -> QuerySet[Any]:
    """Payments with how long each took and when it was owed from."""
    # Days to pay run from a valid invoice or claim, or the due date (Payment.days_to_pay).
    owed_from = Coalesce("invoice_received_on", "due_date")
    return _model("Payment").objects.alias(took=ExpressionWrapper(F("paid_on") - owed_from, output_field=DurationField()), owed_from=owed_from)


def _paid(start: datetime.date, end: datetime.date) -> Q:
    return Q(status="paid", paid_on__range=(start, end))


_TOOK_TOO_LONG = Q(took__gt=datetime.timedelta(days=PAYMENT_DAYS))


def _unpaid(start: datetime.date, last_owed: datetime.date) -> Q:
    # A scheduled payment still unpaid more than 30 days after it was owed is already late.
    return Q(status="scheduled", owed_from__gte=start, owed_from__lt=last_owed)


def _payment_counts(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    return aggregated(_payments_owed().filter(_paid(start, end)), paid=Count("pk"), late=Count("pk", filter=_TOOK_TOO_LONG))


def _unpaid_counts(start: datetime.date, last_owed: datetime.date) -> QuerySet[Any]:
    # Apart from the paid ones rather than one OR across both, so that each is read from an index on its own date.
    return aggregated(_payments_owed().filter(_unpaid(start, last_owed)), unpaid=Count("pk"))


_PAYMENT_LINE = ("pk", "agreement_id", "amount", "paid_on", "invoice_received_on", "due_date", "agreement__reference", "agreement__organisation__name")


def _late_payments(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    late = _payments_owed().filter(_paid(start, end), _TOOK_TOO_LONG)
    return late.order_by("-paid_on", "pk").values_list(*_PAYMENT_LINE)[:BREACH_LIMIT]


def _unpaid_payments(start: datetime.date, last_owed: datetime.date) -> QuerySet[Any]:
    return _payments_owed().filter(_unpaid(start, last_owed)).order_by("owed_from", "pk").values_list(*_PAYMENT_LINE)[:BREACH_LIMIT]


# The Compact page reads every measure on each build: its queries are compiled once (core.rows.CompiledRows), with
# BREACH_LIMIT as it was then; the lists are cut to BREACH_LIMIT again as they are read.
_WINDOW = {"start": datetime.date, "end": datetime.date}
_CONSULTATION_COUNTS = CompiledRows(_consultation_counts, **_WINDOW)
_CONSULTATION_BREACHES = CompiledRows(_consultation_breaches, **_WINDOW)
_NOTICES = CompiledRows(_notice_rows, **_WINDOW)
_REDUCTIONS = CompiledRows(_reduction_rows, **_WINDOW)
_PAYMENT_COUNTS = CompiledRows(_payment_counts, **_WINDOW)
_UNPAID_COUNTS = CompiledRows(_unpaid_counts, start=datetime.date, last_owed=datetime.date)
_LATE_PAYMENTS = CompiledRows(_late_payments, **_WINDOW)
_UNPAID_PAYMENTS = CompiledRows(_unpaid_payments, start=datetime.date, last_owed=datetime.date)


def _consultations(start: datetime.date, end: datetime.date) -> Measure:
    measure = Measure(rule=CompactRule.CONSULTATION_12_WEEKS)
    counts = _CONSULTATION_COUNTS.rows(start=start, end=end)[0]
    measure.total, measure.breach_count = counts["total"], counts["breached"]
    measure.kept = measure.total - measure.breach_count
    if measure.breach_count:
        for pk, title, starts, ends in _CONSULTATION_BREACHES.rows(start=start, end=end)[:BREACH_LIMIT]:
            days = (ends - starts).days + 1
            measure.breaches.append(Breach(f"{title}: ran {days} days with no reason recorded", _url("compact:consultation_detail", pk), ends))
    return measure


def _reductions(measure: Measure, start: datetime.date, end: datetime.date) -> None:
    """Reducing funding counts like ending it: 3 months' notice before the reduction takes effect, or a reason."""
    for agreement_id, notice_date, effective, short_notice_reason, reference, organisation in _REDUCTIONS.rows(start=start, end=end):
        if notice_date is None or effective is None:  # never for a reduction: the variation service sets both
            continue
        measure.total += 1
        if not is_short_notice(notice_date, effective) or short_notice_reason.strip():
            measure.kept += 1
            continue
        measure.breach_count += 1
        if len(measure.breaches) < BREACH_LIMIT:
            days = (effective - notice_date).days
            text = f"{reference} ({organisation}): reduced with {days} days' notice and no reason recorded"
            measure.breaches.append(Breach(text, _url("funding:agreement_detail", agreement_id), notice_date))


def _notices(start: datetime.date, end: datetime.date) -> Measure:
    measure = Measure(rule=CompactRule.NOTICE_3_MONTHS)
    for pk, notice_date, funding_end_date, short_notice_reason, sent_outside, reference, organisation in _NOTICES.rows(start=start, end=end):
        measure.total += 1
        if sent_outside and len(measure.notes) < BREACH_LIMIT:
            text = f"{reference} ({organisation}): notice sent outside Lightbulb and recorded afterwards"
            measure.notes.append(Breach(text, _url("funding:decommissioning_detail", pk), notice_date))
        if not is_short_notice(notice_date, funding_end_date) or short_notice_reason.strip():
            measure.kept += 1
            continue
        measure.breach_count += 1
        if len(measure.breaches) < BREACH_LIMIT:
            days = (funding_end_date - notice_date).days
            text = f"{reference} ({organisation}): {days} days' notice with no reason recorded"
            measure.breaches.append(Breach(text, _url("funding:decommissioning_detail", pk), notice_date))
    _reductions(measure, start, end)
    return measure


def _payments(start: datetime.date, end: datetime.date) -> Measure:
    """Payments made in the window, late or not, and those still unpaid more than 30 days after they were owed."""
    measure = Measure(rule=CompactRule.PAYMENT_30_DAYS)
    owed: dict[str, Any] = {"start": start, "last_owed": end - datetime.timedelta(days=PAYMENT_DAYS)}
    counts = {**_PAYMENT_COUNTS.rows(start=start, end=end)[0], **_UNPAID_COUNTS.rows(**owed)[0]}
    measure.total = counts["paid"] + counts["unpaid"]
    measure.breach_count = counts["late"] + counts["unpaid"]
    measure.kept = measure.total - measure.breach_count
    if counts["late"]:
        for pk, agreement_id, amount, paid_on, invoiced, due, reference, organisation in _LATE_PAYMENTS.rows(start=start, end=end)[:BREACH_LIMIT]:
            text = f"{reference} ({organisation}): £{amount:,.2f} paid after {(paid_on - (invoiced or due)).days} days"
            measure.breaches.append(Breach(text, _url("funding:payment_detail", pk) or _url("funding:agreement_detail", agreement_id), paid_on))
    if counts["unpaid"] and len(measure.breaches) < BREACH_LIMIT:
        for pk, _agreement_id, amount, _paid_on, invoiced, due, reference, organisation in _UNPAID_PAYMENTS.rows(**owed)[
            : BREACH_LIMIT - len(measure.breaches)
        ]:
            owed_from = invoiced or due
            text = f"{reference} ({organisation}): £{amount:,.2f} still unpaid {(end - owed_from).days} days after it was owed"
            measure.breaches.append(Breach(text, _url("funding:payment_detail", pk), owed_from))
    return measure


class ThreeYearTermLastDay(Func):
    """The last day of a three-year term starting on a date: the day before the same date three years on
    (29 February's three years on being 28 February), as `Agreement.is_multi_year` counts it."""

    output_field = DateField()
    arity = 1
    # PostgreSQL's date + 3 years already takes 29 February to 28 February.
    template = "((%(expressions)s + interval '3 years')::date - 1)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # SQLite carries 29 February + 3 years over to 1 March; a day less is the 28 February Python takes.
        template = "date(%(expressions)s, '+3 years', CASE WHEN substr(%(expressions)s, 6) = '02-29' THEN '-2 days' ELSE '-1 days' END)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def _started(rule: str, start: datetime.date, end: datetime.date) -> tuple[QuerySet[Any], Q]:
    """Agreements started in the window that the rule measures, and those of them that breach it."""
    rows = _model("Agreement").objects.filter(start_date__range=(start, end), archived_at__isnull=True)
    if rule == CompactRule.MULTI_YEAR:
        return rows.filter(long_term_need=True), Q(end_date__lt=ThreeYearTermLastDay("start_date"))
    return rows, Q(full_cost_recovery=False)


def _share_reads(rule: str) -> tuple[CompiledRows, CompiledRows]:
    def counts(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
        rows, breached = _started(rule, start, end)
        return aggregated(rows, total=Count("pk"), breached=Count("pk", filter=breached))

    def latest(start: datetime.date, end: datetime.date) -> QuerySet[Any]:
        # The latest breaches' keys first (in_array: read once), then those rows alone with their organisations' names.
        rows, breached = _started(rule, start, end)
        keys = rows.filter(breached).order_by("-start_date", "pk").values("pk")[:BREACH_LIMIT]
        found = _model("Agreement").objects.filter(pk__in_array=keys).order_by("-start_date", "pk")
        return found.values_list("pk", "reference", "start_date", "organisation__name")

    return CompiledRows(counts, **_WINDOW), CompiledRows(latest, **_WINDOW)


_SHARES: dict[str, tuple[CompiledRows, CompiledRows]] = {rule: _share_reads(rule) for rule in (CompactRule.MULTI_YEAR, CompactRule.FULL_COST_RECOVERY)}
_WHY: dict[str, str] = {CompactRule.MULTI_YEAR: "shorter than 3 years for a long-term need", CompactRule.FULL_COST_RECOVERY: "does not fund full cost recovery"}


def _agreement_share(rule: str, start: datetime.date, end: datetime.date) -> Measure:
    """Agreements started in the window, counted in the database; only the latest breaches are read."""
    measure = Measure(rule=rule)
    counts_read, latest_read = _SHARES[rule]
    counts = counts_read.rows(start=start, end=end)[0]
    measure.total, measure.breach_count = counts["total"], counts["breached"]
    measure.kept = measure.total - measure.breach_count
    if measure.breach_count:
        for pk, reference, started, organisation in latest_read.rows(start=start, end=end)[:BREACH_LIMIT]:
            measure.breaches.append(Breach(f"{reference} ({organisation}): {_WHY[rule]}", _url("funding:agreement_detail", pk), started))
    return measure


def rule_measure(rule: str, today: datetime.date | None = None) -> Measure:
    start, end = window(today)
    if rule == CompactRule.CONSULTATION_12_WEEKS:
        return _consultations(start, end)
    if rule == CompactRule.NOTICE_3_MONTHS:
        return _notices(start, end)
    if rule == CompactRule.PAYMENT_30_DAYS:
        return _payments(start, end)
    return _agreement_share(rule, start, end)


def compact_measures(compact: Compact, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Each commitment in order with its measure for the last 12 months (rules computed once each)."""
    cache: dict[str, Measure] = {}
    rows = []
    for commitment in compact.commitments.all():
        measure = None
        if commitment.rule:
            if commitment.rule not in cache:
                cache[commitment.rule] = rule_measure(commitment.rule, today)
            measure = cache[commitment.rule]
        rows.append({"commitment": commitment, "measure": measure})
    return rows


def may_read_consultations(request: HttpRequest) -> bool:
    return allowed(can_read_consultations, request.user)


def consultation_list() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("lead_officer").annotate(
        response_count=Count("responses", distinct=True), invited_count=Count("invited", distinct=True)
    )


def get_consultation_for_user(request: HttpRequest, pk: int, write: bool = False) -> Consultation:
    consultation = Consultation.objects.select_related("lead_officer").filter(pk=pk).first()
    return object_for_user(consultation, request.user, read=can_read_consultations, write=can_manage_consultations if write else None, what="consultation")


def consultation_responses(consultation: Consultation) -> QuerySet[ConsultationResponse]:
    return consultation.responses.select_related("organisation", "submitted_by").order_by("organisation__name")


def consultation_invited(consultation: Consultation) -> QuerySet[Organisation]:
    return consultation.invited.order_by("name")


def organisations_to_invite(consultation: Consultation, query: str) -> QuerySet[Organisation]:
    rows = Organisation.objects.exclude(pk__in=consultation.invited.values("pk")).order_by("name")
    if query:
        rows = rows.filter(name__icontains=query)
    return rows[:50]


def organisations_by_ids(ids: list[int]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=ids)


def is_open(consultation: Consultation, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return consultation.start_date <= today <= consultation.end_date


def public_consultations(today: datetime.date | None = None) -> dict[str, list[Consultation]]:
    """Open consultations, and closed ones whose "you said, we did" summary is published."""
    today = today or timezone.localdate()
    rows = Consultation.objects.filter(Q(start_date__lte=today, end_date__gte=today) | Q(end_date__lt=today, summary_published_on__isnull=False))
    open_now: list[Consultation] = []
    closed: list[Consultation] = []
    for item in rows.order_by("-end_date", "pk"):
        (open_now if item.end_date >= today else closed).append(item)
    return {"open": open_now, "closed": closed}


def public_consultation_get(pk: int, today: datetime.date | None = None) -> Consultation:
    today = today or timezone.localdate()
    consultation = Consultation.objects.filter(pk=pk).first()
    visible = consultation is not None and (is_open(consultation, today) or (consultation.end_date < today and consultation.summary_published_on is not None))
    if not visible:
        raise Http404("No such consultation")
    return consultation  # type: ignore[return-value]


def portal_consultations(user: Any, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Open consultations a `vcs` user's organisations are invited to, with each organisation's response."""
    today = today or timezone.localdate()
    organisations = list(Organisation.objects.filter(memberships__user_id=user.pk).order_by("name"))
    org_ids = [organisation.pk for organisation in organisations]
    consultations = Consultation.objects.filter(start_date__lte=today, end_date__gte=today, invited__in=org_ids).distinct().prefetch_related("invited")
    responses = {(item.consultation_id, item.organisation_id): item for item in ConsultationResponse.objects.filter(organisation_id__in=org_ids)}
    rows = []
    for consultation in consultations.order_by("end_date", "pk"):
        invited = {organisation.pk for organisation in consultation.invited.all()}
        for organisation in organisations:
            if organisation.pk in invited:
                rows.append({"consultation": consultation, "organisation": organisation, "response": responses.get((consultation.pk, organisation.pk))})
    return rows


def get_portal_consultation(request: HttpRequest, pk: int, organisation_pk: int) -> tuple[Consultation, Organisation, ConsultationResponse | None]:
    """A consultation the member's organisation is invited to; 404 for anyone else."""
    organisation = object_for_user(Organisation.objects.filter(pk=organisation_pk).first(), request.user, read=can_respond_to_consultation, what="consultation")
    consultation = Consultation.objects.filter(pk=pk, invited__pk=organisation_pk).first()
    if consultation is None:
        raise Http404("No such consultation")
    response = ConsultationResponse.objects.filter(consultation=consultation, organisation=organisation).first()
    return consultation, organisation, response
