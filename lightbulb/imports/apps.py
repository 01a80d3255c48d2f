from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "lightbulb.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from lightbulb.imports import registrations

        registrations.register()
