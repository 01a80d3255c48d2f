"""Portal routes, mounted under /organisations/portal/ in the "organisations" namespace.

No app_name here: names are prefixed `portal_` (vcs users) and `claims_` /
`profile_change` (officers) so they sit beside the register's own names.
"""

from django.urls import path

from lightbulb.organisations.portal import views

urlpatterns = [
    path("", views.portal_home, name="portal_home"),
    path("find", views.portal_claim_start, name="portal_claim_start"),
    path("claim/<int:pk>", views.portal_claim, name="portal_claim"),
    path("propose", views.portal_propose, name="portal_propose"),
    path("propose/check", views.portal_propose_check, name="portal_propose_check"),
    path("organisation/<int:pk>/", views.portal_organisation, name="portal_organisation"),
    path("organisation/<int:pk>/edit", views.portal_profile_edit, name="portal_profile_edit"),
    path("claims/", views.claims_list, name="claims_list"),
    path("claims/<int:pk>/", views.claims_detail, name="claims_detail"),
    path("claims/<int:pk>/decide", views.claims_decide, name="claims_decide"),
    path("profile-changes/", views.profile_changes, name="profile_changes"),
    path("profile-changes/<int:pk>/review", views.profile_change_review, name="profile_change_review"),
]
