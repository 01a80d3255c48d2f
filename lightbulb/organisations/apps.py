from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "lightbulb.organisations"
    label = "organisations"
    verbose_name = "Organisation register"

    def ready(self) -> None:
        from lightbulb.organisations import registrations

        registrations.register()
