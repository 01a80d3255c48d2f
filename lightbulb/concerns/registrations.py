"""What concerns adds to shared pages; called once from ConcernsConfig.ready()."""

from __future__ import annotations

from lightbulb.concerns import exports, panels, tasks
from lightbulb.concerns import rules as concern_rules
from lightbulb.concerns.rules import (
    can_manage_concern_settings,
    can_raise_concern,
    can_raise_concern_in_portal,
    can_read_concerns,
    can_read_counter_fraud,
    can_read_risks,
)
from lightbulb.core.registry import NavItem, registry
from lightbulb.core.rules import expose


def register() -> None:
    expose("concerns", concern_rules)
    exports.register()
    for item in (
        NavItem(label="Concerns", url_name="concerns:list", permission=can_read_concerns, order=20, prefix="/concerns/"),
        NavItem(
            label="Counter-fraud figures", url_name="concerns:counter_fraud", permission=can_read_counter_fraud, order=21, prefix="/concerns/counter-fraud"
        ),
        NavItem(label="Risk register", url_name="concerns:risk_list", permission=can_read_risks, order=70, prefix="/concerns/risks/"),
        NavItem(label="Raise a concern", url_name="concerns:raise", permission=can_raise_concern, order=98, prefix="/concerns/raise"),
        NavItem(label="Raise a concern", url_name="concerns:portal_raise", permission=can_raise_concern_in_portal, order=40, prefix="/concerns/portal/"),
        NavItem(label="Concern settings", url_name="concerns:settings", permission=can_manage_concern_settings, order=96, prefix="/concerns/settings"),
    ):
        registry.add_nav(item)
    registry.dashboard_panels["concerns_queue"] = panels.investigator_panel
    registry.dashboard_panels["concerns_counts"] = panels.counts_panel
    registry.dashboard_panels["concerns_risks"] = panels.risks_panel
    registry.organisation_sections["concerns"] = panels.organisation_section
    registry.deadlines["concern_triage"] = panels.triage_deadlines
    registry.deadlines["risk_reviews"] = panels.risk_review_deadlines
    registry.daily_duties["concerns_access_log_check"] = tasks.access_log_check_enqueue
    registry.add_guard("payment_release", panels.suspended_payment_guard)
