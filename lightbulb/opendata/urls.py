from django.urls import URLPattern, URLResolver, path

from lightbulb.opendata import openreferral_views as oruk
from lightbulb.opendata import views

app_name = "opendata"

urlpatterns: list[URLPattern | URLResolver] = [
    path("open-data/", views.index, name="index"),
    path("open-data/360giving/grants.json", views.download, {"name": "360giving/grants.json"}, name="threesixty_json"),
    path("open-data/360giving/grants.csv", views.download, {"name": "360giving/grants.csv"}, name="threesixty_csv"),
    path("open-data/transparency/vcse-grants.csv", views.download, {"name": "transparency/vcse-grants.csv"}, name="transparency_grants"),
    path("open-data/transparency/contracts.csv", views.download, {"name": "transparency/contracts.csv"}, name="transparency_contracts"),
    path("open-data/transparency/fraud.csv", views.download, {"name": "transparency/fraud.csv"}, name="transparency_fraud"),
    path("open-data/ocds/releases.json", views.download, {"name": "ocds/releases.json"}, name="ocds_releases"),
    # Open Referral UK: the profile's own paths, without trailing slashes.
    path("openreferral/", oruk.index, name="openreferral_index"),
    path("openreferral/services", oruk.services, name="openreferral_services"),
    path("openreferral/services/<str:id>", oruk.service, name="openreferral_service"),
    path("openreferral/service_at_locations", oruk.service_at_locations, name="openreferral_service_at_locations"),
    path("openreferral/service_at_locations/<str:id>", oruk.service_at_location, name="openreferral_service_at_location"),
    path("openreferral/taxonomies", oruk.taxonomies, name="openreferral_taxonomies"),
    path("openreferral/taxonomies/<str:id>", oruk.taxonomy, name="openreferral_taxonomy"),
    path("openreferral/taxonomy_terms", oruk.taxonomy_terms, name="openreferral_taxonomy_terms"),
    path("openreferral/taxonomy_terms/<str:id>", oruk.taxonomy_term, name="openreferral_taxonomy_term"),
]
