"""Reads for flags: the list, one flag, an organisation's, a ward's and the dashboard's counts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Window

from lightbulb.core.access import object_for_user
from lightbulb.core.audit import audit_events_for
from lightbulb.core.rows import CompiledRows, labelled
from lightbulb.engagement.models import Flag, FlagRule, OpenFlagTally
from lightbulb.engagement.rules import can_dismiss_flags, can_read_flags

# A ward's page lists the first ten open flags of its organisations.
WARD_FLAGS_SHOWN = 10
FLAG_SORTS = {"raised": ["raised_at"], "organisation": ["organisation__name"], "rule": ["rule", "-raised_at"]}


def flag_list(*, q: str = "", rule: str = "", status: str = "open", ward_id: int | None = None) -> QuerySet[Flag]:
    flags = Flag.objects.select_related("organisation")
    if status:
        flags = flags.filter(status=status)
    if rule:
        flags = flags.filter(rule=rule)
    if q:
        flags = flags.filter(organisation__name__icontains=q)
    if ward_id:
        flags = flags.filter(organisation__ward_id=ward_id)
    return flags


def flag_for_user(pk: int, user: Any, *, write: bool = False) -> Flag:
    flag = Flag.objects.select_related("organisation", "dismissed_by").filter(pk=pk).first()
    return object_for_user(flag, user, read=can_read_flags, write=can_dismiss_flags if write else None, what="flag")


def flag_history(flag: Flag) -> list[Any]:
    return list(audit_events_for(flag).order_by("-occurred_at")[:20])


def _open_rows(organisation: int) -> QuerySet[Any]:
    return Flag.objects.filter(organisation_id=organisation, status=Flag.Status.OPEN).order_by("rule", "-raised_at").values("pk", "rule", "reason")


def _dismissed_rows(organisation: int) -> QuerySet[Any]:
    dismissed = Flag.objects.filter(organisation_id=organisation, status=Flag.Status.DISMISSED).order_by("-dismissed_at")
    return dismissed.values("pk", "rule", "dismiss_reason")[:10]


def _ward_flag_rows(ward: int) -> QuerySet[Any]:
    # The ward page and the briefing pack show the organisation's name, the rule and the reason; and how many in all.
    flags = Flag.objects.filter(organisation__ward_id=ward, status=Flag.Status.OPEN).annotate(total=Window(Count("pk")))
    return flags.order_by("organisation__name", "rule").values("pk", "rule", "reason", "organisation_id", "organisation__name", "total")[:WARD_FLAGS_SHOWN]


# Read on every build of an organisation's or a ward's page: compiled once (core.rows.CompiledRows).
_OPEN = CompiledRows(_open_rows, organisation=int)
_DISMISSED = CompiledRows(_dismissed_rows, organisation=int)
_WARD_FLAGS = CompiledRows(_ward_flag_rows, ward=int)


def organisation_flags(organisation_id: int) -> dict[str, Any]:
    """The organisation's open flags (pk, rule and `rule_label`, reason) and its ten latest dismissed (with dismiss_reason)."""
    return {
        "open": labelled(_OPEN.rows(organisation=organisation_id), Flag, "rule"),
        "dismissed": labelled(_DISMISSED.rows(organisation=organisation_id), Flag, "rule"),
    }


def open_counts() -> list[dict[str, Any]]:
    """Open flags by rule, for the dashboard: every rule, in the order of §2.5."""
    # Kept by the database as flags change (OpenFlagTally): a few rows, not a count of every open flag.
    counts = dict(OpenFlagTally.objects.values_list("key", "total"))
    return [{"rule": value, "label": label, "count": counts.get(value, 0)} for value, label in FlagRule.choices]


def ward_flags(ward_id: int) -> dict[str, Any]:
    """Open flags of the organisations based in the ward: the first ten (pk, rule and `rule_label`, reason, organisation_id
    and organisation__name) and how many in all, from one query (each row carries the count)."""
    flags = labelled(_WARD_FLAGS.rows(ward=ward_id), Flag, "rule")
    return {"flags": flags, "count": flags[0]["total"] if flags else 0}


def thresholds_page() -> dict[str, Any]:
    """The administrator's thresholds as set (empty where the default applies), the defaults in words, and those in force."""
    from lightbulb.engagement.flags import default_thresholds, money, thresholds
    from lightbulb.engagement.models import FlagThresholds

    row = FlagThresholds.objects.order_by("pk").first()
    defaults = default_thresholds()
    fields = ("dependency_percent", "new_organisation_months", "large_award", "cost_per_person_floor")
    initial: dict[str, Any] = {name: "" if row is None or getattr(row, name) is None else str(getattr(row, name)) for name in fields}
    initial["version"] = row.version if row else 1
    in_words = {
        "dependency_percent": f"{int(defaults.dependency_share * 100)}%",
        "new_organisation_months": f"{defaults.new_organisation_months} months",
        "large_award": money(defaults.large_award),
        "cost_per_person_floor": f"£{defaults.cost_per_person_floor:,.2f}",
    }
    return {"initial": initial, "defaults": in_words, "in_force": thresholds()}
