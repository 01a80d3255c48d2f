from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "lightbulb.funding"
    label = "funding"
    verbose_name = "Commissioning and funding"

    def ready(self) -> None:
        from lightbulb.funding import registrations

        registrations.register()
