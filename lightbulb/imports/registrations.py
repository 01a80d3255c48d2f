"""The sources that ship with Lightbulb and the imports navigation; called once from ImportsConfig.ready()."""

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.rules import expose
from lightbulb.imports import exports, panels, sources, tasks
from lightbulb.imports import rules as imports_rules
from lightbulb.imports.rules import can_run_imports
from lightbulb.imports.sources.boundaries import WardBoundaries
from lightbulb.imports.sources.charity_register import CharityRegister
from lightbulb.imports.sources.charity_register_tables import CharityAnnualReturns, CharityAreasOfOperation, CharityTrustees
from lightbulb.imports.sources.postcodes import PostcodeLookup
from lightbulb.imports.sources.spend import Spend, SupplierList
from lightbulb.imports.sources.threesixty import ThreeSixtyGiving
from lightbulb.imports.sources.wards import WardList


def register() -> None:
    expose("imports", imports_rules)
    exports.register()
    for importer in (
        PostcodeLookup,
        WardList,
        WardBoundaries,
        ThreeSixtyGiving,
        CharityRegister,
        CharityAnnualReturns,
        CharityAreasOfOperation,
        CharityTrustees,
        SupplierList,
        Spend,
    ):
        sources.register(importer)
    registry.dashboard_panels["imports_failed"] = panels.failed_imports_panel
    registry.daily_duties["imports_sweep_abandoned"] = tasks.sweep_daily_enqueue
    registry.add_nav(NavItem(label="Imports", url_name="imports:run_list", permission=can_run_imports, order=85, prefix="/imports/"))
