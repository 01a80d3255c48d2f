"""Who may read and act on agreements, returns, payments, tiers and decommissioning.

Decisions (README's role table says the same):
- officers commission: they create, change, pay, review and decommission;
- councillors and investigators read the funding record (councillors for their
  wards and scrutiny, investigators because counter-fraud follows the money);
  councillors never see who submitted a return or the files it came with;
- administrators keep the proportionality tiers (a setting) but do not read
  agreements, returns, payments or decommissionings: PRODUCT.md §1 gives them
  users, roles, settings, imports and retention, not the relationship itself;
- a `vcs` member sees and acts for their own organisation's agreements only;
- the system (scheduled duties) may schedule returns and payments;
- an investigator holds or claws back payments and issues the notice that ends an agreement
  only as a step of a concern's action ladder (lightbulb/concerns/services.py), inside
  `counter_fraud_step()`: funding's own services then do it, with their rules, messages and
  audit, in the investigator's name. Anywhere else, including every funding page, an
  investigator only reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import rules

from lightbulb.accounts.rules import is_member_of
from lightbulb.core.rules import is_admin, is_councillor, is_investigator, is_officer, is_system, is_vcs


def _organisation_of(obj: Any) -> Any:
    """The organisation an agreement, return, payment or decommissioning belongs to."""
    for path in ("organisation_id", "agreement.organisation_id"):
        value: Any = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return value
    return None


@rules.predicate
def is_member_for(user: Any, obj: Any) -> bool:
    """A member of the organisation that `obj` (an agreement or anything of one) is with."""
    return obj is not None and is_member_of.test(user, _organisation_of(obj))


_COUNTER_FRAUD_STEP: ContextVar[bool] = ContextVar("counter_fraud_step", default=False)


@contextmanager
def counter_fraud_step() -> Iterator[None]:
    """While a concern's ladder step runs, an investigator may hold or claw back payments and end the agreement."""
    token = _COUNTER_FRAUD_STEP.set(True)
    try:
        yield
    finally:
        _COUNTER_FRAUD_STEP.reset(token)


@rules.predicate
def is_taking_counter_fraud_step(user: Any) -> bool:
    """An investigator inside `counter_fraud_step()`: never true for a page, only for the concerns service."""
    return _COUNTER_FRAUD_STEP.get() and bool(is_investigator.test(user))


can_read_funding = is_officer | is_councillor | is_investigator
can_manage_agreements = is_officer
can_read_agreement = can_read_funding | (is_vcs & is_member_for)
can_manage_tiers = is_admin
can_read_tiers = is_admin | is_officer
# Ending funding winds down its payments and returns: officers, or the service's own duties.
can_end_funding = is_officer | is_system

# Monitoring returns
can_read_returns = can_read_funding
can_review_returns = is_officer
can_schedule_returns = is_officer | is_system
# Officers record a return on the organisation's behalf (a paper return); members submit their own.
can_submit_return = is_officer | (is_vcs & is_member_for)
# Officers enter a return that arrived by post or e-mail, for the many organisations with no portal member.
can_enter_returns = is_officer
# Who submitted a return, and the files it came with, are not for councillors.
can_read_return_files = is_officer | is_investigator | (is_vcs & is_member_for)
can_use_portal_returns = is_vcs

# Payments
can_read_payments = can_read_funding
# Counter-fraud: an investigator suspends or claws back payments through a concern's ladder step only.
can_manage_payments = is_officer | is_taking_counter_fraud_step
can_schedule_payments = is_officer | is_system

# Decommissioning
can_read_decommissioning = can_read_funding
# Counter-fraud: an investigator's "terminate" step on a concern issues the written notice through this service.
can_decommission = is_officer | is_taking_counter_fraud_step
can_respond_to_notice = is_vcs & is_member_for
# An officer enters a response that arrived by post or e-mail, with the letter, for an organisation with no portal member.
can_record_notice_response = is_officer
# Who sent a response or a return is personal data: not shown to councillors.
can_see_who_responded = is_officer | is_investigator
can_read_notice = can_read_decommissioning | (is_vcs & is_member_for)
can_use_portal_notices = is_vcs
# The notice letter opens for funding readers and, for their own organisation's notice, members.
can_open_notice_letters = can_read_decommissioning | is_vcs
