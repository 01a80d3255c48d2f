"""The trigger functions find their tables whatever search_path the writer has (a DBA's session, pg_restore's empty one)."""

from django.db import migrations

from lightbulb.core.tallies import keep_search_path


def forwards(apps, schema_editor) -> None:
    keep_search_path(schema_editor, "organisations_search_word_add", "organisations_areaofworktally_keep")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0010_live_register_indexes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
