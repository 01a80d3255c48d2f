from django.urls import path

from lightbulb.grants import views

app_name = "grants"

urlpatterns = [
    path("", views.grant_list, name="grant_list"),
    path("<int:pk>/", views.grant_detail, name="grant_detail"),
    path("<int:pk>/match", views.grant_match, name="grant_match"),
    path("<int:pk>/choose", views.grant_choose, name="grant_choose"),
]
