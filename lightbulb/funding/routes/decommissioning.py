from django.urls import path

from lightbulb.funding.views import decommissioning as views

urlpatterns = [
    path("agreements/<int:pk>/decommission/reasons", views.decommission_reasons, name="decommission_reasons"),
    path("agreements/<int:pk>/decommission/impact", views.decommission_impact, name="decommission_impact"),
    path("agreements/<int:pk>/decommission/exit-plan", views.decommission_exit, name="decommission_exit"),
    path("agreements/<int:pk>/decommission/notice", views.decommission_notice, name="decommission_notice"),
    path("agreements/<int:pk>/decommission/check", views.decommission_check, name="decommission_check"),
    path("decommissionings/<int:pk>/", views.decommissioning_detail, name="decommissioning_detail"),
    path("decommissionings/<int:pk>/response", views.decommissioning_record_response, name="decommissioning_record_response"),
    path("decommissionings/<int:pk>/response.letter", views.decommissioning_response_letter, name="decommissioning_response_letter"),
    path("decommissionings/<int:pk>/consider", views.decommissioning_consider, name="decommissioning_consider"),
    path("decommissionings/<int:pk>/complete", views.decommissioning_complete, name="decommissioning_complete"),
    path("decommissionings/<int:pk>/history", views.decommissioning_history, name="decommissioning_history"),
    path("decommissionings/<int:pk>/notice.pdf", views.decommissioning_notice_pdf, name="decommissioning_notice_pdf"),
    path("portal/notices/", views.portal_notices, name="portal_notices"),
    path("portal/notices/<int:pk>/", views.portal_notice, name="portal_notice"),
]
