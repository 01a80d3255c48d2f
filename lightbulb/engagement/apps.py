from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "lightbulb.engagement"
    label = "engagement"
    verbose_name = "Listening and cross-referencing: the engagement log, flags, relationship health and the ward navigator"

    def ready(self) -> None:
        from lightbulb.engagement import registrations

        registrations.register()
