"""What core adds to shared pages and the daily duties; called once from CoreConfig.ready().

The deadlines panel and the digest gather every module's registered deadline
sources; the modules register only their sources, so the panel, the digest and
the calendar feed stay the same wherever the deadlines come from.
"""

from __future__ import annotations

from lightbulb.core import deadlines, tasks
from lightbulb.core.registry import registry


def register() -> None:
    registry.dashboard_panels["deadlines"] = deadlines.deadlines_panel
    registry.daily_duties["digest"] = tasks.digest_enqueue
