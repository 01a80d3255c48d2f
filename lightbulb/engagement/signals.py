"""When the data behind a flag changes, that organisation's flags are recomputed after the change commits.

Agreements (their status, value, dates, purpose and wards), monitoring returns and their figures,
the organisation itself (income, date registered, address, status, wards served), the values
read from public registers and other funders' grants confirmed as an organisation's all feed a
rule. The daily duty recomputes everyone's, so anything a receiver misses (an organisation sharing
an address with one that changed) is caught by the next day.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save

from lightbulb.engagement.tasks import flags_recompute_later
from lightbulb.funding.models import Agreement, MonitoringReturn, ReturnFigure
from lightbulb.organisations.models import Organisation, RegisterValue


def _agreement_saved(sender: Any, instance: Agreement, **kwargs: Any) -> None:
    flags_recompute_later([instance.organisation_id])


def _return_saved(sender: Any, instance: MonitoringReturn, **kwargs: Any) -> None:
    flags_recompute_later(list(Agreement.objects.filter(pk=instance.agreement_id).values_list("organisation_id", flat=True)))


def _figure_saved(sender: Any, instance: ReturnFigure, **kwargs: Any) -> None:
    owners = MonitoringReturn.objects.filter(pk=instance.monitoring_return_id).values_list("agreement__organisation_id", flat=True)
    flags_recompute_later(list(owners))


def _organisation_saved(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    flags_recompute_later([instance.pk])


def _register_value_saved(sender: Any, instance: RegisterValue, **kwargs: Any) -> None:
    flags_recompute_later([instance.organisation_id])


def _grant_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Another funder's grant confirmed as an organisation's, or its match rejected: that organisation, and any whose flag cites it."""
    from lightbulb.engagement.models import Flag

    cited = Flag.objects.filter(rule="same_purpose", key__startswith=f"grant:{instance.pk}:").values_list("organisation_id", flat=True)
    flags_recompute_later([getattr(instance, "organisation_id", None) or 0, *cited])


def _wards_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any) -> None:
    """Wards added to or taken from an agreement or an organisation, from either side."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Agreement):
        flags_recompute_later([instance.organisation_id])
    elif isinstance(instance, Organisation):
        flags_recompute_later([instance.pk])
    elif sender is Agreement.wards.through:
        flags_recompute_later(list(Agreement.objects.filter(pk__in=pk_set or ()).values_list("organisation_id", flat=True)))
    else:
        flags_recompute_later(list(pk_set or ()))


def connect() -> None:
    post_save.connect(_agreement_saved, sender=Agreement, dispatch_uid="engagement_flags_agreement")
    post_save.connect(_return_saved, sender=MonitoringReturn, dispatch_uid="engagement_flags_return")
    post_save.connect(_figure_saved, sender=ReturnFigure, dispatch_uid="engagement_flags_figure")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="engagement_flags_organisation")
    post_save.connect(_register_value_saved, sender=RegisterValue, dispatch_uid="engagement_flags_register_value")
    # Other funders' grants are the grants module's: named, not imported (an import of 360Giving rows writes in bulk and
    # sends no signal, so the nightly recompute catches those).
    post_save.connect(_grant_saved, sender="grants.Grant", dispatch_uid="engagement_flags_grant")
    m2m_changed.connect(_wards_changed, sender=Agreement.wards.through, dispatch_uid="engagement_flags_agreement_wards")
    m2m_changed.connect(_wards_changed, sender=Organisation.wards_served.through, dispatch_uid="engagement_flags_wards_served")
