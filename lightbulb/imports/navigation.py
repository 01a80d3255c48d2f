"""Service navigation entries for imports."""

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.roles import Role

registry.add_nav(NavItem(label="Imports", url_name="imports:run_list", roles=frozenset({Role.ADMIN}), order=85, prefix="/imports/"))
