"""Permission-matrix rows for imports: administrators and council officers run them."""

from __future__ import annotations

from tests.security.routes import Route, only

RUNNERS = ("admin", "officer")

ROUTES: dict[str, Route] = {
    "imports:run_list": Route(only(*RUNNERS)),
    "imports:upload": Route(only(*RUNNERS)),
    "imports:run_detail": Route(only(*RUNNERS), kwargs=lambda w: {"pk": w.extra["import_run"].pk}),
    "imports:run_progress": Route(only(*RUNNERS), kwargs=lambda w: {"pk": w.extra["import_run"].pk}),
    "imports:run_mapping": Route(only(*RUNNERS), kwargs=lambda w: {"pk": w.extra["mapping_run"].pk}),
    "imports:run_rejected_csv": Route(only(*RUNNERS), kwargs=lambda w: {"pk": w.extra["import_run"].pk}),
}
