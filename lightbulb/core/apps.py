from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lightbulb.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from lightbulb.core import registrations

        registrations.register()
