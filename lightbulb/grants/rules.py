"""Who may read other funders' grants and confirm which organisation each went to.

Officers, councillors, investigators and administrators read them (as they read the
register); officers confirm or reject a proposed match; imports write them as the system.
"""

from __future__ import annotations

from lightbulb.core.rules import is_admin, is_councillor, is_investigator, is_officer, is_system

can_read_grants = is_officer | is_councillor | is_investigator | is_admin
can_review_grant_matches = is_officer
# A 360Giving import writes as the system; an officer may also load a file from the imports pages.
can_import_grants = is_system | is_officer
