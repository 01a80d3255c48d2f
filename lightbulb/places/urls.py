from django.urls import path

from lightbulb.places import views

app_name = "places"

urlpatterns = [
    path("wards/", views.ward_list, name="ward_list"),
    path("wards/add", views.ward_create, name="ward_create"),
    path("wards/<int:pk>/", views.ward_detail, name="ward_detail"),
    path("wards/<int:pk>/edit", views.ward_edit, name="ward_edit"),
    path("wards/<int:pk>/history", views.ward_history, name="ward_history"),
    path("councillors/", views.councillor_list, name="councillor_list"),
    path("councillors/add", views.councillor_create, name="councillor_create"),
    path("councillors/<int:pk>/edit", views.councillor_edit, name="councillor_edit"),
    path("councillors/<int:pk>/history", views.councillor_history, name="councillor_history"),
    path("localities/", views.locality_list, name="locality_list"),
    path("localities/add", views.locality_create, name="locality_create"),
    path("localities/<int:pk>/edit", views.locality_edit, name="locality_edit"),
    path("localities/<int:pk>/history", views.locality_history, name="locality_history"),
    path("council", views.council_settings, name="council_settings"),
    path("postcode", views.postcode_lookup, name="postcode_lookup"),
]
