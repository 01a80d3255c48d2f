"""Who may read and change the organisation register, its contacts, claims and profiles.

Administrators read the register because they run its imports and erase
personal data (PRODUCT.md §1, §3); they do not change it.
"""

from __future__ import annotations

from lightbulb.accounts.rules import is_member_of
from lightbulb.core.rules import is_admin, is_councillor, is_investigator, is_officer, is_system, is_vcs

can_read_register = is_officer | is_councillor | is_investigator | is_admin
can_manage_register = is_officer
# Register values read from public registers are written by imports, or by an officer.
can_record_register_values = is_officer | is_system
# Contacts are personal data: officers keep them; administrators may also see and erase them.
can_read_contacts = is_officer | is_admin
can_erase_contact = is_officer | is_admin
can_merge_organisations = is_officer
# The portal: a `vcs` user reads and keeps the organisations they are a member of.
can_use_portal = is_vcs
can_read_organisation = can_read_register | is_member_of
can_act_for_organisation = is_member_of
# Officers verify claims and review what members change on a profile.
can_verify_claims = is_officer
can_review_profile_changes = is_officer
