from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lightbulb.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # HomeVisit lives beside the code that uses it rather than in models.py.
        from lightbulb.core import lookups, registrations, visits  # noqa: F401

        registrations.register()
        lookups.register()
