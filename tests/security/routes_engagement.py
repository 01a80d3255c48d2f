"""Permission-matrix rows for the engagement log, flags, relationship health, surveys and ward briefing packs."""

from __future__ import annotations

from tests.security.routes import Route, only

READERS = ("officer", "councillor", "investigator")

ROUTES: dict[str, Route] = {
    "engagement:engagement_list": Route(only(*READERS)),
    "engagement:engagement_create": Route(only("officer")),
    "engagement:engagement_detail": Route(only(*READERS), kwargs=lambda w: {"pk": w.extra["engagement"].pk}),
    "engagement:engagement_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["engagement"].pk}),
    "engagement:action_add": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["engagement"].pk}),
    # The action's owner (the councillor here) or any officer.
    "engagement:action_complete": Route(only("officer", "councillor"), kwargs=lambda w: {"pk": w.extra["follow_up_action"].pk}),
    "engagement:theme_list": Route(only("officer")),
    "engagement:theme_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["theme"].pk}),
    "engagement:flag_list": Route(only(*READERS)),
    "engagement:flag_detail": Route(only(*READERS), kwargs=lambda w: {"pk": w.extra["flag"].pk}),
    "engagement:flag_dismiss": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["flag"].pk}),
    "engagement:flags_recompute": Route(only("officer", ok=405)),
}
