from django.urls import path

from lightbulb.engagement.views import flags, health, log, wards

app_name = "engagement"

urlpatterns = [
    path("", log.engagement_list, name="engagement_list"),
    path("log", log.engagement_create, name="engagement_create"),
    path("<int:pk>/", log.engagement_detail, name="engagement_detail"),
    path("<int:pk>/edit", log.engagement_edit, name="engagement_edit"),
    path("<int:pk>/actions/add", log.action_add, name="action_add"),
    path("actions/<int:pk>/done", log.action_complete, name="action_complete"),
    path("themes/", log.theme_list, name="theme_list"),
    path("themes/<int:pk>/edit", log.theme_edit, name="theme_edit"),
    path("flags/", flags.flag_list, name="flag_list"),
    path("flags/recompute", flags.flags_recompute, name="flags_recompute"),
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
]
