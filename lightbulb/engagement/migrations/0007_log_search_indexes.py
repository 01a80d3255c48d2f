"""The engagement log at 100,000 records: its default order (newest first, then by number) read from one index,
and, on PostgreSQL, its search of titles and notes (`icontains`, which PostgreSQL writes as
`UPPER(column::text) LIKE UPPER('%text%')`) served by pg_trgm GIN indexes on those same expressions; and its filter by
kind (page and count) from an index of its own."""

from django.db import migrations, models

POSTGRES_INDEXES = [
    # engagement_list(q=...): title__icontains.
    ("engagement_title_trgm", "USING gin (upper((title)::text) gin_trgm_ops)"),
    # engagement_list(q=...): notes__icontains.
    ("engagement_notes_trgm", "USING gin (upper(notes) gin_trgm_ops)"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("engagement", "Engagement")._meta.db_table
    for name, definition in POSTGRES_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in POSTGRES_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0006_survey_version"),
        # pg_trgm is created there (and never dropped by undoing this one).
        ("organisations", "0004_search_key"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="engagement", name="engagement_held_idx"),
        migrations.AddIndex(
            model_name="engagement",
            index=models.Index(fields=["-held_on", "-id"], name="engagement_held_id_idx"),
        ),
        migrations.AddIndex(
            model_name="engagement",
            index=models.Index(fields=["kind", "-held_on", "-id"], name="engagement_kind_held_idx"),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
