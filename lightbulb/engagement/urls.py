from django.urls import path

from lightbulb.engagement.views import flags, health, log, surveys, wards

app_name = "engagement"

urlpatterns = [
    path("", log.engagement_list, name="engagement_list"),
    path("log", log.engagement_create, name="engagement_create"),
    path("councillors/pick", log.councillor_pick, name="councillor_pick"),
    path("<int:pk>/", log.engagement_detail, name="engagement_detail"),
    path("<int:pk>/edit", log.engagement_edit, name="engagement_edit"),
    path("<int:pk>/actions/add", log.action_add, name="action_add"),
    path("actions/<int:pk>/done", log.action_complete, name="action_complete"),
    path("themes/", log.theme_list, name="theme_list"),
    path("themes/<int:pk>/edit", log.theme_edit, name="theme_edit"),
    path("flags/", flags.flag_list, name="flag_list"),
    path("flags/recompute", flags.flags_recompute, name="flags_recompute"),
    path("flags/thresholds", flags.flag_thresholds, name="flag_thresholds"),
    path("flags/<int:pk>/", flags.flag_detail, name="flag_detail"),
    path("flags/<int:pk>/dismiss", flags.flag_dismiss, name="flag_dismiss"),
    path("wards/<int:pk>/briefing", wards.ward_pack, name="ward_pack"),
    path("wards/<int:pk>/briefing.pdf", wards.ward_pack_pdf, name="ward_pack_pdf"),
    path("wards/briefing/", wards.pack_all, name="pack_all"),
    path("wards/briefing/<int:pk>/progress", wards.pack_progress, name="pack_progress"),
    path("wards/briefing/<int:pk>/download", wards.pack_download, name="pack_download"),
    path("wards/boundaries", wards.boundaries_import, name="boundaries_import"),
    path("health/", health.health_sector, name="health_sector"),
    path("health/organisations/<int:pk>/", health.health_organisation, name="health_organisation"),
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/write", surveys.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/edit", surveys.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/questions/add", surveys.survey_question_add, name="survey_question_add"),
    path("surveys/questions/<int:pk>/remove", surveys.survey_question_remove, name="survey_question_remove"),
    path("surveys/<int:pk>/send", surveys.survey_send, name="survey_send"),
    path("surveys/<int:pk>/close", surveys.survey_close, name="survey_close"),
    path("surveys/<int:pk>/results", surveys.survey_results, name="survey_results"),
    path("surveys/<int:pk>/organisations/<int:organisation_pk>/record", surveys.survey_record, name="survey_record"),
    path("portal/surveys/", surveys.portal_surveys, name="portal_surveys"),
    path("portal/surveys/<int:pk>/<int:organisation_pk>/answer", surveys.portal_survey_answer, name="portal_survey_answer"),
]
