"""Permission-matrix rows for the engagement log, flags, relationship health, surveys and ward briefing packs."""

from __future__ import annotations

from tests.security.routes import Route, only

READERS = ("officer", "councillor", "investigator")

ROUTES: dict[str, Route] = {
    "engagement:engagement_list": Route(only(*READERS)),
    "engagement:engagement_create": Route(only("officer")),
    "engagement:engagement_detail": Route(only(*READERS), kwargs=lambda w: {"pk": w.extra["engagement"].pk}),
    # The engagement form's councillor picker's JSON search: for those who record engagements.
    "engagement:councillor_pick": Route(only("officer")),
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
    # The thresholds flags are raised at are a setting: administrators keep them.
    "engagement:flag_thresholds": Route(only("admin")),
    # Surveys: officers write, send and close them and record answers on an organisation's behalf; readers see the results.
    "engagement:survey_list": Route(only(*READERS)),
    "engagement:survey_create": Route(only("officer")),
    "engagement:survey_detail": Route(only(*READERS), kwargs=lambda w: {"pk": w.extra["survey"].pk}),
    "engagement:survey_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["survey"].pk}),
    "engagement:survey_question_add": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["draft_survey"].pk}),
    "engagement:survey_question_remove": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["draft_question"].pk}),
    "engagement:survey_send": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["survey"].pk}),
    "engagement:survey_close": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["survey"].pk}),
    "engagement:survey_results": Route(only(*READERS), kwargs=lambda w: {"pk": w.extra["survey"].pk}),
    "engagement:survey_record": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["survey"].pk, "organisation_pk": w.organisation.pk}),
    # A member answers for their own organisation only: a member of another organisation finds no such survey.
    "engagement:portal_surveys": Route(only("vcs")),
    "engagement:portal_survey_answer": Route(
        {**only("vcs"), "vcs_other": 404}, kwargs=lambda w: {"pk": w.extra["survey"].pk, "organisation_pk": w.organisation.pk}
    ),
}
