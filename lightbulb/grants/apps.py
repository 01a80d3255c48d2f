from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "lightbulb.grants"
    label = "grants"
    verbose_name = "Other funders' grants, as published in 360Giving files"

    def ready(self) -> None:
        from lightbulb.grants import registrations

        registrations.register()
