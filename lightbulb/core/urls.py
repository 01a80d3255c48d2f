from django.urls import path

from lightbulb.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
    path("letters/<int:pk>.pdf", views.message_letter, name="message_letter"),
    # A list page's CSV or XLSX, written in the background (core.exports).
    path("downloads/", views.export_start, name="export_start"),
    path("downloads/<int:pk>/", views.export_detail, name="export_detail"),
    path("downloads/<int:pk>/progress", views.export_progress, name="export_progress"),
    path("downloads/<int:pk>/download", views.export_download, name="export_download"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/reset", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # The calendar's addresses while it lived in funding. People's calendar apps are
    # subscribed to the old feed address, so it keeps serving the same feed.
    path("funding/calendar/", views.legacy_calendar, name="legacy_calendar"),
    path("funding/calendar/<str:token>.ics", views.calendar_feed, name="legacy_calendar_feed"),
]
