"""Register search at national scale: a search key (names without accents or punctuation) and, on PostgreSQL,
pg_trgm with a full-text index, a trigram index and a postcode prefix index over it."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from lightbulb.organisations.normalise import name_key, search_key

BATCH = 5000

POSTGRES_INDEXES = [
    # Words in any order, each as a prefix: to_tsvector('simple', search_key) @@ 'food:* & bank:*'.
    ("org_search_fts", "USING gin (to_tsvector('simple'::regconfig, search_key))"),
    # Near-misses: 'comunity centre' <% search_key, and word_similarity for the ranking.
    ("org_search_trgm", "USING gin (search_key gin_trgm_ops)"),
    # Postcode prefixes ('AT1', 'AT1 1') in any collation.
    ("org_postcode_prefix", "(postcode varchar_pattern_ops)"),
]


def fill_search_keys(apps, schema_editor):
    """Every record's keys from its names (name keys now ignore accents too)."""
    Organisation = apps.get_model("organisations", "Organisation")
    update = "UPDATE organisations_organisation SET name_key = %s, search_key = %s WHERE id = %s"
    rows = Organisation.objects.order_by("pk").values_list("pk", "name", "other_names")
    with schema_editor.connection.cursor() as cursor:
        batch = []
        for pk, name, other_names in rows.iterator(chunk_size=BATCH):
            batch.append((name_key(name), search_key(name, other_names), pk))
            if len(batch) >= BATCH:
                cursor.executemany(update, batch)
                batch = []
        if batch:
            cursor.executemany(update, batch)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("organisations", "Organisation")._meta.db_table
    for name, definition in POSTGRES_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in POSTGRES_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_record_version"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="organisation",
            name="search_key",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
