"""Permission-matrix rows for concerns, counter-fraud figures and the risk register.

No officer, councillor, administrator, council staff member or organisation reaches a concern:
every concern page is for investigators only. Anyone raises one: council staff in the product,
members in the portal, the public from the public page.
"""

from __future__ import annotations

from tests.security.routes import Route, everyone, only

COUNCIL = ("officer", "councillor", "investigator", "admin", "staff")
INVESTIGATOR = only("investigator")


def _concern(world):
    return {"pk": world.extra["concern"].pk}


ROUTES: dict[str, Route] = {
    "concerns:list": Route(INVESTIGATOR),
    "concerns:detail": Route(INVESTIGATOR, kwargs=_concern),
    "concerns:triage": Route(INVESTIGATOR, kwargs=_concern),
    "concerns:note": Route(INVESTIGATOR, kwargs=_concern),
    "concerns:evidence_add": Route(INVESTIGATOR, kwargs=_concern),
    "concerns:evidence": Route(INVESTIGATOR, kwargs=lambda w: {"pk": w.extra["concern"].pk, "evidence_pk": w.extra["concern_evidence"].pk}),
    "concerns:step": Route(INVESTIGATOR, kwargs=_concern),
    "concerns:close": Route(INVESTIGATOR, kwargs=_concern),
    "concerns:access_log": Route(INVESTIGATOR),
    "concerns:counter_fraud": Route(INVESTIGATOR),
    "concerns:raise": Route(only(*COUNCIL)),
    "concerns:portal_raise": Route(only("vcs")),
    "concerns:settings": Route(only("admin")),
    "concerns:report": Route(everyone()),
    "concerns:status": Route(everyone()),
    "concerns:risk_list": Route(only("officer", "councillor", "investigator")),
    "concerns:risk_create": Route(only("officer")),
    "concerns:risk_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["risk"].pk}),
    "concerns:risk_appetite": Route(only("officer", "admin"), kwargs=lambda w: {"area": "financial"}),
}
