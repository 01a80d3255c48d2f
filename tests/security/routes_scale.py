"""Permission-matrix rows for the pickers' JSON search endpoints."""

from __future__ import annotations

from tests.security.routes import REGISTER_READERS, Route, only

ROUTES: dict[str, Route] = {
    "organisations:pick": Route(only(*REGISTER_READERS)),
    "organisations:ward_pick": Route(only(*REGISTER_READERS)),
}
