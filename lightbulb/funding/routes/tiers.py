from django.urls import path

from lightbulb.funding.views import tiers as views

urlpatterns = [
    path("settings/tiers/", views.tier_list, name="tier_list"),
    path("settings/tiers/add/", views.tier_create, name="tier_create"),
    path("settings/tiers/<int:pk>/edit/", views.tier_edit, name="tier_edit"),
]
