"""The one settings row exists from the start, so two first concerns never race to create it."""

from django.db import migrations


def create_row(apps, schema_editor):
    settings = apps.get_model("concerns", "ConcernSettings")
    if not settings.objects.exists():
        settings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
