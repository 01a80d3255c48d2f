from django.urls import path

from lightbulb.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("upload", views.upload, name="upload"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/progress", views.run_progress, name="run_progress"),
]
