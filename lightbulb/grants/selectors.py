"""Reads of other funders' grants: the organisation page's "who else funds them", the list and the review queue."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import HttpRequest

from lightbulb.core.access import object_for_user
from lightbulb.core.registry import OtherFunding
from lightbulb.core.rows import CompiledRows, aggregated
from lightbulb.core.rules import allowed
from lightbulb.grants.matching import NameIndex
from lightbulb.grants.models import Grant, MatchStatus, MatchStatusTally
from lightbulb.grants.rules import can_read_grants, can_review_grant_matches
from lightbulb.organisations.models import Organisation

# Grants listed under each organisation; the totals by funder count them all.
RECENT_GRANTS = 10


def grant_list(*, status: str = "") -> QuerySet[Grant]:
    grants = Grant.objects.select_related("funder", "organisation")
    if status in MatchStatus.values:
        grants = grants.filter(match_status=status)
    return grants.order_by("-award_date", "identifier")


def review_queue() -> QuerySet[Grant]:
    """Grants with a proposed organisation, waiting for an officer."""
    return grant_list(status=MatchStatus.PROPOSED)


def status_counts() -> dict[str, int]:
    """Grants in each match status, from the totals the database keeps (MatchStatusTally), not a count of every grant."""
    counts = dict(MatchStatusTally.objects.values_list("key", "total"))
    return {status: counts.get(status, 0) for status in MatchStatus.values}


def get_grant_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Grant:
    grant = Grant.objects.select_related("funder", "organisation").filter(pk=pk).first()
    return object_for_user(grant, request.user, read=can_read_grants, write=can_review_grant_matches if write else None)


def candidates(grant: Grant, limit: int = 5) -> list[dict[str, Any]]:
    """Organisations whose names are most like the recipient's, for an officer to choose from."""
    if grant.to_individual or not grant.recipient_name:
        return []
    best = NameIndex().best(grant.recipient_name, grant.recipient_postcode, limit=limit)
    organisations = Organisation.objects.in_bulk([pk for pk, _ in best])
    return [{"organisation": organisations[pk], "score": score} for pk, score in best if pk in organisations]


def _confirmed(organisation: int) -> QuerySet[Grant]:
    return Grant.objects.filter(organisation_id=organisation, match_status=MatchStatus.CONFIRMED)


def _funder_rows(organisation: int) -> QuerySet[Any]:
    by_funder = _confirmed(organisation).values("funder__name").annotate(count=Count("pk"), total=Sum("amount_awarded"), latest=Max("award_date"))
    return by_funder.order_by("-latest", "funder__name")


def _recent_rows(organisation: int) -> QuerySet[Any]:
    shown = ("pk", "title", "identifier", "amount_awarded", "award_date", "funder__name")
    return _confirmed(organisation).order_by("-award_date").values_list(*shown, named=True)[:RECENT_GRANTS]


def _proposed_rows(organisation: int) -> QuerySet[Any]:
    return aggregated(Grant.objects.filter(organisation_id=organisation, match_status=MatchStatus.PROPOSED), count=Count("pk"))


# Read on every build of an organisation's page: compiled once (core.rows.CompiledRows).
_FUNDERS = CompiledRows(_funder_rows, organisation=int)
_RECENT = CompiledRows(_recent_rows, organisation=int)
_PROPOSED = CompiledRows(_proposed_rows, organisation=int)


def organisation_other_funders(organisation: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The "Who else funds them" section: each funder's confirmed grants to this organisation, and the latest grants."""
    if not allowed(can_read_grants, request.user):
        return None
    return {
        "title": "Who else funds them",
        "template": "grants/organisation_section.html",
        "order": 25,
        "funders": _FUNDERS.rows(organisation=organisation.pk),
        "recent": _RECENT.rows(organisation=organisation.pk),
        "proposed": _PROPOSED.rows(organisation=organisation.pk)[0]["count"],
    }


def organisation_for_match(pk: int) -> Organisation | None:
    return Organisation.objects.filter(pk=pk).first()


def grants_running(organisation_ids: list[int] | None, today: datetime.date) -> list[OtherFunding]:
    """Confirmed grants to organisations on the register whose work runs on or after `today`, for cross-referencing (registered as
    `registry.other_funding["grants"]`). A grant's dates are the funder's planned ones; without an end, its planned duration from
    the start, else a year from the award."""
    grants = Grant.objects.filter(match_status=MatchStatus.CONFIRMED, organisation__isnull=False).filter(
        Q(planned_end_date__gte=today) | Q(planned_end_date__isnull=True, award_date__gte=today - datetime.timedelta(days=3660))
    )
    if organisation_ids is not None:
        grants = grants.filter(organisation_id__in=organisation_ids)
    rows = grants.values_list(
        "pk",
        "organisation_id",
        "funder__name",
        "identifier",
        "title",
        "description",
        "amount_awarded",
        "award_date",
        "planned_start_date",
        "planned_end_date",
        "planned_duration_months",
    )
    found = []
    for pk, organisation_id, funder, identifier, title, description, amount, awarded, start, end, months in rows:
        start = start or awarded
        end = end or (_months_after(start, months) if months else awarded + datetime.timedelta(days=365))
        if end >= today:
            found.append(
                OtherFunding(
                    pk=pk,
                    organisation_id=organisation_id,
                    funder=funder,
                    title=title or identifier,
                    description=description,
                    amount=amount,
                    awarded_on=awarded,
                    start=start,
                    end=end,
                    route="grants:grant_detail",
                    label=f"{funder}'s grant {identifier}",
                )
            )
    return found


def _months_after(day: datetime.date, months: int) -> datetime.date:
    """The day before the same date `months` later (the last day of a term that many months long)."""
    year, month = divmod(day.month - 1 + months, 12)
    following = datetime.date(day.year + year, month + 1, min(day.day, 28))
    return following - datetime.timedelta(days=1)
