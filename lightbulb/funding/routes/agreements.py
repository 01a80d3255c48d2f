from django.urls import path

from lightbulb.funding.routes import tiers
from lightbulb.funding.views import agreements as views
from lightbulb.funding.views import variations

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/spend/", views.spend, name="spend"),
    path("agreements/add/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/history/", views.agreement_history, name="agreement_history"),
    path("agreements/<int:pk>/move/", views.agreement_transition, name="agreement_transition"),
    path("agreements/<int:pk>/vary/", variations.agreement_vary_page, name="agreement_vary"),
    path("agreements/<int:pk>/conditions/add/", views.condition_add, name="condition_add"),
    path("agreements/<int:pk>/conditions/<int:condition_pk>/edit/", views.condition_edit, name="condition_edit"),
    path("agreements/<int:pk>/conditions/<int:condition_pk>/remove/", views.condition_remove, name="condition_remove"),
    path("agreements/<int:pk>/due-diligence/", views.due_diligence, name="due_diligence"),
    # Tier settings live with agreements: the tiers decide what an award needs.
    *tiers.urlpatterns,
]
