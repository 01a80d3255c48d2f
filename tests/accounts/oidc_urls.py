"""The service's URLs with the identity provider's sign-in routes, as config.urls adds them when OIDC is configured."""

from django.urls import include, path

from config.urls import urlpatterns as service_urlpatterns

urlpatterns = [*service_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]
