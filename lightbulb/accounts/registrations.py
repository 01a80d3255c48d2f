"""What accounts adds to shared pages; called once from AccountsConfig.ready()."""

from lightbulb.accounts import panels
from lightbulb.accounts import rules as accounts_rules
from lightbulb.accounts.rules import can_manage_users
from lightbulb.core.registry import NavItem, registry
from lightbulb.core.rules import expose


def register() -> None:
    expose("accounts", accounts_rules)
    registry.dashboard_panels["accounts_waiting"] = panels.accounts_panel
    registry.add_nav(NavItem(label="Users", url_name="accounts:user_list", permission=can_manage_users, order=90, prefix="/account/users/"))
