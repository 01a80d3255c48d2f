"""Near-misses at national scale: the words of the register's names in a table of their own, looked up by
trigrams (a few thousand words rather than 400,000 names), kept in step by a trigger on every write of
the register, however it is written (a form, an import, the demo's `COPY`). PostgreSQL only: SQLite reads
the words from the names. Register search no longer asks the names' trigram index, which goes."""

from django.db import migrations

CREATE = [
    "CREATE TABLE IF NOT EXISTS organisations_search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS organisations_search_word_trgm ON organisations_search_word USING gin (word gin_trgm_ops)",
    """INSERT INTO organisations_search_word (word)
        SELECT DISTINCT word FROM organisations_organisation, regexp_split_to_table(search_key, ' ') AS word WHERE word <> ''
        ON CONFLICT DO NOTHING""",
    """CREATE OR REPLACE FUNCTION organisations_search_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO organisations_search_word (word)
            SELECT DISTINCT split.word FROM written, regexp_split_to_table(written.search_key, ' ') AS split (word)
            WHERE split.word <> '' AND NOT EXISTS (SELECT 1 FROM organisations_search_word known WHERE known.word = split.word)
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER organisations_search_word_on_insert AFTER INSERT ON organisations_organisation
        REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_word_add()""",
    """CREATE TRIGGER organisations_search_word_on_update AFTER UPDATE ON organisations_organisation
        REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_word_add()""",
    "DROP INDEX IF EXISTS org_search_trgm",
]

DROP = [
    "CREATE INDEX IF NOT EXISTS org_search_trgm ON organisations_organisation USING gin (search_key gin_trgm_ops)",
    "DROP TRIGGER IF EXISTS organisations_search_word_on_update ON organisations_organisation",
    "DROP TRIGGER IF EXISTS organisations_search_word_on_insert ON organisations_organisation",
    "DROP FUNCTION IF EXISTS organisations_search_word_add()",
    "DROP TABLE IF EXISTS organisations_search_word",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0007_duplicate_pairs_order"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
