"""What places adds to shared pages; called once from PlacesConfig.ready()."""

from lightbulb.core.registry import NavItem, registry
from lightbulb.core.rules import expose
from lightbulb.places import exports
from lightbulb.places import rules as places_rules
from lightbulb.places.rules import can_read_places


def register() -> None:
    expose("places", places_rules)
    registry.add_nav(NavItem(label="Wards", url_name="places:ward_list", permission=can_read_places, order=30, prefix="/places/"))
    exports.register()
