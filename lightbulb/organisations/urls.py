import importlib.util

from django.urls import URLPattern, URLResolver, include, path

from lightbulb.organisations import views

app_name = "organisations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.organisation_list, name="list"),
    path("pick", views.organisation_pick, name="pick"),
    path("wards/pick", views.ward_pick, name="ward_pick"),
    path("add", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit", views.organisation_edit, name="edit"),
    path("<int:pk>/history", views.organisation_history, name="history"),
    path("<int:pk>/archive", views.organisation_archive, name="archive"),
    path("<int:pk>/identifiers/add", views.identifier_add, name="identifier_add"),
    path("<int:pk>/identifiers/<int:identifier_pk>/remove", views.identifier_remove, name="identifier_remove"),
    path("<int:pk>/contacts/add", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/edit", views.contact_edit, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_pk>/erase", views.contact_erase, name="contact_erase"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/<int:first>/<int:second>/dismiss", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("duplicates/<int:first>/<int:second>/merge", views.organisation_merge, name="merge"),
    path("merges/<int:pk>/undo", views.merge_undo, name="merge_undo"),
    path("areas-of-work/", views.area_list, name="areas"),
    path("areas-of-work/<int:pk>/edit", views.area_edit, name="area_edit"),
]

# ---- The VCS portal (claims and self-service profile) -------------------------------------
# Its routes live in lightbulb/organisations/portal/urls.py (no app_name of its own, so its
# names join this namespace, e.g. "organisations:portal_claim_start"). Mounted once it exists.
if importlib.util.find_spec("lightbulb.organisations.portal") is not None and importlib.util.find_spec("lightbulb.organisations.portal.urls") is not None:
    urlpatterns.append(path("portal/", include("lightbulb.organisations.portal.urls")))
