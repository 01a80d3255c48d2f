"""What the Compact and consultations add to shared pages; called once from CompactConfig.ready()."""

from __future__ import annotations

from typing import Any

from lightbulb.compact import exports
from lightbulb.compact import rules as compact_rules
from lightbulb.compact.rules import can_manage_compact, can_read_compact, can_read_consultations, can_use_portal_consultations
from lightbulb.compact.selectors import compact_enabled
from lightbulb.core.registry import NavItem, registry
from lightbulb.core.rules import allowed, expose


def _compact_in_menu(user: Any) -> bool:
    """Officers always see the Compact (to set one up); others only while one is switched on."""
    return allowed(can_manage_compact, user) or compact_enabled()


def register() -> None:
    expose("compact", compact_rules)
    exports.register()
    registry.add_nav(NavItem(label="Compact", url_name="compact:compact", permission=can_read_compact, order=60, prefix="/compact/", visible=_compact_in_menu))
    registry.add_nav(
        NavItem(label="Consultations", url_name="compact:consultation_list", permission=can_read_consultations, order=61, prefix="/compact/consultations/")
    )
    registry.add_nav(
        NavItem(label="Consultations", url_name="compact:portal_consultations", permission=can_use_portal_consultations, order=61, prefix="/compact/portal/")
    )
