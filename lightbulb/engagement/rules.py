"""Who may read and keep the engagement log, its themes and follow-up actions, and the flags.

Officers keep the engagement log, its managed list of themes and the flags
(dismissing one with a reason). Councillors and investigators read the log,
the flags and relationship health; councillors never see the concerns register
nor volunteers' personal data, and nothing here holds either. The owner of a
follow-up action (an officer or a councillor) marks it done; so may any officer.
The daily recompute of flags acts as the system. Administrators keep the flag
thresholds (a setting), not the flags themselves.

Surveys: officers write a "state of the sector" survey, send it, record an answer on an
organisation's behalf and close it (the daily duty closes those past their closing date, as the
system); councillors and investigators read the results; a `vcs` member answers for their own
organisation in the portal.
"""

from __future__ import annotations

from typing import Any

import rules

from lightbulb.accounts.rules import is_member_of
from lightbulb.core.rules import is_admin, is_councillor, is_investigator, is_officer, is_system, is_vcs


@rules.predicate
def is_action_owner(user: Any, action: Any) -> bool:
    """The user who owns a follow-up action (an action, or None for no object)."""
    if action is None or not getattr(user, "pk", None):
        return False
    return bool(getattr(action, "owner_id", None) == user.pk)


can_read_engagement = is_officer | is_councillor | is_investigator
can_manage_engagement = is_officer
can_manage_themes = is_officer
# Follow-up actions are owned by officers or councillors; the owner or any officer marks one done.
can_complete_action = is_officer | (is_councillor & is_action_owner)
can_read_flags = is_officer | is_councillor | is_investigator
can_dismiss_flags = is_officer
can_recompute_flags = is_officer | is_system
# Who may reach the "mark done" page at all; the action itself decides (its owner, or any officer).
can_own_actions = is_officer | is_councillor
# Ward briefing packs hold the funding record and flags: those who read both.
can_read_packs = is_officer | is_councillor | is_investigator


@rules.predicate
def is_requester(user: Any, build: Any) -> bool:
    return build is not None and getattr(build, "requested_by_id", None) == getattr(user, "pk", object())


can_read_own_pack_build = can_read_packs & is_requester
# Relationship health is read from the funding record and the engagement log.
can_read_health = is_officer | is_councillor | is_investigator
# The thresholds the flags are raised at are a setting: administrators keep them.
can_manage_flag_thresholds = is_admin

# "State of the sector" surveys
can_read_surveys = is_officer | is_councillor | is_investigator
can_manage_surveys = is_officer
can_close_surveys = is_officer | is_system
# An officer records an answer on an organisation's behalf; a member answers for their own organisation.
can_record_survey_answer = is_officer
can_use_portal_surveys = is_vcs
can_answer_survey = is_vcs & is_member_of  # (user, organisation)
