"""The ward page's parts from this module and from funding, the Compact and flags: money in, consultations,
decommissioning to come, themes heard, flags and the map; and the briefing pack that gathers them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum, Window
from django.db.models.functions import ExtractYear
from django.utils import timezone

from lightbulb.compact.models import Consultation
from lightbulb.core.rows import CompiledRows, Row, choice_labels
from lightbulb.engagement.geo import svg_paths
from lightbulb.engagement.selectors.flags import ward_flags
from lightbulb.engagement.selectors.log import ward_recent_engagements, ward_themes
from lightbulb.funding.models import Agreement, AgreementKind, Decommissioning
from lightbulb.organisations.models import Organisation
from lightbulb.places.models import Ward

FUNDED = ("awarded", "live", "under_review", "extended", "recommissioned", "decommissioned", "closed")


def agreements_in_ward(ward_id: int) -> QuerySet[Any]:
    """The ids of agreements for work in the ward: naming it, or naming no ward and with an organisation based there.

    Two index lookups joined by UNION: one condition with OR across the agreements' wards and their
    organisations' would read every agreement in the council (half a million at national scale).
    """
    named = Agreement.wards.through.objects.filter(ward_id=ward_id).values("agreement_id").order_by()
    unnamed = Agreement.objects.filter(organisation__ward_id=ward_id, wards__isnull=True).values("pk").order_by()
    return named.union(unnamed)


def _in_ward(ward_id: int, field: str = "pk") -> Q:
    # `in_array`: PostgreSQL reads the ward's agreements once and looks each up by its number. Given `IN (…)`, it
    # joined them to every agreement in the council read in full (28,000 at city scale, 13 ms a ward page).
    return Q(**{f"{field}__in_array": agreements_in_ward(ward_id)})


def _ward_money_rows(ward: int, since: datetime.date) -> QuerySet[Any]:
    in_ward = Agreement.objects.filter(_in_ward(ward), status__in=FUNDED, start_date__gte=since)
    return in_ward.annotate(year=ExtractYear("start_date")).values("year", "kind").annotate(total=Sum("amount")).order_by("year", "kind")


def _ward_decommissioning_rows(ward: int, today: datetime.date) -> QuerySet[Any]:
    items = Decommissioning.objects.filter(_in_ward(ward, "agreement_id"), funding_end_date__gte=today).exclude(stage=Decommissioning.Stage.COMPLETE)
    # What the ward page and the briefing pack show of each: not the assessment's long texts, nor every column of its
    # agreement and organisation (about ninety in all).
    shown = ("pk", "stage", "funding_end_date", "agreement_id", "agreement__reference", "agreement__organisation__name")
    return items.order_by("funding_end_date", "pk").values_list(*shown, named=True)[:10]


def _ward_funded_rows(ward: int, today: datetime.date) -> QuerySet[Any]:
    live = Agreement.objects.filter(_in_ward(ward), status__in=("live", "extended", "under_review"), end_date__gte=today)
    funded = Organisation.objects.filter(pk__in=live.values("organisation_id").order_by())
    # The first 25 and how many there are in all from one query: each row carries the count (a window over every row).
    return funded.annotate(total=Window(Count("pk"))).order_by("name", "pk").values_list("pk", "name", "total", named=True)[:25]


# Read on every build of a ward's page: compiled once (core.rows.CompiledRows).
_WARD_MONEY = CompiledRows(_ward_money_rows, ward=int, since=datetime.date)
_WARD_DECOMMISSIONING = CompiledRows(_ward_decommissioning_rows, ward=int, today=datetime.date)
_WARD_FUNDED = CompiledRows(_ward_funded_rows, ward=int, today=datetime.date)


def ward_money(ward_id: int, *, years: int = 5) -> dict[str, Any]:
    """Money awarded for work in the ward by kind and by the year the agreement starts, the last `years` years."""
    since = datetime.date(timezone.localdate().year - years + 1, 1, 1)
    table: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in _WARD_MONEY.rows(ward=ward_id, since=since):
        table[row["year"]][row["kind"]] = row["total"]
    kinds = [(value, label) for value, label in AgreementKind.choices if any(value in by_kind for by_kind in table.values())]
    years_shown = sorted(table)
    return {
        "kinds": kinds,
        "rows": [{"year": year, "values": [table[year].get(value) for value, _label in kinds], "total": sum(table[year].values())} for year in years_shown],
        "total": sum((sum(by_kind.values()) for by_kind in table.values()), Decimal(0)),
    }


def ward_consultations(ward_id: int) -> list[Consultation]:
    """Consultations open now or opening in the next 30 days."""
    today = timezone.localdate()
    return list(Consultation.objects.filter(end_date__gte=today, start_date__lte=today + datetime.timedelta(days=30)).order_by("end_date")[:10])


def ward_decommissioning(ward_id: int) -> list[Row]:
    """Funding for work in the ward that is being ended (notice given or being prepared), soonest first: each with its
    agreement's number and reference, its organisation's name, the day funding ends and the stage in words."""
    stages = choice_labels(Decommissioning, "stage")
    return [
        Row(
            agreement_id=row.agreement_id,
            reference=row.agreement__reference,
            organisation_name=row.agreement__organisation__name,
            funding_end_date=row.funding_end_date,
            stage=stages.get(row.stage, row.stage),
        )
        for row in _WARD_DECOMMISSIONING.rows(ward=ward_id, today=timezone.localdate())
    ]


def ward_active_organisations(ward_id: int) -> dict[str, Any]:
    """Organisations with a live agreement for work in the ward, or heard in the last year there: the first 25 (pk and
    name) and how many in all."""
    rows = _WARD_FUNDED.rows(ward=ward_id, today=timezone.localdate())
    return {"funded": rows, "funded_count": rows[0].total if rows else 0}


def ward_map(ward: Ward) -> dict[str, Any] | None:
    return svg_paths(ward.boundary)


def ward_pack(ward: Ward) -> dict[str, Any]:
    """Everything in a ward's briefing pack."""
    return {
        "ward": ward,
        "councillors": list(ward.councillors.order_by("name")),
        "map": ward_map(ward),
        "money": ward_money(ward.pk),
        "active": ward_active_organisations(ward.pk),
        "based_count": Organisation.objects.filter(ward_id=ward.pk, archived_at__isnull=True).count(),
        "consultations": ward_consultations(ward.pk),
        "decommissionings": ward_decommissioning(ward.pk),
        "themes": ward_themes(ward.pk),
        "engagements": ward_recent_engagements(ward.pk),
        "flags": ward_flags(ward.pk),
        "today": timezone.localdate(),
    }


def ward_list_for_packs() -> list[Ward]:
    return list(Ward.objects.order_by("name"))


def ward_get(pk: int) -> Ward | None:
    return Ward.objects.select_related("locality").filter(pk=pk).first()
