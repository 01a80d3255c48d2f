"""Objects for the directory and Open Referral UK routes: a published service of the `vcs` user's organisation with a place and opening times."""

from __future__ import annotations

from tests.security.world import BUILDERS, World


def _directory_objects(world: World) -> None:
    from lightbulb.directory.models import Taxonomy
    from tests.directory.factories import ServiceFactory, ServiceLocationFactory, ServiceScheduleFactory, term

    service = ServiceFactory(organisation=world.organisation, name="Matrix lunch club", publish=True)
    service.terms.add(term("food"))
    world.extra["directory_service"] = service
    world.extra["directory_location"] = ServiceLocationFactory(service=service, name="Matrix hall", latitude="52.486243", longitude="-1.890401")
    world.extra["directory_schedule"] = ServiceScheduleFactory(service=service)
    world.extra["taxonomy_term"] = term("food")
    world.extra["taxonomy"] = Taxonomy.objects.get(name="Lightbulb service types")


BUILDERS.append(_directory_objects)
