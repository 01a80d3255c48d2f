"""Permission-matrix rows for the REST API: the token is the credential, so a session (any role) is not enough;
administrators keep the tokens; the description and its documentation are for anyone."""

from __future__ import annotations

from tests.security.routes import LOGIN, Route, everyone, only


def _token(world):
    return {"pk": world.extra["api_token"].pk}


ROUTES: dict[str, Route] = {
    "api:docs": Route(everyone()),
    "api:rest:openapi-json": Route(everyone()),
    "api:rest:api-root": Route(everyone(404)),
    "api:rest:organisation_list": Route(everyone(401)),
    "api:rest:organisation_detail": Route(everyone(401), kwargs=lambda w: {"organisation_id": w.organisation.pk}),
    "api:rest:agreement_list": Route(everyone(401)),
    "api:rest:grant_list": Route(everyone(401)),
    "api:rest:open_data_files": Route(everyone(401)),
    "api:token_list": Route(only("admin")),
    "api:token_detail": Route(only("admin"), kwargs=_token),
    "api:token_revoke": Route({**only("admin", ok=405), "anon": LOGIN}, kwargs=_token),
}
