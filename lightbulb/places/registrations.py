"""What places adds to shared pages; called once from PlacesConfig.ready()."""

from lightbulb.core.registry import NavItem, registry
from lightbulb.places.rules import can_read_places


def register() -> None:
    registry.add_nav(NavItem(label="Wards", url_name="places:ward_list", permission=can_read_places, order=30, prefix="/places/"))
