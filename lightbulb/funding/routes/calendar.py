from django.urls import path

from lightbulb.funding.views import calendar

urlpatterns = [
    path("calendar/", calendar.calendar_settings, name="calendar"),
    path("calendar/reset", calendar.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
