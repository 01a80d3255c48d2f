"""Objects for the concerns routes: a concern under investigation with evidence, and a risk."""

from __future__ import annotations

from tests.security.world import BUILDERS, World


def _concern_objects(world: World) -> None:
    from django.core.files.base import ContentFile

    from lightbulb.concerns.models import Evidence
    from tests.concerns.factories import ConcernFactory, RiskFactory

    concern = ConcernFactory(organisation=world.organisation, status="investigating", investigated=True, investigator=world.users["investigator"])
    evidence = Evidence(
        concern=concern,
        original_name="statement.csv",
        content_type="text/csv",
        size=5,
        description="Matrix statement",
        uploaded_by=world.users["investigator"],
    )
    evidence.file.save("statement.csv", ContentFile(b"hello"), save=False)
    evidence.save()
    world.extra["concern"] = concern
    world.extra["concern_evidence"] = evidence
    world.extra["risk"] = RiskFactory(owner=world.users["officer"])


BUILDERS.append(_concern_objects)
