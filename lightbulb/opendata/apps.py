from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "lightbulb.opendata"
    label = "opendata"
    verbose_name = "Open data in the sector's standards"

    def ready(self) -> None:
        from lightbulb.opendata import registrations

        registrations.register()
