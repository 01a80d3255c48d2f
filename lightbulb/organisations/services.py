"""Writes to the organisation register. Each runs in one transaction and is audited."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from lightbulb.accounts.models import Membership
from lightbulb.core import page_cache
from lightbulb.core.audit import _plain, audit_event_record, audit_events_record_many, diff, snapshot
from lightbulb.core.checks import FieldChecks, as_text
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.models import AuditEvent
from lightbulb.core.rules import require
from lightbulb.core.signals import records_saved_in_bulk
from lightbulb.organisations.identifiers import parse_identifier
from lightbulb.organisations.models import (
    AreaOfWork,
    Contact,
    DuplicateDecision,
    IdentifierScheme,
    LegalForm,
    Organisation,
    OrganisationIdentifier,
    OrganisationMerge,
    OrganisationStatus,
    RegisterValue,
)
from lightbulb.organisations.normalise import is_valid_postcode, name_key, normalise_postcode, search_key
from lightbulb.organisations.rules import can_erase_contact, can_manage_register, can_merge_organisations, can_record_register_values
from lightbulb.places.models import Postcode, Ward
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

# --- the forms' rules, checked again here in the forms' words (forms.py) ----------------

_PHONE = re.compile(r"^[0-9 +()\-]{6,30}$")
PHONE_MESSAGE = "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"
POSTCODE_MESSAGE = "Enter a real postcode, like AT1 1AA"
EMAIL_MESSAGE = "Enter an e-mail address in the right format, like name@example.org"
REASON_MAX_LENGTH = 2000
# Statuses a person may choose: a record becomes "merged" only by `organisation_merge`.
CHOOSABLE_STATUSES = [status for status in OrganisationStatus.values if status != OrganisationStatus.MERGED]


def _phone(checks: FieldChecks, field: str, value: Any) -> str:
    text = as_text(value)
    if len(text) > 30:
        checks.add(field, "Enter a telephone number of 30 characters or fewer")
    elif text and not _PHONE.match(text):
        checks.add(field, PHONE_MESSAGE)
    return text


def _postcode(checks: FieldChecks, field: str, value: Any) -> str:
    text = " ".join(as_text(value).upper().split())
    if text and not is_valid_postcode(text):
        checks.add(field, POSTCODE_MESSAGE)
        return text
    return normalise_postcode(text)


def _past_date(checks: FieldChecks, field: str, value: Any, label: str) -> datetime.date | None:
    day = checks.date(field, value, invalid=f"{label} must be a real date")
    if day is not None and day > timezone.localdate():
        checks.add(field, f"{label} must be today or in the past")
    return day


def _retain_until(checks: FieldChecks, value: Any) -> datetime.date | None:
    day = checks.date("retain_until", value, required="Enter the date to keep the details until", invalid="Keep until must be a real date")
    if day is None:
        return None
    today = timezone.localdate()
    if day <= today:
        checks.add("retain_until", "Keep until must be a date in the future")
    elif day.year > today.year + 25:
        checks.add("retain_until", "Keep until must be within 25 years")
    return day


_Check = Callable[[FieldChecks, Any], Any]

# OrganisationForm's rules, by field.
_ORGANISATION_CHECKS: dict[str, _Check] = {
    "name": lambda checks, value: checks.text(
        "name", value, required="Enter the organisation's name", max_length=300, too_long="The name must be 300 characters or fewer"
    ),
    "other_names": lambda checks, value: checks.text("other_names", value, max_length=2000, too_long="Other names must be 2,000 characters or fewer"),
    "legal_form": lambda checks, value: checks.choice(
        "legal_form", value, LegalForm.values, required="Choose a legal form", invalid="Choose a legal form from the list"
    ),
    "status": lambda checks, value: checks.choice("status", value, CHOOSABLE_STATUSES, required="Choose a status", invalid="Choose a status from the list"),
    "description": lambda checks, value: checks.text("description", value, max_length=5000, too_long="The description must be 5,000 characters or fewer"),
    "address": lambda checks, value: checks.text("address", value, max_length=500, too_long="The address must be 500 characters or fewer"),
    "postcode": lambda checks, value: _postcode(checks, "postcode", value),
    "website": lambda checks, value: checks.url(
        "website", value, invalid="Enter a web address, like https://www.example.org", too_long="The web address must be 200 characters or fewer"
    ),
    "email": lambda checks, value: checks.email("email", value, invalid=EMAIL_MESSAGE),
    "phone": lambda checks, value: _phone(checks, "phone", value),
    "date_registered": lambda checks, value: _past_date(checks, "date_registered", value, "Date registered"),
    "wards_served": lambda checks, value: checks.objects("wards_served", value, Ward, invalid="Choose wards from the list"),
    "areas_of_work": lambda checks, value: checks.objects("areas_of_work", value, AreaOfWork, invalid="Choose areas of work from the list"),
}

# ContactForm's rules, by field.
_CONTACT_CHECKS: dict[str, _Check] = {
    "name": lambda checks, value: checks.text(
        "name", value, required="Enter the contact's name", max_length=200, too_long="The name must be 200 characters or fewer"
    ),
    "role": lambda checks, value: checks.text("role", value, max_length=200, too_long="The role must be 200 characters or fewer"),
    "email": lambda checks, value: checks.email("email", value, invalid=EMAIL_MESSAGE),
    "phone": lambda checks, value: _phone(checks, "phone", value),
    "purpose": lambda checks, value: checks.text(
        "purpose", value, required="Enter why the council holds these details", max_length=300, too_long="The purpose must be 300 characters or fewer"
    ),
    "consent_given_on": lambda checks, value: _past_date(checks, "consent_given_on", value, "Date consent was given"),
    "retain_until": _retain_until,
}


def _checked(values: dict[str, Any], rules: dict[str, _Check]) -> dict[str, Any]:
    """`values` with each field the rules know checked and cleaned; ValidationError by field if any is wrong."""
    checks = FieldChecks()
    cleaned = {field: rules[field](checks, value) if field in rules else value for field, value in values.items()}
    checks.raise_if_any()
    return cleaned


def _reason(value: Any, question: str) -> str:
    """A reason as the register's reason forms take it (`_reason_field`): required, 2,000 characters at most, no markup."""
    checks = FieldChecks()
    reason = checks.text(
        "reason", value, required=f"{question} – enter a reason", max_length=REASON_MAX_LENGTH, too_long="Keep the reason to 2,000 characters or fewer"
    )
    checks.raise_if_any()
    return reason


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
    require(can_manage_register, acting_user, message="Only council officers add organisations to the register.")
    _check_fields(fields, EDITABLE_FIELDS + RELATED_FIELDS)
    fields = _checked({"name": name, **fields}, _ORGANISATION_CHECKS)
    name = fields.pop("name")
    related = {key: fields.pop(key) for key in RELATED_FIELDS if key in fields}
    organisation = Organisation(name=name, **fields)
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
def organisation_update(
    *, acting_user: Any, organisation: Organisation, changes: dict[str, Any], summary: str = "Details changed", expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Change typed fields (and wards served, areas of work); returns {field: [before, after]} of what really changed.

    With `expected_version` (the version the officer's form was opened at), a record changed since is refused (StaleEdit).
    """
    require(can_manage_register, acting_user, organisation, message="Only council officers change the register.")
    return _organisation_change(acting_user=acting_user, organisation=organisation, changes=changes, summary=summary, expected_version=expected_version)


def _organisation_change(
    *, acting_user: Any, organisation: Organisation, changes: dict[str, Any], summary: str, expected_version: int | None = None
) -> dict[str, list[Any]]:
    """The change itself, for `organisation_update` and the portal's `organisation_profile_update`, which each ask who may make it."""
    lock_for_edit(organisation, expected_version, changes)
    _check_fields(changes, EDITABLE_FIELDS + RELATED_FIELDS)
    changes = _checked(changes, _ORGANISATION_CHECKS)
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
    version_advance(organisation)
    audit_event_record(actor=acting_user, action="organisation_update", obj=organisation, changes=delta, summary=summary, organisation_id=organisation.pk)
    return delta


@transaction.atomic
def organisation_archive(*, acting_user: Any, organisation: Organisation, reason: str) -> Organisation:
    """Take a record off the working register without deleting it (the council must retain it)."""
    require(can_manage_register, acting_user, organisation, message="Only council officers archive organisations.")
    if organisation.is_archived:
        raise ValidationError("This organisation is already archived")
    reason = _reason(reason, "Why is the organisation being archived")
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
def register_values_record(*, acting_user: Any, source: str, organisation: Organisation, values: dict[str, Any], as_of: datetime.date) -> dict[str, list[Any]]:
    """Keep values read from a public register beside the council's, labelled with source and date.

    The organisation's own field takes the register's value only where no
    person has edited it (`human_edited_fields`). Returns what changed on the
    organisation itself. An import acts as a `SystemActor` named after the register.
    """
    require(
        can_record_register_values, acting_user, organisation, message="Only an import of a public register, or a council officer, records register values."
    )
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
        actor=acting_user,
        action="register_values_record",
        obj=organisation,
        changes=delta,
        summary=f"Updated from {source} (as of {as_of.isoformat()})",
        organisation_id=organisation.pk,
    )
    return delta


def _register_rows(source: str, items: list[tuple[Organisation, dict[str, Any], datetime.date]]) -> tuple[list[RegisterValue], list[RegisterValue], set[int]]:
    """The register values to add and to change for many organisations, read in one query."""
    existing = {
        (row.organisation_id, row.field): row
        for row in RegisterValue.objects.filter(source=source, organisation_id__in=[organisation.pk for organisation, _values, _as_of in items])
    }
    added: list[RegisterValue] = []
    changed: list[RegisterValue] = []
    touched: set[int] = set()
    now = timezone.now()
    for organisation, values, as_of in items:
        for field, value in values.items():
            text = _register_value_text(value)
            row = existing.get((organisation.pk, field))
            if row is None:
                added.append(RegisterValue(organisation=organisation, source=source, field=field, value=text, as_of=as_of, retrieved_at=now))
            elif row.value != text or row.as_of != as_of:
                row.value, row.as_of, row.retrieved_at = text, as_of, now
                changed.append(row)
            else:
                continue
            touched.add(organisation.pk)
    return added, changed, touched


def _wards_by_postcode(items: list[tuple[Organisation, dict[str, Any], datetime.date]]) -> dict[str, Ward]:
    """The ward of each postcode the register gives, found in one query (as `ward_for_postcode` finds one)."""
    postcodes = {normalise_postcode(str(values["postcode"])) for _organisation, values, _as_of in items if values.get("postcode")}
    return {row.postcode: row.ward for row in Postcode.objects.select_related("ward").filter(postcode__in=postcodes)}


def _register_delta(organisation: Organisation, values: dict[str, Any], wards: dict[str, Ward]) -> dict[str, list[Any]]:
    """What the register's values change on the organisation itself (never a field a person typed)."""
    delta: dict[str, list[Any]] = {}
    for field, value in values.items():
        changed = _apply_register_value(organisation, field, value)
        if changed is not None:
            delta[field] = list(changed)
    if "postcode" in delta:
        organisation.ward = wards.get(organisation.postcode) if is_valid_postcode(organisation.postcode) else None
    if "name" in delta:
        organisation.name_key, organisation.search_key = name_key(organisation.name), search_key(organisation.name, organisation.other_names)
    if delta:
        organisation.full_clean()
    return delta


@transaction.atomic
def register_values_record_many(*, acting_user: Any, source: str, items: list[tuple[Organisation, dict[str, Any], datetime.date]]) -> list[int]:
    """`register_values_record` for many organisations at once (a register import): the same rules and
    the same audit entry for each organisation, written in a fixed number of statements.

    Saved in bulk, so no per-row signals fire: the caller hears which organisations changed (their
    ids are returned) and tells whatever recomputes from them, once. Organisations changed themselves
    are also announced as `records_saved_in_bulk` (open data marks its files out of date); when
    nothing changed nothing is written or announced.
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    for organisation, _values, _as_of in items:
        require(
            can_record_register_values, acting_user, organisation, message="Only an import of a public register, or a council officer, records register values."
        )
    added, changed, touched = _register_rows(source, items)
    bulk_create_with_history(added, RegisterValue, batch_size=1000)
    if changed:
        bulk_update_with_history(changed, RegisterValue, ["value", "as_of", "retrieved_at"], batch_size=1000)
    saved: list[Organisation] = []
    fields: set[str] = set()
    entries: list[tuple[Organisation, dict[str, Any], str, int | None]] = []
    wards = _wards_by_postcode(items)
    for organisation, values, as_of in items:
        delta = _register_delta(organisation, values, wards)
        if not delta:
            continue
        organisation.updated_at = timezone.now()
        organisation.version += 1
        saved.append(organisation)
        fields |= set(delta) | ({"ward"} if "postcode" in delta else set()) | ({"name_key", "search_key"} if "name" in delta else set())
        entries.append((organisation, delta, f"Updated from {source} (as of {as_of.isoformat()})", organisation.pk))
    if saved:
        bulk_update_with_history(saved, Organisation, sorted(fields | {"updated_at", "version"}), batch_size=500)
        audit_events_record_many(actor=acting_user, action="register_values_record", entries=entries)
        records_saved_in_bulk.send(sender=Organisation, pks=[organisation.pk for organisation in saved])
    return sorted(touched | {organisation.pk for organisation in saved})


# Identifiers


def _parsed_identifier(raw: Any, scheme: Any) -> Any:
    """IdentifierForm's rules: a register from the list, and an identifier of 50 characters or fewer that reads as one."""
    checks = FieldChecks()
    scheme = checks.choice("scheme", scheme, IdentifierScheme.values, invalid="Choose a register from the list")
    value = checks.text("value", raw, required="Enter an identifier", max_length=50, too_long="An identifier is 50 characters or fewer", markup=True)
    checks.raise_if_any()
    try:
        return parse_identifier(value, scheme or None)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from error


@transaction.atomic
def identifier_add(*, acting_user: Any, organisation: Organisation, raw: str, scheme: str | None = None, source: str = "Council") -> OrganisationIdentifier:
    """Record an identifier, normalised (e.g. 'gb chc 1234567' → GB-CHC-1234567)."""
    require(can_manage_register, acting_user, organisation, message="Only council officers add identifiers.")
    parsed = _parsed_identifier(raw, scheme)
    if organisation.identifiers.filter(scheme=parsed.scheme, value=parsed.value).exists():
        raise ValidationError({"value": f"{parsed.org_id} is already recorded for this organisation"})
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
    require(can_manage_register, acting_user, identifier.organisation, message="Only council officers remove identifiers.")
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
    require(can_manage_register, acting_user, organisation, message="Only council officers add contacts.")
    _check_fields(fields, CONTACT_FIELDS)
    fields = _checked({field: fields.get(field) for field in CONTACT_FIELDS}, _CONTACT_CHECKS)
    contact = Contact(organisation=organisation, **fields)
    contact.full_clean()
    contact.save()
    # The audit trail names the fact, not the person's details.
    audit_event_record(actor=acting_user, action="contact_create", obj=contact, summary="Contact added", organisation_id=organisation.pk)
    return contact


@transaction.atomic
def contact_update(*, acting_user: Any, contact: Contact, changes: dict[str, Any], expected_version: int | None = None) -> list[str]:
    """Change a contact; returns the names of the fields that changed (not their values: personal data).

    With `expected_version`, a contact changed since the officer opened it is refused (StaleEdit).
    """
    require(can_manage_register, acting_user, contact.organisation, message="Only council officers change contacts.")
    lock_for_edit(contact, expected_version, changes)
    _check_fields(changes, CONTACT_FIELDS)
    changes = _checked(changes, _CONTACT_CHECKS)
    before = snapshot(contact, CONTACT_FIELDS)
    for field, value in changes.items():
        setattr(contact, field, value)
    changed = sorted(diff(before, snapshot(contact, CONTACT_FIELDS)))
    if not changed:
        return []
    contact.full_clean()
    contact.save()
    version_advance(contact)
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
    require(can_erase_contact, acting_user, contact, message="Only council officers and administrators erase contacts.")
    reason = _reason(reason, "Why are the details being erased")
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
    # Kept pages that showed the details can no longer be served once this commits: delete them then.
    transaction.on_commit(page_cache.purge, robust=True)


# Areas of work (a managed list)


def _area_name(value: Any, current: AreaOfWork | None = None) -> str:
    """AreaOfWorkForm's rules: a name of 100 characters or fewer, spaces folded, that no other area has (in any case)."""
    checks = FieldChecks()
    name = checks.text(
        "name",
        " ".join(as_text(value).split()),
        required="Enter a name for the area of work",
        max_length=100,
        too_long="The name must be 100 characters or fewer",
    )
    if name and not checks.failed("name"):
        taken = AreaOfWork.objects.filter(name__iexact=name)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            checks.add("name", f"There is already an area of work called {name}")
    checks.raise_if_any()
    return name


@transaction.atomic
def area_of_work_create(*, acting_user: Any, name: str) -> AreaOfWork:
    require(can_manage_register, acting_user, message="Only council officers keep the list of areas of work.")
    area = AreaOfWork(name=_area_name(name))
    area.full_clean()
    area.save()
    audit_event_record(actor=acting_user, action="area_of_work_create", obj=area, changes={"name": [None, area.name]}, summary="Area of work added")
    return area


@transaction.atomic
def area_of_work_rename(*, acting_user: Any, area: AreaOfWork, name: str) -> AreaOfWork:
    require(can_manage_register, acting_user, area, message="Only council officers keep the list of areas of work.")
    before = area.name
    area.name = _area_name(name, current=area)
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
    require(can_merge_organisations, acting_user, message="Only council officers decide about possible duplicates.")
    if first.pk == second.pk:
        raise ValidationError("Choose two different organisations")
    reason = _reason(reason, "Why are these different organisations")
    low, high = _ordered(first, second)
    if DuplicateDecision.objects.filter(first=low, second=high).exists():
        raise ValidationError("These records were already marked as different organisations.")
    decision = DuplicateDecision(first=low, second=high, decided_by=acting_user, reason=reason)
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
    require(can_merge_organisations, acting_user, message="Only council officers merge organisations.")
    _check_mergeable(kept, merged)
    reason = _reason(reason, "Why are these the same organisation")
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
    require(can_merge_organisations, acting_user, merge, message="Only council officers undo merges.")
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
