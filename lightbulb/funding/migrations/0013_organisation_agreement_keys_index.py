"""A ward's agreements that name no ward are found among its organisations' agreements: an index of (organisation, agreement)
answers that from the index alone, where PostgreSQL read every agreement to find them."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0012_compact_measure_indexes"),
        ("organisations", "0008_search_words"),
        ("places", "0003_ward_name_sort_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["organisation", "id"], name="agreement_org_id_idx"),
        ),
    ]
