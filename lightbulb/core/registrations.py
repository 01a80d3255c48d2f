"""What core adds to shared pages and the daily duties; called once from CoreConfig.ready().

The deadlines panel and the digest gather every module's registered deadline
sources; the modules register only their sources, so the panel, the digest and
the calendar feed stay the same wherever the deadlines come from.
"""

from __future__ import annotations

from lightbulb.core import deadlines, exports, page_cache, panels, tasks
from lightbulb.core import rules as core_rules
from lightbulb.core.registry import registry
from lightbulb.core.rules import expose


def register() -> None:
    expose("core", core_rules)
    registry.dashboard_panels["deadlines"] = deadlines.deadlines_panel
    registry.dashboard_panels["service_health"] = panels.service_health_panel
    registry.dashboard_panels["staff_offer"] = panels.staff_panel
    registry.daily_duties["digest"] = tasks.digest_enqueue
    registry.daily_duties["clear_expired_sessions"] = tasks.sessions_clear_enqueue
    registry.daily_duties["exports_clear"] = exports.exports_clear_enqueue
    # One DELETE: quick enough to run in the scheduler itself.
    registry.daily_duties["kept_pages_purge"] = page_cache.purge
