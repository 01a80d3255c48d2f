"""The officer's dashboard starts from the agreements they are accountable for that are not closed,
and the agreement list's "only mine" reads an officer's agreements in date order from an index.

The partial index holds those; the extended statistics tell PostgreSQL's planner how officer and
status go together (one officer may hold most of the closed agreements and only a few running
ones), without which it guessed thousands of running agreements and scanned every agreement in key
order to join them to payments and returns."""

from django.db import migrations, models

STATISTICS = "agreement_officer_status_stats"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv, dependencies) ON accountable_officer_id, status FROM funding_agreement")
        schema_editor.execute("ANALYZE funding_agreement")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0010_list_sort_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                condition=models.Q(("status", "closed"), _negated=True), fields=["accountable_officer", "status"], name="agreement_officer_open_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["accountable_officer", "start_date", "id"], name="agreement_officer_start_idx"),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["accountable_officer", "end_date", "id"], name="agreement_officer_end_idx"),
        ),
        migrations.RunPython(create_statistics, drop_statistics, elidable=False),
    ]
