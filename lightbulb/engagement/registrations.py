"""What engagement adds to shared pages; called once from EngagementConfig.ready()."""

from __future__ import annotations

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.rules import expose
from lightbulb.engagement import exports, panels, signals, tasks
from lightbulb.engagement import rules as engagement_rules
from lightbulb.engagement.rules import (
    can_manage_flag_thresholds,
    can_read_engagement,
    can_read_flags,
    can_read_health,
    can_read_surveys,
    can_use_portal_surveys,
)
from lightbulb.engagement.selectors import log as log_selectors
from lightbulb.engagement.selectors import surveys as survey_selectors


def register() -> None:
    expose("engagement", engagement_rules)
    exports.register()
    registry.add_nav(NavItem(label="Engagement", url_name="engagement:engagement_list", permission=can_read_engagement, order=55, prefix="/engagement/"))
    registry.dashboard_panels["engagement_actions"] = panels.actions_panel
    registry.deadlines["follow_up_actions"] = log_selectors.action_deadlines
    registry.organisation_sections["engagement_heard"] = panels.heard_section
    registry.timeline_sources["engagement"] = log_selectors.organisation_timeline
    registry.add_nav(NavItem(label="Flags", url_name="engagement:flag_list", permission=can_read_flags, order=56, prefix="/engagement/flags/"))
    registry.dashboard_panels["engagement_flags"] = panels.flags_panel
    registry.organisation_sections["engagement_flags"] = panels.flags_section
    registry.daily_duties["flags_recompute"] = tasks.flags_daily_enqueue
    for name in ("briefing", "map", "money", "consultations", "decommissioning", "themes", "flags"):
        registry.ward_sections[f"engagement_{name}"] = getattr(panels, f"ward_{name}_section")
    registry.add_nav(
        NavItem(label="Relationship health", url_name="engagement:health_sector", permission=can_read_health, order=57, prefix="/engagement/health/")
    )
    registry.organisation_sections["engagement_health"] = panels.health_section
    registry.add_nav(
        NavItem(
            label="Flag thresholds",
            url_name="engagement:flag_thresholds",
            permission=can_manage_flag_thresholds,
            order=90,
            prefix="/engagement/flags/thresholds",
        )
    )
    registry.add_nav(NavItem(label="Surveys", url_name="engagement:survey_list", permission=can_read_surveys, order=58, prefix="/engagement/surveys/"))
    registry.add_nav(NavItem(label="Surveys", url_name="engagement:portal_surveys", permission=can_use_portal_surveys, order=58, prefix="/engagement/portal/"))
    registry.dashboard_panels["engagement_surveys"] = panels.surveys_panel
    registry.deadlines["survey_answers"] = survey_selectors.survey_deadlines
    registry.daily_duties["surveys_close"] = tasks.surveys_daily_enqueue
    signals.connect()
