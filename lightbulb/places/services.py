"""Writes about the council, wards, localities, councillors and postcodes: each audited, in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.places.models import Council, Councillor, Locality, Postcode, Ward
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode

COUNCIL_FIELDS = ["name", "gss_code", "org_id", "grant_prefix"]
LOCALITY_FIELDS = ["name", "description"]
WARD_FIELDS = ["gss_code", "name", "locality"]
COUNCILLOR_FIELDS = ["name", "ward", "party", "email", "term_start", "term_end"]
POSTCODE_BATCH = 5000


def _created(obj: Any, fields: list[str]) -> dict[str, list[Any]]:
    return {key: [None, value] for key, value in snapshot(obj, fields).items()}


@transaction.atomic
def council_update(*, acting_user: Any, name: str, gss_code: str, org_id: str, grant_prefix: str = "") -> Council:
    """Save the council's own details, creating the single council row the first time."""
    council = Council.objects.select_for_update().order_by("pk").first()
    creating = council is None
    council = council or Council()
    before = snapshot(council, COUNCIL_FIELDS)
    council.name = name.strip()
    council.gss_code = gss_code.strip().upper()
    council.org_id = org_id.strip().upper()
    council.grant_prefix = grant_prefix.strip()
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


@transaction.atomic
def locality_create(*, acting_user: Any, name: str, description: str = "", wards: Iterable[Ward] | None = None) -> Locality:
    locality = Locality(name=name.strip(), description=description.strip())
    locality.full_clean()
    locality.save()
    changes = _created(locality, LOCALITY_FIELDS) | _assign_wards(locality, wards)
    audit_event_record(actor=acting_user, action="locality_create", obj=locality, changes=changes, summary=f"Locality {locality.name} created")
    return locality


@transaction.atomic
def locality_update(*, acting_user: Any, locality: Locality, name: str, description: str = "", wards: Iterable[Ward] | None = None) -> Locality:
    before = snapshot(locality, LOCALITY_FIELDS)
    locality.name = name.strip()
    locality.description = description.strip()
    locality.full_clean()
    locality.save()
    changes = diff(before, snapshot(locality, LOCALITY_FIELDS)) | _assign_wards(locality, wards)
    if changes:
        audit_event_record(actor=acting_user, action="locality_update", obj=locality, changes=changes, summary="Locality changed")
    return locality


@transaction.atomic
def ward_create(*, acting_user: Any, gss_code: str, name: str, locality: Locality | None = None) -> Ward:
    ward = Ward(gss_code=gss_code.strip().upper(), name=name.strip(), locality=locality)
    ward.full_clean()
    ward.save()
    audit_event_record(actor=acting_user, action="ward_create", obj=ward, changes=_created(ward, WARD_FIELDS), summary=f"Ward {ward.name} created")
    return ward


@transaction.atomic
def ward_update(*, acting_user: Any, ward: Ward, gss_code: str, name: str, locality: Locality | None) -> Ward:
    before = snapshot(ward, WARD_FIELDS)
    ward.gss_code = gss_code.strip().upper()
    ward.name = name.strip()
    ward.locality = locality
    ward.full_clean()
    ward.save()
    changes = diff(before, snapshot(ward, WARD_FIELDS))
    if changes:
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


@transaction.atomic
def ward_bulk_upsert(*, acting_user: Any, rows: Iterable[Mapping[str, str]], create_only: bool = False) -> tuple[int, int, int]:
    """Create or update wards from rows of `gss_code`, `name` and optional `locality` (a name).

    With `create_only`, existing wards are left as they are (a postcode file
    names wards only to add those it needs). Returns (created, updated, unchanged).
    """
    by_code: dict[str, Mapping[str, str]] = {row["gss_code"].strip().upper(): row for row in rows}
    localities = _localities_for((row.get("locality", "") for row in by_code.values()), acting_user)
    existing = {ward.gss_code: ward for ward in Ward.objects.filter(gss_code__in=list(by_code))}
    new: list[Ward] = []
    changed: list[Ward] = []
    for code, row in by_code.items():
        locality_name = (row.get("locality") or "").strip().lower()
        ward = existing.get(code)
        if ward is None:
            ward = Ward(gss_code=code, name=row["name"].strip(), locality=localities.get(locality_name))
            ward.full_clean()
            new.append(ward)
            continue
        if create_only:
            continue
        before = (ward.name, ward.locality_id)
        ward.name = row["name"].strip()
        if locality_name:
            ward.locality = localities[locality_name]
        if (ward.name, ward.locality_id) != before:
            ward.full_clean()
            changed.append(ward)
    if new:
        bulk_create_with_history(new, Ward, batch_size=1000, default_user=_user_or_none(acting_user))
    if changed:
        bulk_update_with_history(changed, Ward, ["name", "locality"], batch_size=1000, default_user=_user_or_none(acting_user))
    unchanged = len(by_code) - len(new) - len(changed)
    if new or changed:
        audit_event_record(
            actor=acting_user,
            action="ward_bulk_upsert",
            obj=Ward(pk=0, gss_code="", name="All wards"),
            changes={"created": [None, sorted(ward.gss_code for ward in new)], "updated": [None, sorted(ward.gss_code for ward in changed)]},
            summary=f"Wards loaded: {len(new)} added, {len(changed)} changed",
        )
    return len(new), len(changed), unchanged


def _user_or_none(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def _check_term(term_start: datetime.date, term_end: datetime.date | None) -> None:
    if term_end is not None and term_end < term_start:
        raise ValidationError({"term_end": "The end of the term must be the same as or after the start of the term"})


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
    _check_term(term_start, term_end)
    councillor = Councillor(name=name.strip(), ward=ward, party=party.strip(), term_start=term_start, term_end=term_end, email=email.strip().lower())
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
def councillor_update(*, acting_user: Any, councillor: Councillor, **fields: Any) -> Councillor:
    unknown = set(fields) - set(COUNCILLOR_FIELDS)
    if unknown:
        raise ValueError(f"Unknown councillor fields: {', '.join(sorted(unknown))}")
    before = snapshot(councillor, COUNCILLOR_FIELDS)
    for name, value in fields.items():
        setattr(councillor, name, value.strip() if isinstance(value, str) else value)
    councillor.email = councillor.email.lower()
    _check_term(councillor.term_start, councillor.term_end)
    councillor.full_clean()
    councillor.save()
    changes = diff(before, snapshot(councillor, COUNCILLOR_FIELDS))
    if changes:
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
    wards = dict(Ward.objects.values_list("gss_code", "pk"))
    created = updated = unchanged = 0
    for batch in _batches(rows, batch_size):
        wanted: dict[str, int] = {}
        for row in batch:
            postcode = normalise_postcode(row["postcode"])
            if not is_valid_postcode(postcode):
                raise ValidationError(f"{postcode!r} is not a postcode")
            code = row["ward_code"].strip().upper()
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
