"""Funding routes, one module per area so each grows on its own."""

from lightbulb.funding.routes import agreements, decommissioning, payments, returns

app_name = "funding"

urlpatterns = [*agreements.urlpatterns, *payments.urlpatterns, *returns.urlpatterns, *decommissioning.urlpatterns]
