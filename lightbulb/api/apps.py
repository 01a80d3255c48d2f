from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lightbulb.api"
    label = "api"
    verbose_name = "The REST API"

    def ready(self) -> None:
        from lightbulb.api import registrations

        registrations.register()
