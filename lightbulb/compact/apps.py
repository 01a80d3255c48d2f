from django.apps import AppConfig


class CompactConfig(AppConfig):
    name = "lightbulb.compact"
    label = "compact"
    verbose_name = "The Compact and consultations"

    def ready(self) -> None:
        from lightbulb.compact import registrations

        registrations.register()
