"""The ward boundaries action is named after the service that now writes it (ward_boundaries_upsert, the import source's)."""

from django.db import migrations

OLD, NEW = "ward_boundaries_import", "ward_boundaries_upsert"


def forwards(apps, schema_editor):
    apps.get_model("core", "AuditEvent").objects.filter(action=OLD).update(action=NEW)


def backwards(apps, schema_editor):
    apps.get_model("core", "AuditEvent").objects.filter(action=NEW).update(action=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_export_job"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
