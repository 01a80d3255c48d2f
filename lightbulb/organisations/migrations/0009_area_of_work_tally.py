"""The organisations naming each area of work, counted by the database as the links change (lightbulb.core.tallies)."""

from django.db import migrations, models

from lightbulb.core.tallies import create_tally, drop_tally

TALLY = {"table": "organisations_organisation_areas_of_work", "tally": "organisations_areaofworktally"}


def create(apps, schema_editor):
    create_tally(schema_editor, column="areaofwork_id", **TALLY)


def drop(apps, schema_editor):
    drop_tally(schema_editor, **TALLY)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0008_search_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="AreaOfWorkTally",
            fields=[
                ("key", models.BigIntegerField(primary_key=True, serialize=False)),
                ("total", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "organisations_areaofworktally"},
        ),
        migrations.RunPython(create, drop),
    ]
