"""Objects for the API routes: a token an administrator issued."""

from __future__ import annotations

from tests.security.world import BUILDERS, World


def _api_objects(world: World) -> None:
    from lightbulb.api import services

    token, _raw = services.api_token_issue(acting_user=world.users["admin"], name="Matrix partner", scopes=["register"])
    world.extra["api_token"] = token


BUILDERS.append(_api_objects)
