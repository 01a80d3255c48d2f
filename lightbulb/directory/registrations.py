"""What directory adds to shared pages; called once from DirectoryConfig.ready()."""

from __future__ import annotations

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.rules import expose


def register() -> None:
    from lightbulb.directory import rules, selectors

    expose("directory", rules)
    registry.add_nav(
        NavItem(label="Services directory", url_name="directory:service_list", permission=rules.can_read_directory, order=58, prefix="/directory/")
    )
    registry.organisation_sections["directory_services"] = selectors.organisation_services
