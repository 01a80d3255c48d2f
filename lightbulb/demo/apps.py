from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lightbulb.demo"
    label = "demo"
    verbose_name = "Demo council"
