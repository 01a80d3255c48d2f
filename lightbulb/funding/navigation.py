"""Service navigation entries for this module, and what funding adds to other pages.

AppConfig.ready() imports this module, so the registrations and the award
guards below are in place before any request.
"""

from typing import Any

from django.http import HttpRequest

from lightbulb.core.registry import NavItem, OrganisationFilter, registry
from lightbulb.core.roles import Role, role_of
from lightbulb.funding.models import Decommissioning
from lightbulb.funding.selectors.agreements import funded_organisations, organisation_agreements
from lightbulb.funding.selectors.decommissioning import notices_for_member
from lightbulb.funding.services import tiers  # noqa: F401  (appends the award guards to GUARDS)

registry.add_nav(
    NavItem(
        label="Agreements",
        url_name="funding:agreement_list",
        roles=frozenset({Role.OFFICER, Role.COUNCILLOR, Role.INVESTIGATOR, Role.ADMIN}),
        order=40,
        prefix="/funding/agreements/",
    )
)
registry.add_nav(NavItem(label="Funding tiers", url_name="funding:tier_list", roles=frozenset({Role.ADMIN}), order=95, prefix="/funding/settings/"))
registry.organisation_sections["agreements"] = organisation_agreements
registry.organisation_filters["funded"] = OrganisationFilter(label="Currently funded", apply=funded_organisations)

# Organisations see notices that their funding will end in the portal, from the menu and the dashboard.
registry.add_nav(NavItem(label="Funding notices", url_name="funding:portal_notices", roles=frozenset({Role.VCS}), order=30, prefix="/funding/portal/notices/"))


def _portal_notices_panel(request: HttpRequest) -> dict[str, Any] | None:
    if role_of(request.user) != Role.VCS:
        return None
    notices = list(notices_for_member(request.user).filter(stage=Decommissioning.Stage.NOTICE_ISSUED))
    if not notices:
        return None
    return {"title": "Notices that funding will end", "template": "funding/decommissioning/panel_portal_notices.html", "order": 12, "notices": notices}


registry.dashboard_panels["portal_notices"] = _portal_notices_panel
