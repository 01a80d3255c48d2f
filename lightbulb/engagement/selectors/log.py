"""Reads for the engagement log: lists, one engagement, themes, follow-up actions and what an organisation or ward has said."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, Count, F, Func, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.utils import timezone

from lightbulb.core.access import object_for_user
from lightbulb.core.links import pk_urls
from lightbulb.core.lists import columns_shown, row_count
from lightbulb.core.registry import Deadline
from lightbulb.core.rows import CompiledRows, Row, labelled
from lightbulb.core.rules import allowed
from lightbulb.engagement.models import Engagement, EngagementKind, FollowUpAction, Theme
from lightbulb.engagement.rules import can_complete_action, can_manage_engagement, can_read_engagement
from lightbulb.organisations.models import Organisation
from lightbulb.organisations.normalise import name_key


class _MatchesWords(Func):
    """PostgreSQL full-text match of an organisation's search key, as the register's index org_search_fts reads it."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    arg_joiner = ") @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()


# A ward's page lists its ten themes most heard in the year and its five latest engagements.
WARD_THEMES_SHOWN = 10
# An organisation's page: its ten latest engagements and ten themes most heard, and the latest 50 on its timeline.
ORGANISATION_ENGAGEMENTS_SHOWN = 10
ORGANISATION_THEMES_SHOWN = 10
ORGANISATION_TIMELINE_ENGAGEMENTS = 50
WARD_ENGAGEMENTS_SHOWN = 5
ENGAGEMENT_SORTS = {"date": ["held_on"], "title": ["title"], "kind": ["kind", "-held_on"]}


class _InArrayOf(Func):
    """PostgreSQL `pk = ANY(ARRAY(subquery))`: the subquery runs once, first, and its numbers are looked up by the
    primary key's index, so it can be OR-ed with indexed conditions (a `BitmapOr`) where `pk IN (subquery)` cannot."""

    template = "%(expressions)s))"
    arg_joiner = " = ANY(ARRAY("
    output_field = BooleanField()


def _with_organisation_named(q: str) -> Q:
    """Engagements with an organisation whose name holds every word of `q`, each as the start of a word (accents,
    case and punctuation ignored): on PostgreSQL by the register's full-text index (org_search_fts), never a read
    of every name."""
    words = name_key(q).split()
    if not words:
        return Q(pk__in=[])
    organisations = Organisation.objects.all()
    if connection.vendor == "postgresql":
        # Words are [a-z0-9]+ (name_key): nothing in them is tsquery syntax.
        organisations = organisations.filter(_MatchesWords("search_key", Value(" & ".join(f"{word}:*" for word in words))))
    else:
        for word in words:
            organisations = organisations.filter(Q(search_key__startswith=word) | Q(search_key__contains=" " + word))
    links = Engagement.organisations.through.objects.filter(organisation__in=organisations.values("pk")).values("engagement_id")
    if connection.vendor == "postgresql":
        return Q(_InArrayOf(F("pk"), Subquery(links)))
    return Q(pk__in=links)


def engagement_list(*, q: str = "", kind: str = "", theme_id: int | None = None, ward_id: int | None = None) -> QuerySet[Engagement]:
    """The log, newest first unless sorted otherwise (index engagement_held_id_idx). A search reads titles and notes by
    their trigram indexes (migration 0007) and organisations' names by theirs, each engagement once (no `DISTINCT`).
    Each row's count of organisations is a subquery, so only the rows a page shows are counted, never a `GROUP BY`
    over the whole log."""
    engagements = Engagement.objects.select_related("ward").defer("ward__boundary").prefetch_related("themes")
    if q:
        engagements = engagements.filter(Q(title__icontains=q) | Q(notes__icontains=q) | _with_organisation_named(q))
    if kind:
        engagements = engagements.filter(kind=kind)
    if theme_id:
        engagements = engagements.filter(themes=theme_id)
    if ward_id:
        engagements = engagements.filter(ward_id=ward_id)
    links = Engagement.organisations.through.objects.filter(engagement_id=OuterRef("pk"))
    return engagements.annotate(organisation_count=row_count(links))


# What a row of the log prints (engagement_list.html); its themes are prefetched and its organisations counted.
LOG_COLUMNS = ("held_on", "title", "kind", "ward__name")


def engagement_list_columns(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """The log's rows as its page prints them: never the notes (often paragraphs), which its download still reads."""
    return columns_shown(engagements, *LOG_COLUMNS)


def engagement_for_user(pk: int, user: Any, *, write: bool = False) -> Engagement:
    engagement = Engagement.objects.select_related("ward", "recorded_by").filter(pk=pk).first()
    return object_for_user(engagement, user, read=can_read_engagement, write=can_manage_engagement if write else None, what="engagement")


def engagement_people(engagement: Engagement) -> dict[str, list[Any]]:
    return {
        "organisations": list(engagement.organisations.order_by("name")),
        "councillors": list(engagement.councillors.select_related("ward").order_by("name")),
        "officers": list(engagement.officers.order_by("full_name")),
        "themes": list(engagement.themes.order_by("name")),
        "actions": list(engagement.actions.select_related("owner", "completed_by").order_by("completed_on", "due_date", "id")),
    }


def action_for_user(pk: int, user: Any) -> FollowUpAction:
    action = FollowUpAction.objects.select_related("engagement", "owner").filter(pk=pk).first()
    return object_for_user(action, user, read=can_read_engagement, write=can_complete_action, what="action")


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.annotate(use_count=Count("engagements")).order_by("retired", "name")


def theme_get(pk: int) -> Theme | None:
    return Theme.objects.filter(pk=pk).first()


def theme_choices(selected: list[int] | None = None) -> list[tuple[int, str]]:
    """Themes offered on a form: those in use, and any retired one the record already carries."""
    themes = Theme.objects.filter(Q(retired=False) | Q(pk__in=selected or [])).order_by("name")
    return [(theme.pk, theme.name) for theme in themes]


def officer_choices() -> list[tuple[int, str]]:
    officers = get_user_model().objects.filter(role="officer", is_active=True).order_by("full_name", "email")
    return [(user.pk, user.display_name) for user in officers]


def owner_choices() -> list[tuple[int, str]]:
    """Who may own a follow-up action: active officers and councillors who sign in."""
    people = get_user_model().objects.filter(role__in=("officer", "councillor"), is_active=True).order_by("full_name", "email")
    return [(user.pk, f"{user.display_name} ({user.get_role_display().lower()})") for user in people]


def organisation_name(pk: int | None) -> Organisation | None:
    return Organisation.objects.filter(pk=pk).first() if pk else None


# The owner's dashboard and deadlines


def open_actions(user: Any, *, today: datetime.date, limit: int) -> tuple[list[FollowUpAction], dict[str, int]]:
    """The first `limit` of the user's open actions, soonest first, and how many are open and overdue in all: one query,
    each row carrying the counts (windows over every row)."""
    rows: list[Any] = list(
        FollowUpAction.objects.filter(owner_id=getattr(user, "pk", None), completed_on__isnull=True)
        .only("pk", "engagement_id", "description", "due_date")
        .annotate(total=Window(Count("pk")), overdue_total=Window(Count("pk", filter=Q(due_date__lt=today))))
        .order_by("due_date", "id")[:limit]
    )
    return rows, {"count": rows[0].total if rows else 0, "overdue": rows[0].overdue_total if rows else 0}


def _action_rows(owner: int | None, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    actions = FollowUpAction.objects.filter(completed_on__isnull=True, due_date__gte=start, due_date__lte=end)
    if owner is not None:
        actions = actions.filter(owner_id=owner)
    return actions.order_by("due_date", "id").values_list("due_date", "description", "engagement_id")


_ACTIONS = CompiledRows(_action_rows, owner=int, start=datetime.date, end=datetime.date)


def action_deadlines(user: Any, start: datetime.date, end: datetime.date, *, everyone: bool = False) -> list[Deadline]:
    """Follow-up actions not yet done, due between `start` and `end`: the owner's own (every one for an officer with `everyone`)."""
    if not allowed(can_read_engagement, user):
        return []
    # Their own: on every build of their dashboard, so compiled once.
    mine = not (everyone and allowed(can_manage_engagement, user))
    rows = _ACTIONS.rows(owner=user.pk, start=start, end=end) if mine else _action_rows(None, start, end)
    today = timezone.localdate()
    url = pk_urls("engagement:engagement_detail")
    return [
        Deadline(date=due_date, title=f"Follow-up action: {description}", url=url(engagement_id), kind="Follow-up action", overdue=due_date < today)
        for due_date, description, engagement_id in rows
    ]


# What an organisation and a ward have said


def _organisation_engagement_rows(organisation: int) -> QuerySet[Any]:
    rows = Engagement.objects.filter(organisations=organisation).annotate(total=Window(Count("pk")))
    return rows.order_by("-held_on", "-id").values("pk", "kind", "title", "held_on", "total")[:ORGANISATION_ENGAGEMENTS_SHOWN]


def _organisation_theme_rows(organisation: int) -> QuerySet[Any]:
    rows = Theme.objects.filter(engagements__organisations=organisation).annotate(times=Count("engagements", distinct=True)).order_by("-times", "name")
    return rows.values("name", "times")[:ORGANISATION_THEMES_SHOWN]


def _latest_engagements(organisation: int) -> QuerySet[Any]:
    return Engagement.objects.filter(organisations=organisation).order_by("-held_on", "-id")


def _timeline_rows(organisation: int) -> QuerySet[Any]:
    return _latest_engagements(organisation).values_list("pk", "kind", "title", "held_on")[:ORGANISATION_TIMELINE_ENGAGEMENTS]


def _timeline_theme_rows(organisation: int) -> QuerySet[Any]:
    # The themes of the same latest engagements, by a subquery rather than a list of their numbers, so the SQL is the
    # same for every organisation.
    latest = _latest_engagements(organisation).values("pk")[:ORGANISATION_TIMELINE_ENGAGEMENTS]
    links = Engagement.themes.through.objects.filter(engagement_id__in=latest).order_by("theme__name", "theme_id")
    return links.values_list("engagement_id", "theme__name")


# Read on every build of an organisation's page: compiled once (core.rows.CompiledRows).
_ORGANISATION_ENGAGEMENTS = CompiledRows(_organisation_engagement_rows, organisation=int)
_ORGANISATION_THEMES = CompiledRows(_organisation_theme_rows, organisation=int)
_TIMELINE = CompiledRows(_timeline_rows, organisation=int)
_TIMELINE_THEMES = CompiledRows(_timeline_theme_rows, organisation=int)


def organisation_engagements(organisation_id: int) -> tuple[list[Row], int]:
    """The organisation's latest engagements (what their lines show: pk, kind and `kind_label`, title, held_on) and how
    many there are in all, from one query: each row carries the count (a window over every row)."""
    rows = labelled(_ORGANISATION_ENGAGEMENTS.rows(organisation=organisation_id), Engagement, "kind")
    return rows, rows[0]["total"] if rows else 0


def organisation_themes(organisation_id: int) -> list[Row]:
    """How often each theme came up where the organisation was there (name, times), most often first."""
    return _ORGANISATION_THEMES.rows(organisation=organisation_id)


def organisation_timeline(organisation_id: int) -> list[dict[str, Any]]:
    """Each engagement the organisation took part in (the latest 50), as an entry on its timeline: read as values, with
    their themes' names (in name order) from the link table in one more query."""
    rows = _TIMELINE.rows(organisation=organisation_id)
    themes: dict[int, list[str]] = defaultdict(list)
    for engagement_id, name in _TIMELINE_THEMES.rows(organisation=organisation_id):
        themes[engagement_id].append(name)
    kinds = dict(EngagementKind.choices)
    url = pk_urls("engagement:engagement_detail")
    return [
        {"when": held_on, "title": f"{kinds.get(kind, kind)}: {title}", "description": ", ".join(themes[pk]), "href": url(pk)}
        for pk, kind, title, held_on in rows
    ]


def _ward_engagement_ids(ward_id: int) -> QuerySet[Any]:
    """The ids of every engagement held in the ward or with an organisation based in it, as one UNION of two index reads.

    With a date range this lets PostgreSQL join the few thousand ids to the year's engagements and then read only their
    themes; the `OR` of two `IN`s (kept for the newest few, read backwards along the date index) misjudges how many
    engagements match and reads every engagement's themes.
    """
    held = Engagement.objects.filter(ward_id=ward_id).values("pk").order_by()
    # engagement_link_organisation_idx: the links of the ward's organisations, from the index alone.
    with_organisation = Engagement.organisations.through.objects.filter(organisation__ward_id=ward_id).values("engagement_id").order_by()
    return held.union(with_organisation)


def _ward_theme_rows(ward: int, since: datetime.date) -> QuerySet[Any]:
    heard = Engagement.objects.filter(pk__in_array=_ward_engagement_ids(ward), held_on__gte=since).values("pk")
    rows = Theme.objects.filter(engagements__in=heard).annotate(times=Count("engagements", distinct=True)).order_by("-times", "name")
    return rows.values("name", "times")[:WARD_THEMES_SHOWN]


def _ward_recent_rows(ward: int) -> QuerySet[Any]:
    # The ward's few engagements found by the two index reads, then sorted: reading the whole log backwards by date and
    # keeping the ward's walked past thousands of other wards' engagements to find its latest five.
    return (
        Engagement.objects.filter(pk__in_array=_ward_engagement_ids(ward)).order_by("-held_on", "-id").values("pk", "title", "held_on")[:WARD_ENGAGEMENTS_SHOWN]
    )


# Read on every build of a ward's page: compiled once (core.rows.CompiledRows).
_WARD_THEMES = CompiledRows(_ward_theme_rows, ward=int, since=datetime.date)
_WARD_RECENT = CompiledRows(_ward_recent_rows, ward=int)


def ward_themes(ward_id: int, *, since: datetime.date | None = None) -> list[dict[str, Any]]:
    """The themes heard in a ward over the last year, most often first: the name and how many engagements heard it."""
    return _WARD_THEMES.rows(ward=ward_id, since=since or timezone.localdate() - datetime.timedelta(days=365))


def ward_recent_engagements(ward_id: int) -> list[dict[str, Any]]:
    """The ward's latest engagements: their number (pk), title and day (held_on)."""
    return _WARD_RECENT.rows(ward=ward_id)


def engagement_initial(engagement: Engagement) -> dict[str, Any]:
    return {
        "kind": engagement.kind,
        "title": engagement.title,
        "held_on": engagement.held_on,
        "ward": engagement.ward_id,
        "notes": engagement.notes,
        "themes": list(engagement.themes.values_list("pk", flat=True)),
        "organisations": list(engagement.organisations.values_list("pk", flat=True)),
        "councillors": list(engagement.councillors.values_list("pk", flat=True)),
        "officers": list(engagement.officers.values_list("pk", flat=True)),
        "version": engagement.version,
    }
