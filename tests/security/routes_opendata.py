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
    "opendata:ocds_releases": Route(everyone()),
    # Open Referral UK: what organisations agreed to publish, for anyone.
    "opendata:openreferral_index": Route(everyone()),
    "opendata:openreferral_services": Route(everyone()),
    "opendata:openreferral_service": Route(everyone(), kwargs=lambda w: {"id": str(w.extra["directory_service"].uuid)}),
    "opendata:openreferral_service_at_locations": Route(everyone()),
    "opendata:openreferral_service_at_location": Route(everyone(), kwargs=lambda w: {"id": str(w.extra["directory_location"].link_uuid)}),
    "opendata:openreferral_taxonomies": Route(everyone()),
    "opendata:openreferral_taxonomy": Route(everyone(), kwargs=lambda w: {"id": str(w.extra["taxonomy"].uuid)}),
    "opendata:openreferral_taxonomy_terms": Route(everyone()),
    "opendata:openreferral_taxonomy_term": Route(everyone(), kwargs=lambda w: {"id": str(w.extra["taxonomy_term"].uuid)}),
}
