"""Writes about the council, wards, localities, councillors and postcodes: each audited, in one transaction."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.checks import REQUIRED, FieldChecks, as_text
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.rules import require
from lightbulb.core.signals import records_saved_in_bulk
from lightbulb.places.models import Council, Councillor, Locality, Postcode, Ward
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode
from lightbulb.places.rules import can_manage_council_settings, can_manage_places

COUNCIL_FIELDS = ["name", "gss_code", "org_id", "grant_prefix"]
LOCALITY_FIELDS = ["name", "description"]
WARD_FIELDS = ["gss_code", "name", "locality"]
COUNCILLOR_FIELDS = ["name", "ward", "party", "email", "term_start", "term_end"]
POSTCODE_BATCH = 5000

# What the forms (forms.py) accept, checked again here in their words.
WARD_CODE = re.compile(r"^E05\d{6}$")
COUNCIL_CODE = re.compile(r"^E0[6789]\d{6}$")
ORG_ID = re.compile(r"^GB-LAE-[A-Z]{3,4}$")
GRANT_PREFIX = re.compile(r"^360G-[A-Za-z0-9-]+$")
NOT_IN_LIST = "Select a valid choice. That choice is not one of the available choices."
PLACES_MESSAGE = "Only council officers and administrators keep wards, localities and councillors."


def _code(checks: FieldChecks, field: str, value: Any, pattern: re.Pattern[str], message: str) -> str:
    code = re.sub(r"\s+", "", as_text(value)).upper()
    if not code:
        checks.add(field, REQUIRED)
    elif not pattern.match(code):
        checks.add(field, message)
    return code


def _one_of(checks: FieldChecks, field: str, value: Any, model: type[Any], *, required: str | None = None, invalid: str = NOT_IN_LIST) -> Any:
    """A row of `model` (or None where it may be empty) that is still in the database."""
    if value is None:
        if required is not None:
            checks.add(field, required)
        return None
    if not isinstance(value, model) or not model.objects.filter(pk=value.pk).exists():
        checks.add(field, invalid)
        return None
    return value


def _created(obj: Any, fields: list[str]) -> dict[str, list[Any]]:
    return {key: [None, value] for key, value in snapshot(obj, fields).items()}


@transaction.atomic
def council_update(*, acting_user: Any, name: str, gss_code: str, org_id: str, grant_prefix: str = "") -> Council:
    """Save the council's own details, creating the single council row the first time."""
    require(can_manage_council_settings, acting_user, message="Only system administrators change the council's details.")
    checks = FieldChecks()
    name = checks.text("name", name, required=REQUIRED, max_length=200)
    gss_code = _code(checks, "gss_code", gss_code, COUNCIL_CODE, "Enter a council GSS code: E06, E07, E08 or E09 then 6 numbers, for example E06000999")
    org_id = _code(checks, "org_id", org_id, ORG_ID, "Enter an Org-ID like GB-LAE-ANY (GB-LAE- then 3 or 4 letters)")
    grant_prefix = checks.text("grant_prefix", grant_prefix, max_length=50, markup=True)
    if grant_prefix and not checks.failed("grant_prefix") and not GRANT_PREFIX.match(grant_prefix):
        checks.add("grant_prefix", "Enter a 360Giving prefix that starts 360G- followed by letters, numbers or hyphens, for example 360G-anytown")
    checks.raise_if_any()
    council = Council.objects.select_for_update().order_by("pk").first()
    creating = council is None
    council = council or Council()
    before = snapshot(council, COUNCIL_FIELDS)
    council.name, council.gss_code, council.org_id, council.grant_prefix = name, gss_code, org_id, grant_prefix
    council.full_clean()
    council.save()
    changes = diff(before, snapshot(council, COUNCIL_FIELDS))
    if changes:
        audit_event_record(
            actor=acting_user,
            action="council_update",
            obj=council,
            changes=changes,
            summary="Council details saved" if creating else "Council details changed",
        )
    return council


def _assign_wards(locality: Locality, wards: Iterable[Ward] | None) -> dict[str, list[Any]]:
    """Make `wards` exactly the wards of `locality`; the change for the audit trail."""
    if wards is None:
        return {}
    chosen = {ward.pk for ward in wards}
    before = sorted(Ward.objects.filter(locality=locality).values_list("name", flat=True))
    Ward.objects.filter(locality=locality).exclude(pk__in=chosen).update(locality=None)
    Ward.objects.filter(pk__in=chosen).update(locality=locality)
    after = sorted(Ward.objects.filter(locality=locality).values_list("name", flat=True))
    return {"wards": [before, after]} if before != after else {}


def _locality_checked(name: Any, description: Any, wards: Any, current: Locality | None = None) -> tuple[str, str, list[Ward] | None]:
    """LocalityForm's rules: a name no other locality has (in any case), a description, wards from the list."""
    checks = FieldChecks()
    name = checks.text("name", name, required=REQUIRED, max_length=200)
    if name and not checks.failed("name"):
        clash = Locality.objects.filter(name__iexact=name)
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            checks.add("name", "Another locality already has this name")
    description = checks.text("description", description, max_length=2000)
    chosen = None if wards is None else checks.objects("wards", wards, Ward, invalid="Choose wards from the list")
    checks.raise_if_any()
    return name, description, chosen


@transaction.atomic
def locality_create(*, acting_user: Any, name: str, description: str = "", wards: Iterable[Ward] | None = None) -> Locality:
    require(can_manage_places, acting_user, message=PLACES_MESSAGE)
    name, description, wards = _locality_checked(name, description, wards)
    locality = Locality(name=name, description=description)
    locality.full_clean()
    locality.save()
    changes = _created(locality, LOCALITY_FIELDS) | _assign_wards(locality, wards)
    audit_event_record(actor=acting_user, action="locality_create", obj=locality, changes=changes, summary=f"Locality {locality.name} created")
    return locality


@transaction.atomic
def locality_update(
    *, acting_user: Any, locality: Locality, name: str, description: str = "", wards: Iterable[Ward] | None = None, expected_version: int | None = None
) -> Locality:
    """Change a locality; with `expected_version`, one changed since the officer opened it is refused (StaleEdit)."""
    require(can_manage_places, acting_user, locality, message=PLACES_MESSAGE)
    submitted = {"name": name, "description": description} | ({} if wards is None else {"wards": wards})
    lock_for_edit(locality, expected_version, submitted)
    name, description, wards = _locality_checked(name, description, wards, current=locality)
    before = snapshot(locality, LOCALITY_FIELDS)
    locality.name = name
    locality.description = description
    locality.full_clean()
    locality.save()
    changes = diff(before, snapshot(locality, LOCALITY_FIELDS)) | _assign_wards(locality, wards)
    if changes:
        version_advance(locality)
        audit_event_record(actor=acting_user, action="locality_update", obj=locality, changes=changes, summary="Locality changed")
    return locality


def _ward_checked(gss_code: Any, name: Any, locality: Any, current: Ward | None = None) -> tuple[str, str, Locality | None]:
    """WardForm's rules: an E05 code no other ward has, a name, a locality from the list (or none)."""
    checks = FieldChecks()
    name = checks.text("name", name, required=REQUIRED, max_length=200)
    code = _code(checks, "gss_code", gss_code, WARD_CODE, "Enter a ward GSS code: E05 then 6 numbers, for example E05001234")
    if not checks.failed("gss_code"):
        clash = Ward.objects.filter(gss_code=code)
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            checks.add("gss_code", f"Another ward already has the code {code}")
    locality = _one_of(checks, "locality", locality, Locality)
    checks.raise_if_any()
    return code, name, locality


@transaction.atomic
def ward_create(*, acting_user: Any, gss_code: str, name: str, locality: Locality | None = None) -> Ward:
    require(can_manage_places, acting_user, message=PLACES_MESSAGE)
    gss_code, name, locality = _ward_checked(gss_code, name, locality)
    ward = Ward(gss_code=gss_code, name=name, locality=locality)
    ward.full_clean()
    ward.save()
    audit_event_record(actor=acting_user, action="ward_create", obj=ward, changes=_created(ward, WARD_FIELDS), summary=f"Ward {ward.name} created")
    return ward


@transaction.atomic
def ward_update(*, acting_user: Any, ward: Ward, gss_code: str, name: str, locality: Locality | None, expected_version: int | None = None) -> Ward:
    """Change a ward; with `expected_version`, one changed since the officer opened it is refused (StaleEdit)."""
    require(can_manage_places, acting_user, ward, message=PLACES_MESSAGE)
    lock_for_edit(ward, expected_version, {"gss_code": gss_code, "name": name, "locality": locality})
    gss_code, name, locality = _ward_checked(gss_code, name, locality, current=ward)
    before = snapshot(ward, WARD_FIELDS)
    ward.gss_code, ward.name, ward.locality = gss_code, name, locality
    ward.full_clean()
    ward.save()
    changes = diff(before, snapshot(ward, WARD_FIELDS))
    if changes:
        version_advance(ward)
        audit_event_record(actor=acting_user, action="ward_update", obj=ward, changes=changes, summary="Ward changed")
    return ward


def _localities_for(names: Iterable[str], acting_user: Any) -> dict[str, Locality]:
    """Localities by lower-cased name, creating those named for the first time."""
    wanted = {name.strip() for name in names if name and name.strip()}
    found = {locality.name.lower(): locality for locality in Locality.objects.all()}
    for name in sorted(wanted):
        if name.lower() not in found:
            found[name.lower()] = locality_create(acting_user=acting_user, name=name)
    return found


def _row_text(row: Any, key: str, number: int) -> str:
    """A bulk row's text value, or a ValidationError naming the row (importers clean rows first; others may not)."""
    value = row.get(key) if isinstance(row, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"Row {number}: {key.replace('_', ' ')} is missing")
    return value.strip()


def _locality_name(row: Mapping[str, str]) -> str:
    return (row.get("locality") or "").strip().lower()


def _new_ward(code: str, row: Mapping[str, str], localities: dict[str, Any]) -> Ward:
    ward = Ward(gss_code=code, name=row["name"].strip(), locality=localities.get(_locality_name(row)))
    ward.full_clean()
    return ward


def _ward_changed(ward: Ward, row: Mapping[str, str], localities: dict[str, Any]) -> bool:
    """Apply the row's name and locality to `ward`; True when either changed (a row with no locality keeps the ward's)."""
    before = (ward.name, ward.locality_id)
    ward.name = row["name"].strip()
    if _locality_name(row):
        ward.locality = localities[_locality_name(row)]
    if (ward.name, ward.locality_id) == before:
        return False
    ward.full_clean()
    return True


@transaction.atomic
def ward_bulk_upsert(*, acting_user: Any, rows: Iterable[Mapping[str, str]], create_only: bool = False) -> tuple[int, int, int]:
    """Create or update wards from rows of `gss_code`, `name` and optional `locality` (a name).

    With `create_only`, existing wards are left as they are (a postcode file
    names wards only to add those it needs). Returns (created, updated, unchanged).
    """
    require(can_manage_places, acting_user, message=PLACES_MESSAGE)
    by_code: dict[str, Mapping[str, str]] = {_row_text(row, "gss_code", n).upper(): row for n, row in enumerate(rows, start=1)}
    bad = [code for code in by_code if not WARD_CODE.match(code)]
    if bad:
        raise ValidationError(f"{bad[0]} is not a ward GSS code: E05 then 6 numbers, for example E05001234")
    for n, row in enumerate(by_code.values(), start=1):
        _row_text(row, "name", n)
    localities = _localities_for((row.get("locality", "") for row in by_code.values()), acting_user)
    existing = {ward.gss_code: ward for ward in Ward.objects.filter(gss_code__in=list(by_code))}
    new: list[Ward] = []
    changed: list[Ward] = []
    for code, row in by_code.items():
        ward = existing.get(code)
        if ward is None:
            new.append(_new_ward(code, row, localities))
        elif not create_only and _ward_changed(ward, row, localities):
            changed.append(ward)
    _wards_save(new, changed, acting_user)
    return len(new), len(changed), len(by_code) - len(new) - len(changed)


def _wards_save(new: list[Ward], changed: list[Ward], acting_user: Any) -> None:
    """Write the new and changed wards in batches, with their history and one audit event for the load.

    No per-row signals fire, so the load is announced once as `records_saved_in_bulk`; an unchanged load writes and announces nothing."""
    if not new and not changed:
        return
    user = _user_or_none(acting_user)
    if new:
        bulk_create_with_history(new, Ward, batch_size=1000, default_user=user)
    if changed:
        bulk_update_with_history(changed, Ward, ["name", "locality"], batch_size=1000, default_user=user)
    audit_event_record(
        actor=acting_user,
        action="ward_bulk_upsert",
        obj=Ward(pk=0, gss_code="", name="All wards"),
        changes={"created": [None, sorted(ward.gss_code for ward in new)], "updated": [None, sorted(ward.gss_code for ward in changed)]},
        summary=f"Wards loaded: {len(new)} added, {len(changed)} changed",
    )
    records_saved_in_bulk.send(sender=Ward, pks=[ward.pk for ward in [*new, *changed] if ward.pk is not None])


def _user_or_none(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _check_term(term_start: datetime.date | None, term_end: datetime.date | None) -> None:
    if term_start is not None and term_end is not None and term_end < term_start:
        raise ValidationError({"term_end": "The end of the term must be the same as or after the start of the term"})


def _councillor_checked(fields: dict[str, Any]) -> dict[str, Any]:
    """CouncillorForm's rules on the fields given, each cleaned."""
    checks = FieldChecks()
    rules: dict[str, Any] = {
        "name": lambda value: checks.text("name", value, required=REQUIRED, max_length=200),
        "ward": lambda value: _one_of(checks, "ward", value, Ward, required="Choose the councillor's ward", invalid="Choose a ward from the list"),
        "party": lambda value: checks.text("party", value, required=REQUIRED, max_length=100),
        "email": lambda value: checks.email("email", value).lower(),
        "term_start": lambda value: checks.date("term_start", value, required="Enter the start of the term", invalid="Start of term must be a real date"),
        "term_end": lambda value: checks.date("term_end", value, invalid="End of term must be a real date"),
    }
    cleaned = {field: rules[field](value) for field, value in fields.items()}
    checks.raise_if_any()
    return cleaned


@transaction.atomic
def councillor_create(
    *,
    acting_user: Any,
    name: str,
    ward: Ward,
    party: str,
    term_start: datetime.date,
    term_end: datetime.date | None = None,
    email: str = "",
) -> Councillor:
    require(can_manage_places, acting_user, message=PLACES_MESSAGE)
    fields = _councillor_checked({"name": name, "ward": ward, "party": party, "term_start": term_start, "term_end": term_end, "email": email})
    _check_term(fields["term_start"], fields["term_end"])
    councillor = Councillor(**fields)
    councillor.full_clean()
    councillor.save()
    audit_event_record(
        actor=acting_user,
        action="councillor_create",
        obj=councillor,
        changes=_created(councillor, COUNCILLOR_FIELDS),
        summary=f"Councillor {councillor.name} added for {ward.name}",
    )
    return councillor


@transaction.atomic
def councillor_update(*, acting_user: Any, councillor: Councillor, expected_version: int | None = None, **fields: Any) -> Councillor:
    """Change a councillor's details; with `expected_version`, a record changed since the officer opened it is refused (StaleEdit)."""
    require(can_manage_places, acting_user, councillor, message=PLACES_MESSAGE)
    unknown = set(fields) - set(COUNCILLOR_FIELDS)
    if unknown:
        raise ValueError(f"Unknown councillor fields: {', '.join(sorted(unknown))}")
    lock_for_edit(councillor, expected_version, fields)
    fields = _councillor_checked(fields)
    _check_term(fields.get("term_start", councillor.term_start), fields.get("term_end", councillor.term_end))
    before = snapshot(councillor, COUNCILLOR_FIELDS)
    for name, value in fields.items():
        setattr(councillor, name, value)
    _check_term(councillor.term_start, councillor.term_end)
    councillor.full_clean()
    councillor.save()
    changes = diff(before, snapshot(councillor, COUNCILLOR_FIELDS))
    if changes:
        version_advance(councillor)
        audit_event_record(actor=acting_user, action="councillor_update", obj=councillor, changes=changes, summary="Councillor details changed")
    return councillor


def _batches(rows: Iterable[Mapping[str, str]], size: int) -> Iterator[list[Mapping[str, str]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


@transaction.atomic
def postcode_bulk_upsert(*, acting_user: Any, rows: Iterable[Mapping[str, str]], batch_size: int = POSTCODE_BATCH) -> tuple[int, int, int]:
    """Load postcode → ward rows (`postcode`, `ward_code`) in batches. Returns (created, updated, unchanged).

    Every ward code must already exist (ward_bulk_upsert first). A postcode
    repeated in `rows` takes its last ward. An unchanged row writes nothing.
    """
    require(can_manage_places, acting_user, message=PLACES_MESSAGE)
    wards = dict(Ward.objects.values_list("gss_code", "pk"))
    created = updated = unchanged = 0
    for batch in _batches(rows, batch_size):
        wanted: dict[str, int] = {}
        for number, row in enumerate(batch, start=1):
            postcode = normalise_postcode(_row_text(row, "postcode", number))
            if not is_valid_postcode(postcode):
                raise ValidationError(f"{postcode!r} is not a postcode")
            code = _row_text(row, "ward_code", number).upper()
            if code not in wards:
                raise ValidationError(f"There is no ward with the code {code}")
            wanted[postcode] = wards[code]
        current = dict(Postcode.objects.filter(postcode__in=list(wanted)).values_list("postcode", "ward_id"))
        new = [Postcode(postcode=postcode, ward_id=ward_id) for postcode, ward_id in wanted.items() if postcode not in current]
        moved = [Postcode(postcode=postcode, ward_id=ward_id) for postcode, ward_id in wanted.items() if postcode in current and current[postcode] != ward_id]
        Postcode.objects.bulk_create(new, batch_size=batch_size)
        Postcode.objects.bulk_update(moved, ["ward"], batch_size=batch_size)
        created += len(new)
        updated += len(moved)
        unchanged += len(wanted) - len(new) - len(moved)
    if created or updated:
        audit_event_record(
            actor=acting_user,
            action="postcode_bulk_upsert",
            obj=Postcode(postcode="*"),
            changes={"created": [None, created], "updated": [None, updated]},
            summary=f"Postcode lookup loaded: {created} added, {updated} moved to another ward, {unchanged} unchanged",
        )
    return created, updated, unchanged
