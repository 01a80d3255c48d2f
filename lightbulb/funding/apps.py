from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "lightbulb.funding"
    label = "funding"
    verbose_name = "Commissioning and funding"

    def ready(self) -> None:
        from lightbulb.funding import navigation  # noqa: F401

        # Dashboard panels, deadlines, the daily digest duty and the returns/payments navigation.
        from lightbulb.funding.views import dashboard  # noqa: F401
