"""What grants adds to shared pages; called once from GrantsConfig.ready()."""

from __future__ import annotations

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.rules import expose
from lightbulb.grants import exports
from lightbulb.grants import rules as grants_rules
from lightbulb.grants.rules import can_read_grants
from lightbulb.grants.selectors import grants_running, organisation_other_funders


def register() -> None:
    expose("grants", grants_rules)
    exports.register()
    registry.organisation_sections["other_funders"] = organisation_other_funders
    # Cross-referencing (engagement's "same purpose funded twice") reads confirmed grants through this.
    registry.other_funding["grants"] = grants_running
    registry.add_nav(NavItem(label="Other funders", url_name="grants:grant_list", permission=can_read_grants, order=45, prefix="/grants/"))
