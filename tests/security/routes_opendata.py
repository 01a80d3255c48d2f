"""Permission-matrix rows for the open-data pages and files: public, whoever asks."""

from __future__ import annotations

from tests.security.routes import Route, everyone

ROUTES: dict[str, Route] = {
    "opendata:index": Route(everyone()),
    "opendata:threesixty_json": Route(everyone()),
    "opendata:threesixty_csv": Route(everyone()),
    "opendata:transparency_grants": Route(everyone()),
    "opendata:transparency_contracts": Route(everyone()),
    "opendata:transparency_fraud": Route(everyone()),
}
