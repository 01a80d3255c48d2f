"""The grants in each match status, counted by the database as grants change (lightbulb.core.tallies)."""

from django.db import migrations, models

from lightbulb.core.tallies import create_tally, drop_tally

TALLY = {"table": "grants_grant", "tally": "grants_matchstatustally"}


def create(apps, schema_editor):
    create_tally(schema_editor, column="match_status", **TALLY)


def drop(apps, schema_editor):
    drop_tally(schema_editor, **TALLY)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0002_grant_to_individual"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchStatusTally",
            fields=[
                (
                    "key",
                    models.CharField(
                        choices=[
                            ("unmatched", "Not matched"),
                            ("proposed", "Proposed: waiting for an officer"),
                            ("confirmed", "Confirmed"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=20,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("total", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "grants_matchstatustally"},
        ),
        migrations.RunPython(create, drop),
    ]
