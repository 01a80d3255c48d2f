import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# What start-up made (modules, models, URL patterns, settings) lives as long as the process and is
# never garbage: moved out of the collector's reach, a full collection no longer walks it, which
# otherwise stops a request for tens of milliseconds now and then.
gc.collect()
gc.freeze()
