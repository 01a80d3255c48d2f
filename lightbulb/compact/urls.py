from django.urls import path

from lightbulb.compact import views

app_name = "compact"

urlpatterns = [
    path("", views.compact_page, name="compact"),
    path("create", views.compact_create_default, name="create_default"),
    path("manage", views.compact_manage, name="manage"),
    path("commitments/add", views.commitment_add, name="commitment_add"),
    path("commitments/<int:pk>/edit", views.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/move", views.commitment_move, name="commitment_move"),
    path("commitments/<int:pk>/remove", views.commitment_remove, name="commitment_remove"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/add", views.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/edit", views.consultation_edit, name="consultation_edit"),
    path("consultations/<int:pk>/invite", views.consultation_invite, name="consultation_invite"),
    path("consultations/<int:pk>/summary", views.consultation_summary, name="consultation_summary"),
    path("public/consultations/", views.public_consultations, name="public_consultations"),
    path("public/consultations/<int:pk>/", views.public_consultation, name="public_consultation"),
    path("portal/consultations/", views.portal_consultations, name="portal_consultations"),
    path("portal/consultations/<int:pk>/<int:organisation_pk>/respond", views.portal_consultation_respond, name="portal_consultation_respond"),
]
