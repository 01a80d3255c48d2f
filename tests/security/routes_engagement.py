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
    "engagement:ward_pack": Route(only(*READERS), kwargs=lambda w: {"pk": w.extra["ward"].pk}),
    "engagement:ward_pack_pdf": Route(only(*READERS), kwargs=lambda w: {"pk": w.extra["ward"].pk}),
    "engagement:pack_all": Route(only(*READERS)),
    # A build is followed and downloaded by whoever asked for it (the councillor here): others who read packs get 404.
    "engagement:pack_progress": Route(only(*READERS, others=403) | {"officer": 404, "investigator": 404}, kwargs=lambda w: {"pk": w.extra["pack_build"].pk}),
    "engagement:pack_download": Route(only(*READERS, others=403) | {"officer": 404, "investigator": 404}, kwargs=lambda w: {"pk": w.extra["pack_build"].pk}),
    "engagement:boundaries_import": Route(only("officer", "admin")),
    "engagement:health_sector": Route(only(*READERS)),
    "engagement:health_organisation": Route(only(*READERS), kwargs=lambda w: {"pk": w.organisation.pk}),
}
