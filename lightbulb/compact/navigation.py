"""Service navigation entries for the Compact and consultations."""

from __future__ import annotations

from typing import Any

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.roles import REGISTER_READERS, Role


class _WhenCompactEnabled(frozenset):  # type: ignore[type-arg]
    """Roles that see the "Compact" item, but only while a Compact is switched on.

    The layout asks `role in item.roles`; the database is asked only for a role that
    could see the item, so other users' pages issue no extra query.
    """

    def __contains__(self, role: Any) -> bool:
        if not super().__contains__(role):
            return False
        from lightbulb.compact.selectors import compact_enabled

        return compact_enabled()


registry.add_nav(
    NavItem(label="Compact", url_name="compact:compact", roles=_WhenCompactEnabled({Role.OFFICER, Role.COUNCILLOR, Role.ADMIN}), order=60, prefix="/compact/")
)
registry.add_nav(
    NavItem(label="Consultations", url_name="compact:consultation_list", roles=frozenset(REGISTER_READERS), order=61, prefix="/compact/consultations/")
)
registry.add_nav(NavItem(label="Consultations", url_name="compact:portal_consultations", roles=frozenset({Role.VCS}), order=61, prefix="/compact/portal/"))
