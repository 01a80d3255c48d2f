"""Who may read and keep the Compact and consultations.

The Compact page shows how commitments were kept, with links to the funding
records behind each breach, so it is read by those who read funding:
officers, councillors and investigators. Consultations are public once
published; in the back office every council reader of the register sees them.
"""

from __future__ import annotations

from lightbulb.accounts.rules import is_member_of
from lightbulb.core.rules import is_admin, is_councillor, is_investigator, is_officer, is_vcs

can_read_compact = is_officer | is_councillor | is_investigator
can_manage_compact = is_officer
can_read_consultations = is_officer | is_councillor | is_investigator | is_admin
can_manage_consultations = is_officer
can_use_portal_consultations = is_vcs
can_respond_to_consultation = is_vcs & is_member_of
