"""What funding adds to shared pages and life-cycles; called once from FundingConfig.ready().

Nothing here runs on import: every process (web, db_worker, the scheduler, a
management command, the shell) calls `register()` through the app registry,
so the life-cycle guards are complete wherever an agreement moves.
"""

from __future__ import annotations

from lightbulb.core.registry import NavItem, OrganisationFilter, registry
from lightbulb.core.rules import expose
from lightbulb.funding import exports, panels
from lightbulb.funding import rules as funding_rules
from lightbulb.funding.rules import can_manage_tiers, can_read_funding, can_use_portal_notices, can_use_portal_returns
from lightbulb.funding.selectors import agreements as agreement_selectors
from lightbulb.funding.selectors import dashboard as dashboard_selectors
from lightbulb.funding.selectors import decommissioning as decommissioning_selectors
from lightbulb.funding.selectors import payments as payment_selectors
from lightbulb.funding.selectors import returns as return_selectors
from lightbulb.funding.selectors.agreements import funded_organisations, organisation_agreements
from lightbulb.funding.services.decommissioning import NOTICE_LETTER, notice_letter_attachment
from lightbulb.funding.services.lifecycle import GUARD_LIFECYCLE
from lightbulb.funding.services.tiers import advance_payment_guard, due_diligence_guard


def _navigation() -> None:
    items = (
        NavItem(label="Agreements", url_name="funding:agreement_list", permission=can_read_funding, order=40, prefix="/funding/agreements/"),
        NavItem(label="Returns", url_name="funding:return_list", permission=can_read_funding, order=42, prefix="/funding/returns/"),
        NavItem(label="Payments", url_name="funding:payment_list", permission=can_read_funding, order=43, prefix="/funding/payments/"),
        NavItem(label="Funding tiers", url_name="funding:tier_list", permission=can_manage_tiers, order=95, prefix="/funding/settings/"),
        NavItem(label="Returns", url_name="funding:portal_returns", permission=can_use_portal_returns, order=12, prefix="/funding/portal/"),
        NavItem(label="Funding notices", url_name="funding:portal_notices", permission=can_use_portal_notices, order=30, prefix="/funding/portal/notices/"),
    )
    for item in items:
        registry.add_nav(item)


def register() -> None:
    expose("funding", funding_rules)
    _navigation()
    registry.organisation_sections["agreements"] = organisation_agreements
    registry.organisation_sections["returns_payments"] = panels.organisation_section
    registry.organisation_sections["decommissioning"] = panels.decommissioning_section
    registry.organisation_filters["funded"] = OrganisationFilter(label="Currently funded", apply=funded_organisations)
    exports.register()
    # The worker builds the notice letter it attaches to the notice's e-mail.
    registry.message_attachments[NOTICE_LETTER] = notice_letter_attachment

    registry.dashboard_panels["funding_my_agreements"] = panels.my_agreements_panel
    registry.dashboard_panels["funding_returns"] = panels.returns_panel
    registry.dashboard_panels["funding_payments"] = panels.payments_panel
    registry.dashboard_panels["funding_reviews"] = panels.reviews_panel
    registry.dashboard_panels["funding_portal_returns"] = panels.portal_returns_panel
    registry.dashboard_panels["portal_notices"] = panels.portal_notices_panel

    # Core gathers every module's deadlines into the dashboard panel, the daily digest and the calendar feed.
    registry.deadlines["returns"] = return_selectors.return_deadlines
    registry.deadlines["payments"] = payment_selectors.payment_deadlines
    registry.deadlines["reviews"] = dashboard_selectors.review_deadlines
    registry.deadlines["notices"] = decommissioning_selectors.notice_deadlines

    for guard in (
        due_diligence_guard,
        advance_payment_guard,
        decommissioning_selectors.decommissioning_blockers,
        agreement_selectors.extension_guard,
        agreement_selectors.recommission_guard,
    ):
        registry.add_guard(GUARD_LIFECYCLE, guard)
