"""Service navigation entries for this module, and what funding adds to other pages.

AppConfig.ready() imports this module, so the registrations and the award
guards below are in place before any request.
"""

from lightbulb.core.registry import NavItem, OrganisationFilter, registry
from lightbulb.core.roles import Role
from lightbulb.funding.selectors.agreements import funded_organisations, organisation_agreements
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
