from django.urls import path

from lightbulb.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("upload", views.upload, name="upload"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/progress", views.run_progress, name="run_progress"),
    path("<int:pk>/columns", views.run_mapping, name="run_mapping"),
    path("<int:pk>/rejected.csv", views.run_rejected_csv, name="run_rejected_csv"),
]
