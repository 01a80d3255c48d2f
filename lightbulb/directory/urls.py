from django.urls import URLPattern, URLResolver, path

from lightbulb.directory import views

app_name = "directory"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.service_list, name="service_list"),
    path("wards/pick", views.ward_pick, name="ward_pick"),
    path("organisations/<int:organisation_pk>/new", views.service_create, name="service_create"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/edit", views.service_edit, name="service_edit"),
    path("services/<int:pk>/places/new", views.location_add, name="location_add"),
    path("services/<int:pk>/places/<int:location_pk>/remove", views.location_remove, name="location_remove"),
    path("services/<int:pk>/times/new", views.schedule_add, name="schedule_add"),
    path("services/<int:pk>/times/<int:schedule_pk>/remove", views.schedule_remove, name="schedule_remove"),
]
