"""Permission-matrix rows for the lists' downloads (core.exports).

Any signed-in person may press a list's download button (the service then asks the list's own
predicate); a finished file is followed and downloaded only by whoever asked for it (the officer
here): everyone else finds no such download.
"""

from __future__ import annotations

from tests.security.routes import ALL, LOGIN, Route, signed_in

ONLY_THE_REQUESTER = {"anon": LOGIN, **dict.fromkeys(ALL[1:], 404), "officer": 200}

ROUTES: dict[str, Route] = {
    "core:export_start": Route(signed_in(405)),
    "core:export_detail": Route(ONLY_THE_REQUESTER, kwargs=lambda w: {"pk": w.extra["export_job"].pk}),
    "core:export_progress": Route(ONLY_THE_REQUESTER, kwargs=lambda w: {"pk": w.extra["export_job"].pk}),
    "core:export_download": Route(ONLY_THE_REQUESTER, kwargs=lambda w: {"pk": w.extra["export_job"].pk}),
}
