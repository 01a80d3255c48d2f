import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Pages' queries never start PostgreSQL's parallel workers (lightbulb.core.database).
from lightbulb.core.database import pages_without_parallel_query  # noqa: E402 - needs the app registry set up above

pages_without_parallel_query()

# What start-up made (modules, models, URL patterns, settings) lives as long as the process and is
# never garbage: moved out of the collector's reach, a full collection no longer walks it, which
# otherwise stops a request for tens of milliseconds now and then.
gc.collect()
gc.freeze()
