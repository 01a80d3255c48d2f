"""Writes to the organisation register. Each runs in one transaction and is audited."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from lightbulb.accounts.models import Membership
from lightbulb.core.audit import _plain, audit_event_record, diff, snapshot
from lightbulb.core.models import AuditEvent
from lightbulb.organisations.identifiers import parse_identifier
from lightbulb.organisations.models import (
    AreaOfWork,
    Contact,
    DuplicateDecision,
    Organisation,
    OrganisationIdentifier,
    OrganisationMerge,
    OrganisationStatus,
    RegisterValue,
)
from lightbulb.organisations.normalise import name_key, normalise_postcode
from lightbulb.organisations.selectors import duplicate_count_forget
from lightbulb.places.selectors import ward_for_postcode

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
# Many-to-many fields `organisation_update` also accepts (lists of objects or ids).
RELATED_FIELDS = ["wards_served", "areas_of_work"]
# Fields a public register may fill in, where no person has typed a value.
REGISTER_FIELDS = [*EDITABLE_FIELDS, "latest_income", "latest_income_year_end"]
# What a merge snapshot keeps of the merged record, to restore it on undo.
SNAPSHOT_FIELDS = [*REGISTER_FIELDS, "merged_into_id"]
CONTACT_FIELDS = ["name", "role", "email", "phone", "purpose", "consent_given_on", "retain_until"]


def _check_fields(fields: Iterable[str], allowed: list[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown organisation fields: {', '.join(sorted(unknown))}")


def _related_names(organisation: Organisation, field: str) -> list[str]:
    return sorted(str(item) for item in getattr(organisation, field).all())


def _set_related(organisation: Organisation, changes: dict[str, Any]) -> dict[str, list[Any]]:
    delta: dict[str, list[Any]] = {}
    for field in RELATED_FIELDS:
        if field not in changes:
            continue
        before = _related_names(organisation, field)
        getattr(organisation, field).set(changes[field])
        after = _related_names(organisation, field)
        if before != after:
            delta[field] = [before, after]
    return delta


@transaction.atomic
def organisation_create(*, acting_user: Any, name: str, **fields: Any) -> Organisation:
    """Add an organisation to the register. `fields` are any of EDITABLE_FIELDS and RELATED_FIELDS."""
    _check_fields(fields, EDITABLE_FIELDS + RELATED_FIELDS)
    related = {key: fields.pop(key) for key in RELATED_FIELDS if key in fields}
    organisation = Organisation(name=name.strip(), **fields)
    organisation.postcode = normalise_postcode(organisation.postcode)
    organisation.ward = ward_for_postcode(organisation.postcode)
    organisation.name_key = name_key(organisation.name)
    organisation.human_edited_fields = sorted(["name", *fields])
    organisation.full_clean()
    organisation.save()
    changes: dict[str, Any] = {key: [None, value] for key, value in snapshot(organisation, ["name", *fields]).items()}
    changes.update({key: [None, after] for key, (_before, after) in _set_related(organisation, related).items()})
    audit_event_record(
        actor=acting_user,
        action="organisation_create",
        obj=organisation,
        changes=changes,
        summary="Added to the register",
        organisation_id=organisation.pk,
    )
    return organisation


@transaction.atomic
def organisation_update(*, acting_user: Any, organisation: Organisation, changes: dict[str, Any], summary: str = "Details changed") -> dict[str, list[Any]]:
    """Change typed fields (and wards served, areas of work); returns {field: [before, after]} of what really changed."""
    _check_fields(changes, EDITABLE_FIELDS + RELATED_FIELDS)
    plain_changes = {key: value for key, value in changes.items() if key not in RELATED_FIELDS}
    before = snapshot(organisation, EDITABLE_FIELDS)
    for field, value in plain_changes.items():
        setattr(organisation, field, value)
    organisation.postcode = normalise_postcode(organisation.postcode)
    organisation.name_key = name_key(organisation.name)
    delta = diff(before, snapshot(organisation, EDITABLE_FIELDS))
    if "postcode" in delta:
        organisation.ward = ward_for_postcode(organisation.postcode)
    if delta:
        organisation.human_edited_fields = sorted(set(organisation.human_edited_fields) | set(delta))
        organisation.full_clean()
        organisation.save()
    delta.update(_set_related(organisation, changes))
    if not delta:
        return {}
    audit_event_record(actor=acting_user, action="organisation_update", obj=organisation, changes=delta, summary=summary, organisation_id=organisation.pk)
    return delta


@transaction.atomic
def organisation_archive(*, acting_user: Any, organisation: Organisation, reason: str) -> Organisation:
    """Take a record off the working register without deleting it (the council must retain it)."""
    if organisation.is_archived:
        raise ValidationError("This organisation is already archived")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the organisation is being archived"})
    organisation.archived_at = timezone.now()
    organisation.archived_by = acting_user
    organisation.archive_reason = reason
    organisation.full_clean()
    organisation.save()
    audit_event_record(
        actor=acting_user,
        action="organisation_archive",
        obj=organisation,
        changes={"archive_reason": [None, reason]},
        summary=f"Archived: {reason}",
        organisation_id=organisation.pk,
    )
    return organisation


def _concrete_field(name: str) -> models.Field[Any, Any]:
    field = Organisation._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _register_value_text(value: Any) -> str:
    plain = _plain(value)
    return "" if plain is None else str(plain)


def _apply_register_value(organisation: Organisation, field: str, value: Any) -> tuple[Any, Any] | None:
    """Set one field from a register if no person has typed it; returns (before, after) when it changed."""
    if field not in REGISTER_FIELDS or field in organisation.human_edited_fields:
        return None
    model_field = _concrete_field(field)
    converted = model_field.to_python(value if value is not None else ("" if not model_field.null else None))
    if field == "postcode":
        converted = normalise_postcode(converted or "")
    before = getattr(organisation, field)
    if before == converted:
        return None
    setattr(organisation, field, converted)
    return _plain(before), _plain(converted)


@transaction.atomic
def register_values_record(*, source: str, organisation: Organisation, values: dict[str, Any], as_of: datetime.date) -> dict[str, list[Any]]:
    """Keep values read from a public register beside the council's, labelled with source and date.

    The organisation's own field takes the register's value only where no
    person has edited it (`human_edited_fields`). Returns what changed on the
    organisation itself.
    """
    existing = {row.field: row for row in organisation.register_values.filter(source=source)}
    for field, value in values.items():
        text = _register_value_text(value)
        row = existing.get(field)
        if row is None:
            RegisterValue.objects.create(organisation=organisation, source=source, field=field, value=text, as_of=as_of)
        elif row.value != text or row.as_of != as_of:
            row.value, row.as_of = text, as_of
            row.save(update_fields=["value", "as_of", "retrieved_at"])
    delta: dict[str, list[Any]] = {}
    for field, value in values.items():
        changed = _apply_register_value(organisation, field, value)
        if changed is not None:
            delta[field] = list(changed)
    if not delta:
        return {}
    if "name" in delta:
        organisation.name_key = name_key(organisation.name)
    if "postcode" in delta:
        organisation.ward = ward_for_postcode(organisation.postcode)
    organisation.full_clean()
    organisation.save()
    audit_event_record(
        actor=source,
        action="register_values_record",
        obj=organisation,
        changes=delta,
        summary=f"Updated from {source} (as of {as_of.isoformat()})",
        organisation_id=organisation.pk,
    )
    return delta


# Identifiers


@transaction.atomic
def identifier_add(*, acting_user: Any, organisation: Organisation, raw: str, scheme: str | None = None, source: str = "Council") -> OrganisationIdentifier:
    """Record an identifier, normalised (e.g. 'gb chc 1234567' → GB-CHC-1234567)."""
    parsed = parse_identifier(raw, scheme or None)
    if organisation.identifiers.filter(scheme=parsed.scheme, value=parsed.value).exists():
        raise ValidationError(f"{parsed.org_id} is already recorded for this organisation")
    identifier = OrganisationIdentifier(organisation=organisation, scheme=parsed.scheme, value=parsed.value, source=source)
    identifier.full_clean()
    identifier.save()
    audit_event_record(
        actor=acting_user,
        action="identifier_add",
        obj=identifier,
        changes={"identifier": [None, parsed.org_id]},
        summary=f"Identifier {parsed.org_id} added",
        organisation_id=organisation.pk,
    )
    return identifier


@transaction.atomic
def identifier_remove(*, acting_user: Any, identifier: OrganisationIdentifier) -> None:
    organisation_id = identifier.organisation_id
    org_id = identifier.org_id
    audit_event_record(
        actor=acting_user,
        action="identifier_remove",
        obj=identifier,
        changes={"identifier": [org_id, None]},
        summary=f"Identifier {org_id} removed",
        organisation_id=organisation_id,
    )
    identifier.delete()


# Contacts (personal data)


@transaction.atomic
def contact_create(*, acting_user: Any, organisation: Organisation, **fields: Any) -> Contact:
    _check_fields(fields, CONTACT_FIELDS)
    contact = Contact(organisation=organisation, **fields)
    contact.full_clean()
    contact.save()
    # The audit trail names the fact, not the person's details.
    audit_event_record(actor=acting_user, action="contact_create", obj=contact, summary="Contact added", organisation_id=organisation.pk)
    return contact


@transaction.atomic
def contact_update(*, acting_user: Any, contact: Contact, changes: dict[str, Any]) -> list[str]:
    """Change a contact; returns the names of the fields that changed (not their values: personal data)."""
    _check_fields(changes, CONTACT_FIELDS)
    before = snapshot(contact, CONTACT_FIELDS)
    for field, value in changes.items():
        setattr(contact, field, value)
    changed = sorted(diff(before, snapshot(contact, CONTACT_FIELDS)))
    if not changed:
        return []
    contact.full_clean()
    contact.save()
    audit_event_record(
        actor=acting_user,
        action="contact_update",
        obj=contact,
        summary=f"Contact details changed: {', '.join(changed)}",
        organisation_id=contact.organisation_id,
    )
    return changed


@transaction.atomic
def contact_erase(*, acting_user: Any, contact: Contact, reason: str) -> None:
    """Erase a person's details for good (hard delete, including field history); the audit keeps no personal data."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the contact is being erased"})
    organisation_id = contact.organisation_id
    contact_id = contact.pk
    audit_event_record(
        actor=acting_user,
        action="contact_erase",
        obj=contact,
        changes={"reason": [None, reason]},
        summary="Contact erased",
        organisation_id=organisation_id,
    )
    # The event's object description would otherwise keep the name.
    AuditEvent.objects.filter(object_type=contact._meta.label_lower, object_id=str(contact_id)).update(object_repr="Erased contact")
    contact.delete()
    # Field history (including the deletion record) would keep the details.
    Contact.history.filter(id=contact_id).delete()


# Areas of work (a managed list)


@transaction.atomic
def area_of_work_create(*, acting_user: Any, name: str) -> AreaOfWork:
    area = AreaOfWork(name=name.strip())
    area.full_clean()
    area.save()
    audit_event_record(actor=acting_user, action="area_of_work_create", obj=area, changes={"name": [None, area.name]}, summary="Area of work added")
    return area


@transaction.atomic
def area_of_work_rename(*, acting_user: Any, area: AreaOfWork, name: str) -> AreaOfWork:
    before = area.name
    area.name = name.strip()
    if area.name == before:
        return area
    area.full_clean()
    area.save()
    audit_event_record(actor=acting_user, action="area_of_work_rename", obj=area, changes={"name": [before, area.name]}, summary="Area of work renamed")
    return area


# Duplicates and merging


def _ordered(first: Organisation, second: Organisation) -> tuple[Organisation, Organisation]:
    return (first, second) if first.pk < second.pk else (second, first)


@transaction.atomic
def duplicate_dismiss(*, acting_user: Any, first: Organisation, second: Organisation, reason: str) -> DuplicateDecision:
    """Record that two records are different organisations, so the pair is no longer suggested."""
    transaction.on_commit(duplicate_count_forget)
    if first.pk == second.pk:
        raise ValidationError("Choose two different organisations")
    low, high = _ordered(first, second)
    decision = DuplicateDecision(first=low, second=high, decided_by=acting_user, reason=reason.strip())
    decision.full_clean()
    decision.save()
    for organisation, other in ((low, high), (high, low)):
        audit_event_record(
            actor=acting_user,
            action="duplicate_dismiss",
            obj=organisation,
            changes={"reason": [None, decision.reason]},
            summary=f"Marked as not the same organisation as {other}",
            organisation_id=organisation.pk,
        )
    return decision


def _move_rows(queryset: models.QuerySet[Any], target: Organisation, skip: Callable[[Any], bool]) -> list[int]:
    ids = [row.pk for row in queryset if not skip(row)]
    queryset.model.objects.filter(pk__in=ids).update(organisation=target)
    return ids


def _move_related(kept: Organisation, merged: Organisation, field: str) -> dict[str, list[int]]:
    on_merged = sorted(getattr(merged, field).values_list("pk", flat=True))
    on_kept = set(getattr(kept, field).values_list("pk", flat=True))
    added = [pk for pk in on_merged if pk not in on_kept]
    getattr(kept, field).add(*added)
    getattr(merged, field).clear()
    return {"from_merged": on_merged, "added_to_kept": added}


def _check_mergeable(kept: Organisation, merged: Organisation) -> None:
    if kept.pk == merged.pk:
        raise ValidationError("Choose two different organisations")
    for organisation in (kept, merged):
        if organisation.status == OrganisationStatus.MERGED:
            raise ValidationError(f"{organisation} has already been merged into another record")


@transaction.atomic
def organisation_merge(*, acting_user: Any, kept: Organisation, merged: Organisation, reason: str) -> OrganisationMerge:
    """Merge `merged` into `kept`: identifiers, contacts, memberships, wards served and areas of work move across.

    The merged record stays (status MERGED, pointing at the kept one) and the
    merge records exactly what moved, so `organisation_merge_undo` can put it back.
    """
    transaction.on_commit(duplicate_count_forget)
    _check_mergeable(kept, merged)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why these records are the same organisation"})
    merged_snapshot = {field: _plain(getattr(merged, field)) for field in SNAPSHOT_FIELDS}
    kept_identifiers = set(kept.identifiers.values_list("scheme", "value"))
    kept_members = set(kept.memberships.values_list("user_id", flat=True))
    moved: dict[str, Any] = {
        # An identifier or membership the kept record already has stays where it is.
        "identifiers": _move_rows(merged.identifiers.all(), kept, lambda row: (row.scheme, row.value) in kept_identifiers),
        "contacts": _move_rows(merged.contacts.all(), kept, lambda row: False),
        "memberships": _move_rows(merged.memberships.all(), kept, lambda row: row.user_id in kept_members),
        "wards_served": _move_related(kept, merged, "wards_served"),
        "areas_of_work": _move_related(kept, merged, "areas_of_work"),
    }
    merged.status = OrganisationStatus.MERGED
    merged.merged_into = kept
    merged.full_clean()
    merged.save()
    merge = OrganisationMerge(kept=kept, merged=merged, performed_by=acting_user, reason=reason, moved=moved, merged_snapshot=merged_snapshot)
    merge.full_clean()
    merge.save()
    counts = {key: len(value) if isinstance(value, list) else len(value["from_merged"]) for key, value in moved.items()}
    changes = {key.replace("_", " "): [None, count] for key, count in counts.items() if count}
    audit_event_record(
        actor=acting_user,
        action="organisation_merge",
        obj=kept,
        changes=changes,
        summary=f"{merged} merged into this record: {reason}",
        organisation_id=kept.pk,
    )
    audit_event_record(
        actor=acting_user,
        action="organisation_merge",
        obj=merged,
        changes={"status": [merged_snapshot["status"], OrganisationStatus.MERGED.value]},
        summary=f"Merged into {kept}: {reason}",
        organisation_id=merged.pk,
    )
    return merge


def _restore_snapshot(organisation: Organisation, saved: dict[str, Any]) -> None:
    for field, value in saved.items():
        if field.endswith("_id"):
            setattr(organisation, field, value)
        else:
            setattr(organisation, field, _concrete_field(field).to_python(value))


def _move_related_back(kept: Organisation, merged: Organisation, field: str, record: dict[str, list[int]]) -> None:
    getattr(kept, field).remove(*record["added_to_kept"])
    getattr(merged, field).add(*record["from_merged"])


@transaction.atomic
def organisation_merge_undo(*, acting_user: Any, merge: OrganisationMerge) -> OrganisationMerge:
    """Put back exactly what the merge moved and restore the merged record as it was."""
    transaction.on_commit(duplicate_count_forget)
    if merge.undone_at is not None:
        raise ValidationError("This merge has already been undone")
    kept = Organisation.objects.select_for_update().get(pk=merge.kept_id)
    merged = Organisation.objects.select_for_update().get(pk=merge.merged_id)
    if kept.status == OrganisationStatus.MERGED:
        raise ValidationError(f"{kept} has since been merged into another record: undo that merge first")
    moved = merge.moved
    # Rows erased since the merge (a contact's personal data) simply stay gone.
    OrganisationIdentifier.objects.filter(pk__in=moved.get("identifiers", []), organisation=kept).update(organisation=merged)
    Contact.objects.filter(pk__in=moved.get("contacts", []), organisation=kept).update(organisation=merged)
    Membership.objects.filter(pk__in=moved.get("memberships", []), organisation=kept).update(organisation=merged)
    for field in RELATED_FIELDS:
        _move_related_back(kept, merged, field, moved.get(field, {"from_merged": [], "added_to_kept": []}))
    _restore_snapshot(merged, merge.merged_snapshot)
    merged.full_clean()
    merged.save()
    merge.undone_at = timezone.now()
    merge.undone_by = acting_user
    merge.full_clean()
    merge.save()
    audit_event_record(actor=acting_user, action="organisation_merge_undo", obj=kept, summary=f"Merge of {merged} undone", organisation_id=kept.pk)
    audit_event_record(
        actor=acting_user,
        action="organisation_merge_undo",
        obj=merged,
        changes={"status": [OrganisationStatus.MERGED.value, merged.status]},
        summary=f"Merge into {kept} undone",
        organisation_id=merged.pk,
    )
    return merge
