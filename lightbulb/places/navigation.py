"""Service navigation entries for this module."""

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.roles import REGISTER_READERS

registry.add_nav(NavItem(label="Wards", url_name="places:ward_list", roles=frozenset(REGISTER_READERS), order=30, prefix="/places/"))
