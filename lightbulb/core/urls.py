from django.urls import path

from lightbulb.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
    path("letters/<int:pk>.pdf", views.message_letter, name="message_letter"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/reset", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # The calendar's addresses while it lived in funding. People's calendar apps are
    # subscribed to the old feed address, so it keeps serving the same feed.
    path("funding/calendar/", views.legacy_calendar, name="legacy_calendar"),
    path("funding/calendar/<str:token>.ics", views.calendar_feed, name="legacy_calendar_feed"),
]
