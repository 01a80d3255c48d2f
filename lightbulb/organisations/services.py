"""Writes to the organisation register. Each runs in one transaction and is audited."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.organisations.models import Organisation

# Fields a person may type on an organisation; an import never overwrites them once typed.
EDITABLE_FIELDS = [
    "name",
    "other_names",
    "legal_form",
    "status",
    "description",
    "address",
    "postcode",
    "website",
    "email",
    "phone",
    "date_registered",
    "is_vcse",
]


def name_key(name: str) -> str:
    """Lower case, without punctuation, common suffixes and 'the': for search and duplicate detection."""
    key = re.sub(r"[^a-z0-9 ]", " ", name.lower().replace("&", " and "))
    key = re.sub(r"\b(the|ltd|limited|cic|cio|inc|trust)\b", " ", key)
    return " ".join(key.split())


def normalise_postcode(raw: str) -> str:
    """Upper case with one space before the inward code: 'at11aa' → 'AT1 1AA'."""
    compact = re.sub(r"\s+", "", raw or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


@transaction.atomic
def organisation_create(*, acting_user: Any, name: str, **fields: Any) -> Organisation:
    """Add an organisation to the register. `fields` are any of EDITABLE_FIELDS."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown organisation fields: {', '.join(sorted(unknown))}")
    organisation = Organisation(name=name.strip(), **fields)
    organisation.postcode = normalise_postcode(organisation.postcode)
    organisation.name_key = name_key(organisation.name)
    organisation.human_edited_fields = sorted(["name", *fields])
    organisation.full_clean()
    organisation.save()
    audit_event_record(
        actor=acting_user,
        action="organisation_create",
        obj=organisation,
        changes={key: [None, value] for key, value in snapshot(organisation, ["name", *fields]).items()},
        summary="Added to the register",
        organisation_id=organisation.pk,
    )
    return organisation


@transaction.atomic
def organisation_update(*, acting_user: Any, organisation: Organisation, changes: dict[str, Any], summary: str = "Details changed") -> dict[str, list[Any]]:
    """Change typed fields; returns {field: [before, after]} of what really changed."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown organisation fields: {', '.join(sorted(unknown))}")
    before = snapshot(organisation, EDITABLE_FIELDS)
    for field, value in changes.items():
        setattr(organisation, field, value)
    organisation.postcode = normalise_postcode(organisation.postcode)
    organisation.name_key = name_key(organisation.name)
    delta = diff(before, snapshot(organisation, EDITABLE_FIELDS))
    if not delta:
        return {}
    organisation.human_edited_fields = sorted(set(organisation.human_edited_fields) | set(delta))
    organisation.full_clean()
    organisation.save()
    audit_event_record(actor=acting_user, action="organisation_update", obj=organisation, changes=delta, summary=summary, organisation_id=organisation.pk)
    return delta
