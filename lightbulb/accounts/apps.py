from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lightbulb.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from lightbulb.accounts import registrations

        registrations.register()
