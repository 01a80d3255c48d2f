from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("", include("lightbulb.core.urls")),
    path("account/", include("lightbulb.accounts.urls")),
    path("places/", include("lightbulb.places.urls")),
    path("organisations/", include("lightbulb.organisations.urls")),
    path("funding/", include("lightbulb.funding.urls")),
    path("compact/", include("lightbulb.compact.urls")),
    path("imports/", include("lightbulb.imports.urls")),
    path("grants/", include("lightbulb.grants.urls")),
    path("directory/", include("lightbulb.directory.urls")),
    path("engagement/", include("lightbulb.engagement.urls")),
    path("concerns/", include("lightbulb.concerns.urls")),
    # Open data and Open Referral UK keep the addresses the standards' users expect (see the open-data page).
    path("", include("lightbulb.opendata.urls")),
    path("api/", include("lightbulb.api.urls")),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "lightbulb.core.views.error_400"
handler403 = "lightbulb.core.views.error_403"
handler404 = "lightbulb.core.views.error_404"
handler500 = "lightbulb.core.views.error_500"
