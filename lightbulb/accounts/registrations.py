"""What accounts adds to shared pages; called once from AccountsConfig.ready()."""

from django.contrib.auth.signals import user_logged_in

from lightbulb.accounts import exports, panels
from lightbulb.accounts import rules as accounts_rules
from lightbulb.accounts.enrolment import identity_provider_signed_in
from lightbulb.accounts.rules import can_manage_users
from lightbulb.core.registry import NavItem, registry
from lightbulb.core.rules import expose


def register() -> None:
    expose("accounts", accounts_rules)
    exports.register()
    # A sign-in through the council's identity provider is the fresh proof that enrols a first authenticator.
    user_logged_in.connect(identity_provider_signed_in, dispatch_uid="accounts.identity_provider_proof")
    registry.dashboard_panels["accounts_waiting"] = panels.accounts_panel
    registry.add_nav(NavItem(label="Users", url_name="accounts:user_list", permission=can_manage_users, order=90, prefix="/account/users/"))
