"""What the register and the portal add to shared pages; called once from OrganisationsConfig.ready()."""

from lightbulb.core.registry import NavItem, WardColumn, registry
from lightbulb.core.rules import expose
from lightbulb.organisations import exports, tasks, ward_home
from lightbulb.organisations import rules as organisations_rules
from lightbulb.organisations.panels import duplicates_panel, ward_section
from lightbulb.organisations.portal.panels import claims_panel, profile_changes_panel, your_organisations_panel
from lightbulb.organisations.rules import can_read_register, can_use_portal, can_verify_claims
from lightbulb.organisations.selectors import with_organisation_count


def register() -> None:
    exports.register()
    expose("organisations", organisations_rules)
    registry.add_nav(NavItem(label="Organisations", url_name="organisations:list", permission=can_read_register, order=20, prefix="/organisations/"))
    registry.add_nav(
        NavItem(label="Your organisations", url_name="organisations:portal_home", permission=can_use_portal, order=10, prefix="/organisations/portal/")
    )
    registry.add_nav(NavItem(label="Claims", url_name="organisations:claims_list", permission=can_verify_claims, order=80, prefix="/organisations/portal/"))
    registry.dashboard_panels["organisations_duplicates"] = duplicates_panel
    registry.dashboard_panels["your_wards"] = ward_home.your_wards_panel
    registry.daily_duties["organisations_find_duplicates"] = tasks.duplicates_enqueue
    registry.dashboard_panels["portal_claims"] = claims_panel
    registry.dashboard_panels["portal_profile_changes"] = profile_changes_panel
    registry.dashboard_panels["portal_organisations"] = your_organisations_panel
    # The ward pages ask the register for its part: places knows nothing of organisations.
    registry.ward_sections["organisations"] = ward_section
    registry.ward_columns["organisations"] = WardColumn(
        label="Organisations based here", annotate=with_organisation_count, attribute="organisation_count", order=10
    )
