from django.urls import URLPattern, URLResolver, path

from lightbulb.concerns import risk_views, views

app_name = "concerns"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.concern_list, name="list"),
    path("raise", views.concern_raise, name="raise"),
    path("report", views.public_report, name="report"),
    path("report/status", views.public_status, name="status"),
    path("portal/raise", views.portal_raise, name="portal_raise"),
    path("settings", views.concern_settings, name="settings"),
    path("access-log", views.access_log, name="access_log"),
    path("counter-fraud", views.counter_fraud, name="counter_fraud"),
    path("<int:pk>/", views.concern_detail, name="detail"),
    path("<int:pk>/triage", views.concern_triage, name="triage"),
    path("<int:pk>/note", views.concern_note, name="note"),
    path("<int:pk>/evidence", views.concern_evidence_add, name="evidence_add"),
    path("<int:pk>/evidence/<int:evidence_pk>", views.concern_evidence, name="evidence"),
    path("<int:pk>/step", views.concern_step, name="step"),
    path("<int:pk>/close", views.concern_close, name="close"),
    path("risks/", risk_views.risk_list, name="risk_list"),
    path("risks/add", risk_views.risk_create, name="risk_create"),
    path("risks/<int:pk>/edit", risk_views.risk_edit, name="risk_edit"),
    path("risks/appetite/<slug:area>", risk_views.risk_appetite, name="risk_appetite"),
]
