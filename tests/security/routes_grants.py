"""Permission-matrix rows for other funders' grants: read as the register is read; officers review matches."""

from __future__ import annotations

from tests.security.routes import REGISTER_READERS, Route, only

ROUTES: dict[str, Route] = {
    "grants:grant_list": Route(only(*REGISTER_READERS)),
    "grants:grant_detail": Route(only(*REGISTER_READERS), kwargs=lambda w: {"pk": w.extra["grant"].pk}),
    "grants:grant_match": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["grant"].pk}),
    "grants:grant_choose": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["grant"].pk}),
}
