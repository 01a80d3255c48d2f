from django.urls import URLPattern

app_name = "compact"

urlpatterns: list[URLPattern] = []
