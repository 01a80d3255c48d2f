"""The ward page asks which engagements had an organisation based in the ward: the links of a hundred or so
organisations. Django's index on the link table's organisation column makes PostgreSQL visit the table for each link
(and at 200,000 links it chose to read the whole table instead); an index on (organisation, engagement) answers from
the index alone. The link table is Django's own for `Engagement.organisations`, so the index is made by SQL, on
SQLite and PostgreSQL alike."""

from django.db import migrations

NAME = "engagement_link_organisation_idx"


def create_index(apps, schema_editor):
    table = apps.get_model("engagement", "Engagement").organisations.through._meta.db_table
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON {table} (organisation_id, engagement_id)")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("engagement", "0007_log_search_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
