"""Permission-matrix rows for the services directory: council readers and organisation members read, officers and members describe."""

from __future__ import annotations

from tests.security.routes import LOGIN, Route, only

READERS = ("officer", "councillor", "investigator", "vcs")


def _service(world):
    return {"pk": world.extra["directory_service"].pk}


# A member of another organisation finds no such service (404), as for any record not theirs.
ROUTES: dict[str, Route] = {
    "directory:service_list": Route(only(*READERS)),
    "directory:service_detail": Route({**only(*READERS), "vcs_other": 404}, kwargs=_service),
    "directory:ward_pick": Route(only("officer", "vcs")),
    "directory:service_create": Route({**only("officer", "vcs"), "vcs_other": 404}, kwargs=lambda w: {"organisation_pk": w.organisation.pk}),
    "directory:service_edit": Route({**only("officer", "vcs"), "vcs_other": 404}, kwargs=_service),
    "directory:location_add": Route({**only("officer", "vcs"), "vcs_other": 404}, kwargs=_service),
    # POST only: those let in are told the method is wrong before anything is looked up.
    "directory:location_remove": Route(
        {**only("officer", "vcs", ok=405), "anon": LOGIN},
        kwargs=lambda w: {"pk": w.extra["directory_service"].pk, "location_pk": w.extra["directory_location"].pk},
    ),
    "directory:schedule_add": Route({**only("officer", "vcs"), "vcs_other": 404}, kwargs=_service),
    "directory:schedule_remove": Route(
        {**only("officer", "vcs", ok=405), "anon": LOGIN},
        kwargs=lambda w: {"pk": w.extra["directory_service"].pk, "schedule_pk": w.extra["directory_schedule"].pk},
    ),
}
