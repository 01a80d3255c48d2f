"""Service navigation entries for accounts."""

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.roles import Role

registry.add_nav(NavItem(label="Users", url_name="accounts:user_list", roles=frozenset({Role.ADMIN}), order=90, prefix="/account/users/"))
