"""Who may read and describe the services organisations offer.

- officers read every service and describe any organisation's on its behalf;
- councillors and investigators read them (what the sector offers in their wards);
- an organisation's members describe their own organisation's services in the portal and
  decide whether they are published; a member of another organisation sees none of them;
- administrators keep users and settings, not the directory;
- everyone reads what organisations agreed to publish, through Open Referral UK.
"""

from __future__ import annotations

from typing import Any

import rules

from lightbulb.accounts.rules import is_member_of
from lightbulb.core.rules import is_councillor, is_investigator, is_officer, is_vcs


@rules.predicate
def is_member_for_service(user: Any, obj: Any) -> bool:
    """A member of the organisation `obj` (an organisation, or a service or location of one) belongs to."""
    if obj is None:
        return False
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is None and hasattr(obj, "service"):
        organisation_id = obj.service.organisation_id
    if organisation_id is None:
        organisation_id = getattr(obj, "pk", None)
    return is_member_of.test(user, organisation_id)


# The pages: the list, a service, the forms (each object is checked again below).
can_read_directory = is_officer | is_councillor | is_investigator | is_vcs
can_describe_services = is_officer | is_vcs
# One service, location or organisation.
can_read_service = is_officer | is_councillor | is_investigator | is_member_for_service
can_manage_service = is_officer | is_member_for_service
