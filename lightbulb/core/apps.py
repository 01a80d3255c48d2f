from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lightbulb.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # HomeVisit lives beside the code that uses it rather than in models.py.
        from django.db.models.signals import post_migrate

        from lightbulb.core import lookups, page_cache, registrations, visits  # noqa: F401

        registrations.register()
        lookups.register()
        # Every table a migration adds is watched for the kept pages' data generation.
        post_migrate.connect(page_cache.after_migrate, sender=self, dispatch_uid="lightbulb-page-cache-install")
