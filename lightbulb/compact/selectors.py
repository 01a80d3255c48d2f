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


def _consultations(start: datetime.date, end: datetime.date) -> Measure:
    measure = Measure(rule=CompactRule.CONSULTATION_12_WEEKS)
    rows = Consultation.objects.filter(end_date__range=(start, end)).annotate(
        length=ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    )
    breached = rows.filter(length__lt=datetime.timedelta(days=TWELVE_WEEKS_DAYS - 1), short_reason="")
    measure.total = rows.count()
    measure.breach_count = breached.count()
    measure.kept = measure.total - measure.breach_count
    for item in breached.order_by("-end_date", "pk")[:BREACH_LIMIT]:
        days = (item.end_date - item.start_date).days + 1
        measure.breaches.append(Breach(f"{item.title}: ran {days} days with no reason recorded", _url("compact:consultation_detail", item.pk), item.end_date))
    return measure


def _reductions(measure: Measure, start: datetime.date, end: datetime.date) -> None:
    """Reducing funding counts like ending it: 3 months' notice before the reduction takes effect, or a reason."""
    variation_model = apps.get_model("funding", "Variation")
    rows = variation_model.objects.filter(is_reduction=True, notice_date__range=(start, end)).select_related("agreement", "agreement__organisation")
    for item in rows.order_by("-notice_date", "pk").iterator():
        notice_date, effective = item.notice_date, item.effective_date
        if notice_date is None or effective is None:  # never for a reduction: the variation service sets both
            continue
        measure.total += 1
        if not is_short_notice(notice_date, effective) or item.short_notice_reason.strip():
            measure.kept += 1
            continue
        measure.breach_count += 1
        if len(measure.breaches) < BREACH_LIMIT:
            days = (effective - notice_date).days
            text = f"{item.agreement.reference} ({item.agreement.organisation.name}): reduced with {days} days' notice and no reason recorded"
            measure.breaches.append(Breach(text, _url("funding:agreement_detail", item.agreement_id), item.notice_date))


def _notices(start: datetime.date, end: datetime.date) -> Measure:
    measure = Measure(rule=CompactRule.NOTICE_3_MONTHS)
    decommissioning_model = apps.get_model("funding", "Decommissioning")
    rows = (
        decommissioning_model.objects.filter(notice_date__range=(start, end))
        .select_related("agreement", "agreement__organisation")
        .order_by("-notice_date", "pk")
    )
    for item in rows.iterator():
        measure.total += 1
        notice_date: datetime.date = item.notice_date  # type: ignore[assignment]  # filtered to a range above
        if item.notice_sent_outside and len(measure.notes) < BREACH_LIMIT:
            text = f"{item.agreement.reference} ({item.agreement.organisation.name}): notice sent outside Lightbulb and recorded afterwards"
            measure.notes.append(Breach(text, _url("funding:decommissioning_detail", item.pk), notice_date))
        if not is_short_notice(notice_date, item.funding_end_date) or item.short_notice_reason.strip():
            measure.kept += 1
            continue
        measure.breach_count += 1
        if len(measure.breaches) < BREACH_LIMIT:
            days = (item.funding_end_date - notice_date).days
            text = f"{item.agreement.reference} ({item.agreement.organisation.name}): {days} days' notice with no reason recorded"
            measure.breaches.append(Breach(text, _url("funding:decommissioning_detail", item.pk), item.notice_date))
    _reductions(measure, start, end)
    return measure


def _payments(start: datetime.date, end: datetime.date) -> Measure:
    """Payments made in the window, late or not, and those still unpaid more than 30 days after they were owed."""
    measure = Measure(rule=CompactRule.PAYMENT_30_DAYS)
    payment_model = apps.get_model("funding", "Payment")
    # Days to pay run from a valid invoice or claim, or the due date (Payment.days_to_pay).
    owed_from = Coalesce("invoice_received_on", "due_date")
    took = ExpressionWrapper(F("paid_on") - owed_from, output_field=DurationField())
    paid = Q(status="paid", paid_on__range=(start, end))
    took_too_long = Q(took__gt=datetime.timedelta(days=PAYMENT_DAYS))
    # A scheduled payment still unpaid more than 30 days after it was owed is already late.
    unpaid = Q(status="scheduled", owed_from__gte=start, owed_from__lt=end - datetime.timedelta(days=PAYMENT_DAYS))
    rows = payment_model.objects.annotate(took=took, owed_from=owed_from)
    # Two counts rather than one OR across both, so that each can be read from an index on its own date.
    counts = rows.filter(paid).aggregate(paid=Count("pk"), late=Count("pk", filter=took_too_long))
    counts["unpaid"] = rows.filter(unpaid).count()
    measure.total = counts["paid"] + counts["unpaid"]
    measure.breach_count = counts["late"] + counts["unpaid"]
    measure.kept = measure.total - measure.breach_count
    if counts["late"]:
        for item in rows.filter(paid, took_too_long).select_related("agreement", "agreement__organisation").order_by("-paid_on", "pk")[:BREACH_LIMIT]:
            text = f"{item.agreement.reference} ({item.agreement.organisation.name}): £{item.amount:,.2f} paid after {item.days_to_pay} days"
            measure.breaches.append(Breach(text, _url("funding:payment_detail", item.pk) or _url("funding:agreement_detail", item.agreement_id), item.paid_on))
    if counts["unpaid"] and len(measure.breaches) < BREACH_LIMIT:
        for item in (
            rows.filter(unpaid).select_related("agreement", "agreement__organisation").order_by("owed_from", "pk")[: BREACH_LIMIT - len(measure.breaches)]
        ):
            days = (end - item.owed_from).days
            text = f"{item.agreement.reference} ({item.agreement.organisation.name}): £{item.amount:,.2f} still unpaid {days} days after it was owed"
            measure.breaches.append(Breach(text, _url("funding:payment_detail", item.pk), item.owed_from))
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


def _agreement_share(rule: str, start: datetime.date, end: datetime.date) -> Measure:
    """Agreements started in the window, counted in the database; only the latest breaches are read."""
    measure = Measure(rule=rule)
    agreement_model = apps.get_model("funding", "Agreement")
    rows = agreement_model.objects.filter(start_date__range=(start, end), archived_at__isnull=True)
    if rule == CompactRule.MULTI_YEAR:
        rows = rows.filter(long_term_need=True)
        breached = Q(end_date__lt=ThreeYearTermLastDay("start_date"))
        why = "shorter than 3 years for a long-term need"
    else:
        breached = Q(full_cost_recovery=False)
        why = "does not fund full cost recovery"
    counts = rows.aggregate(total=Count("pk"), breached=Count("pk", filter=breached))
    measure.total, measure.breach_count = counts["total"], counts["breached"]
    measure.kept = measure.total - measure.breach_count
    # The latest breaches' keys first, then those rows alone with their organisations' names.
    keys = list(rows.filter(breached).order_by("-start_date", "pk").values_list("pk", flat=True)[:BREACH_LIMIT])
    latest = agreement_model.objects.filter(pk__in=keys).select_related("organisation").only("reference", "start_date", "organisation__name")
    for item in latest.order_by("-start_date", "pk"):
        measure.breaches.append(Breach(f"{item.reference} ({item.organisation.name}): {why}", _url("funding:agreement_detail", item.pk), item.start_date))
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
