"""The taxonomy Lightbulb ships, so organisations can classify their services from the first day."""

from django.db import migrations

TERMS = [
    ("advice", "Advice and information", "Help with benefits, debt, housing, employment or legal questions"),
    ("food", "Food", "Food banks, community meals, pantries and cooking"),
    ("mental-health", "Mental health and wellbeing", "Support groups, counselling, befriending and wellbeing activities"),
    ("health", "Health and care", "Support for people living with illness or disability, and their carers"),
    ("older-people", "Older people", "Activities, lunch clubs and support for older people"),
    ("children-families", "Children, young people and families", "Play, youth work, parenting support and family activities"),
    ("housing", "Housing and homelessness", "Shelter, tenancy support and help for people at risk of homelessness"),
    ("employment", "Employment and skills", "Training, volunteering for experience, job clubs and adult learning"),
    ("sport-leisure", "Sport and leisure", "Sport, exercise, walking groups and leisure activities"),
    ("arts-culture", "Arts and culture", "Music, drama, crafts, heritage and creative activities"),
    ("environment", "Environment", "Gardening, green spaces, recycling and conservation"),
    ("transport", "Community transport", "Transport for people who cannot use public transport"),
    ("volunteering", "Volunteering", "Opportunities to give time to the community"),
    ("digital", "Digital inclusion", "Help getting online, devices and digital skills"),
]


def create(apps, schema_editor):
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    taxonomy, _ = Taxonomy.objects.get_or_create(
        name="Lightbulb service types",
        defaults={"description": "What a service offers, in the words of the people looking for it", "taxonomy_version": "1"},
    )
    for code, name, description in TERMS:
        TaxonomyTerm.objects.get_or_create(taxonomy=taxonomy, code=code, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
