"""The agreement life-cycle (PRODUCT.md §2.3).

planned → approved → awarded → live → under review → (extended | recommissioned | decommissioned) → closed.
An extended agreement is live again for its new term and can come under review again.
"""

from __future__ import annotations

from lightbulb.funding.models import AgreementStatus as S

ALLOWED: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.APPROVED, S.CLOSED}),
    S.APPROVED: frozenset({S.AWARDED, S.CLOSED}),
    S.AWARDED: frozenset({S.LIVE, S.CLOSED}),
    S.LIVE: frozenset({S.UNDER_REVIEW}),
    S.UNDER_REVIEW: frozenset({S.EXTENDED, S.RECOMMISSIONED, S.DECOMMISSIONED, S.LIVE}),
    S.EXTENDED: frozenset({S.UNDER_REVIEW, S.CLOSED}),
    S.RECOMMISSIONED: frozenset({S.CLOSED}),
    S.DECOMMISSIONED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

# Statuses in which money is committed to the organisation ("currently funded").
FUNDED = frozenset({S.AWARDED, S.LIVE, S.UNDER_REVIEW, S.EXTENDED})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())


def next_statuses(status: str) -> list[str]:
    order = list(S.values)
    return sorted(ALLOWED.get(status, frozenset()), key=order.index)
