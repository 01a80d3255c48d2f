from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "lightbulb.imports"
    label = "imports"
    verbose_name = "Imports"
