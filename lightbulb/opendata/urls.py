from django.urls import URLPattern, URLResolver, path

from lightbulb.opendata import views

app_name = "opendata"

urlpatterns: list[URLPattern | URLResolver] = [
    path("open-data/", views.index, name="index"),
    path("open-data/360giving/grants.json", views.download, {"name": "360giving/grants.json"}, name="threesixty_json"),
    path("open-data/360giving/grants.csv", views.download, {"name": "360giving/grants.csv"}, name="threesixty_csv"),
    path("open-data/transparency/vcse-grants.csv", views.download, {"name": "transparency/vcse-grants.csv"}, name="transparency_grants"),
    path("open-data/transparency/contracts.csv", views.download, {"name": "transparency/contracts.csv"}, name="transparency_contracts"),
    path("open-data/transparency/fraud.csv", views.download, {"name": "transparency/fraud.csv"}, name="transparency_fraud"),
]
