"""The trigger functions find their tables whatever search_path the writer has (a DBA's session, pg_restore's empty one)."""

from django.db import migrations

from lightbulb.core.tallies import keep_search_path


def forwards(apps, schema_editor) -> None:
    keep_search_path(schema_editor, "engagement_openflagtally_keep")


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0009_open_flag_tally"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
