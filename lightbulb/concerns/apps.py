from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "lightbulb.concerns"
    label = "concerns"
    verbose_name = "Concerns, counter-fraud and the risk register"

    def ready(self) -> None:
        from lightbulb.concerns import registrations

        registrations.register()
