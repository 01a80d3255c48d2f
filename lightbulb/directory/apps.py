from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "lightbulb.directory"
    label = "directory"
    verbose_name = "Services organisations offer, for Open Referral UK"

    def ready(self) -> None:
        from lightbulb.directory import registrations

        registrations.register()
