"""Cross-referencing: each rule of PRODUCT.md §2.5 is one small module here.

A rule is a function `find(organisation_ids, today) -> list[Finding]`: set-based (one or two
queries whatever the number of organisations or of their agreements, the organisation's own
fields joined to its agreements rather than read apart), scoped to `organisation_ids` or, with
None, every organisation. For every organisation a rule asks the database for only the agreements
it needs; for a few, the rules share one read of all their agreements (`agreements`), found by the
organisation alone, and each keeps its own in Python. One organisation's flags, recomputed after
its records change, take 10 queries in all (`benchmarks/engagement.py` times them; the target is
50 ms). Each finding says in plain words why it was raised, links its evidence and carries a
fingerprint of that evidence. `engine.py` reconciles findings with the stored
flags; nothing here writes.

Thresholds are kept by an administrator on the flag thresholds page (`FlagThresholds`, audited,
checked in `services/thresholds.py`); a threshold left empty there is the setting
(`config/settings`, or the environment through them), else its default:

- `FLAG_DEPENDENCY_SHARE` (0.5): council funding above this share of latest income;
- `FLAG_LARGE_AWARD` (£50,000) and `FLAG_NEW_ORGANISATION_MONTHS` (24): a large award to an
  organisation registered this recently before the agreement starts;
- `FLAG_COST_PER_PERSON_FLOOR` (£5): a return claiming more people than one per £5 of the
  organisation's latest income.

Changing a threshold recomputes every organisation's flags in the background.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

# Agreements whose money is committed or flowing.
LIVE_STATUSES = ("awarded", "live", "under_review", "extended")


@dataclass
class Finding:
    organisation_id: int
    rule: str
    reason: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    key: str = ""
    # What the fingerprint is taken over: the facts, not the wording.
    facts: Any = None

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.facts, sort_keys=True, default=str).encode()).hexdigest()


Scope = Collection[int] | None
Rule = Callable[[Scope, datetime.date], list[Finding]]


def setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


@dataclass(frozen=True)
class Thresholds:
    dependency_share: Decimal
    new_organisation_months: int
    large_award: Decimal
    cost_per_person_floor: Decimal


def default_thresholds() -> Thresholds:
    """The settings, or their defaults: what applies where the administrator has set nothing."""
    return Thresholds(
        dependency_share=Decimal(str(setting("FLAG_DEPENDENCY_SHARE", "0.5"))),
        new_organisation_months=int(setting("FLAG_NEW_ORGANISATION_MONTHS", 24)),
        large_award=Decimal(str(setting("FLAG_LARGE_AWARD", "50000"))),
        cost_per_person_floor=Decimal(str(setting("FLAG_COST_PER_PERSON_FLOOR", "5"))),
    )


# The thresholds read once for a whole recompute (`engine.flags_find` sets it), rather than once for each rule.
_IN_FORCE: ContextVar[Thresholds | None] = ContextVar("flag_thresholds_in_force", default=None)


@contextmanager
def thresholds_fixed() -> Iterator[Thresholds]:
    """Within the block every rule reads the same thresholds, read once."""
    token = _IN_FORCE.set(thresholds())
    try:
        yield _IN_FORCE.get() or default_thresholds()
    finally:
        _IN_FORCE.reset(token)


def thresholds() -> Thresholds:
    """The thresholds in force: the administrator's where set, else the settings'."""
    from lightbulb.engagement.models import FlagThresholds

    fixed = _IN_FORCE.get()
    if fixed is not None:
        return fixed
    defaults = default_thresholds()
    row = FlagThresholds.objects.order_by("pk").first()
    if row is None:
        return defaults
    return Thresholds(
        dependency_share=Decimal(row.dependency_percent) / 100 if row.dependency_percent is not None else defaults.dependency_share,
        new_organisation_months=row.new_organisation_months if row.new_organisation_months is not None else defaults.new_organisation_months,
        large_award=row.large_award if row.large_award is not None else defaults.large_award,
        cost_per_person_floor=row.cost_per_person_floor if row.cost_per_person_floor is not None else defaults.cost_per_person_floor,
    )


def money(value: Decimal | float | int) -> str:
    """£1,250 (whole pounds), as the pages show money."""
    return f"£{Decimal(value).quantize(Decimal('1')):,}"


def day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def link(route: str, pk: int, label: str) -> dict[str, Any]:
    """A piece of evidence: the page is named, not its address, so a moved page never breaks a stored flag."""
    return {"label": label, "route": route, "pk": pk}


def agreement_link(pk: int, reference: str) -> dict[str, Any]:
    return link("funding:agreement_detail", pk, f"Agreement {reference}")


def organisation_link(pk: int, name: str) -> dict[str, Any]:
    return link("organisations:detail", pk, name)


def scoped(queryset: Any, scope: Scope, path: str = "organisation_id") -> Any:
    return queryset if scope is None else queryset.filter(**{f"{path}__in": list(scope)})


@dataclass(frozen=True)
class AgreementRow:
    """An agreement as the rules read it, with the organisation's fields they need."""

    pk: int
    organisation_id: int
    reference: str
    title: str
    purpose: str
    status: str
    amount: Decimal
    start: datetime.date
    end: datetime.date
    archived: bool
    name: str
    latest_income: Decimal | None
    income_year_end: datetime.date | None
    registered: datetime.date | None
    organisation_status: str


AGREEMENT_FIELDS = (
    "pk",
    "organisation_id",
    "reference",
    "title",
    "purpose",
    "status",
    "amount",
    "start_date",
    "end_date",
    "archived_at",
    "organisation__name",
    "organisation__latest_income",
    "organisation__latest_income_year_end",
    "organisation__date_registered",
    "organisation__status",
)

# A few organisations' agreements, read once for every rule of a recompute (`engine.flags_find` sets it).
_SCOPE_AGREEMENTS: ContextVar[dict[frozenset[int], list[AgreementRow]] | None] = ContextVar("flag_scope_agreements", default=None)


@contextmanager
def agreements_read_once() -> Iterator[None]:
    """Within the block the rules share one read of a scope's agreements."""
    token = _SCOPE_AGREEMENTS.set({})
    try:
        yield
    finally:
        _SCOPE_AGREEMENTS.reset(token)


def _agreement_rows(queryset: Any) -> list[AgreementRow]:
    rows = []
    for pk, organisation_id, reference, title, purpose, status, amount, start, end, archived_at, *organisation in queryset.values_list(*AGREEMENT_FIELDS):
        rows.append(AgreementRow(pk, organisation_id, reference, title, purpose, status, amount, start, end, archived_at is not None, *organisation))
    return rows


def scope_agreements(scope: Collection[int]) -> list[AgreementRow]:
    """Every agreement of the organisations in `scope`, found by the organisation alone.

    Asked with a rule's own conditions too, PostgreSQL intersects the organisation's index with the status index
    (it takes live status and a future end for independent): at national scale that reads some 31,000 index entries
    for an organisation's few hundred agreements, a few milliseconds for each rule."""
    from lightbulb.funding.models import Agreement

    key = frozenset(scope)
    read = _SCOPE_AGREEMENTS.get()
    if read is not None and key in read:
        return read[key]
    rows = _agreement_rows(Agreement.objects.filter(organisation_id__in=sorted(key)))
    if read is not None:
        read[key] = rows
    return rows


def agreements(scope: Scope, narrowed: Any, wanted: Callable[[AgreementRow], bool]) -> list[AgreementRow]:
    """The agreements a rule looks at, in the agreements' own order (latest start first).

    For every organisation (None) the database keeps those `narrowed` (a Q object) selects, only what the rule needs of
    a million agreements; for a few organisations their agreements are read once for all the rules and `wanted` keeps
    the rule's own. `wanted` says in Python what `narrowed` says in SQL, and is applied to both, so the two agree."""
    from lightbulb.funding.models import Agreement

    rows = _agreement_rows(Agreement.objects.filter(narrowed)) if scope is None else scope_agreements(scope)
    return [row for row in rows if wanted(row)]


def live_on(row: AgreementRow, today: datetime.date) -> bool:
    """Committed or flowing money, not yet ended: `status__in=LIVE_STATUSES, end_date__gte=today`."""
    return row.status in LIVE_STATUSES and row.end >= today
