from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "lightbulb.places"
    label = "places"
    verbose_name = "Places"

    def ready(self) -> None:
        from lightbulb.places import registrations

        registrations.register()
