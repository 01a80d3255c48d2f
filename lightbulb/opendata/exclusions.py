"""What is never published, whatever the data says (the rule is on the open-data page and in docs/data-standards.md).

1. Grants to organisations under investigation: while a concern about an organisation is open
   (the concerns module's aggregate selector), none of its grants appear in 360Giving or the
   Transparency Code files, so a publication never tips anyone off nor hands out public money
   under suspicion. They return with the next generation once the concern is closed.
2. Grants to individuals: 360Giving asks funders not to identify people. Every agreement in
   Lightbulb is with an organisation on the register, so there is no grant to a person to leave
   out; `recipient_is_individual` is where that rule would look if the register ever held one.
"""

from __future__ import annotations

from typing import Any

from lightbulb.concerns import selectors as concerns


def organisation_ids_under_investigation() -> set[int]:
    """Organisations with a concern awaiting triage or under investigation (the concerns module's aggregate selector)."""
    return concerns.organisation_ids_under_investigation()


def recipient_is_individual(row: Any) -> bool:
    """A published row naming a person rather than an organisation: never, as agreements are with organisations."""
    return False
