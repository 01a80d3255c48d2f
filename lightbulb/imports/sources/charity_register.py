"""The Charity Commission for England and Wales register extract: its `charity` table, as JSON or tab-separated text.

Every charity is kept as published (imports.CharityRecord) for reference; a charity already on
the council's register (it holds the charity's GB-CHC identifier) gets the register's values,
labelled with the source and the extract's date, through the organisations module's
`register_values_record` — which never overwrites what a person typed. A registered main
charity whose postcode is in the council's area, and not yet on the register, is added when
an officer runs the import (adding organisations is an officer's act); otherwise it is
counted and kept as reference. Removed charities and linked subsidiaries (a non-zero
`linked_charity_number`) are kept as the register defines them, never added as new organisations.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import IO, Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q

from lightbulb.core.rules import SystemActor, allowed, is_officer
from lightbulb.engagement.tasks import flags_recompute_later
from lightbulb.imports import register_json, register_load, register_text
from lightbulb.imports.base import ApplyResult, Column, Importer
from lightbulb.imports.models import CharityAreaOfOperation, CharityRecord
from lightbulb.organisations import services as organisation_services
from lightbulb.places.selectors import council_get

SOURCE = "Charity Commission register"
LICENCE = "Charity Commission for England and Wales register data, Open Government Licence v3.0"
# Organisations enriched per call of the organisations service.
ENRICH_CHUNK = 2000
# Register values kept beside the council's own; the first few fill the organisation's own fields where no person typed them.
STATUS_FIELDS = (
    "charity_registration_status",
    "charity_reporting_status",
    "date_of_removal",
    "charity_insolvent",
    "charity_in_administration",
    "charity_is_cio",
    "cio_is_dissolved",
    "latest_expenditure",
    "latest_acc_fin_period_end_date",
    "charity_company_registration_number",
    "charity_activities",
)


def _organisation_values(record: CharityRecord) -> dict[str, Any]:
    values: dict[str, Any] = {
        "legal_form": "cio" if record.charity_is_cio else ("charitable_company" if record.charity_company_registration_number else "charity"),
        "postcode": record.charity_contact_postcode,
        "date_registered": record.date_of_registration,
        "latest_income": record.latest_income,
        "latest_income_year_end": record.latest_acc_fin_period_end_date,
    }
    if record.charity_registration_status.lower() == "removed":
        values["status"] = "removed"
    if record.cio_is_dissolved:
        values["status"] = "dissolved"
    values.update({name: getattr(record, name) for name in STATUS_FIELDS})
    return values


def _chunks(records: Iterator[CharityRecord], size: int) -> Iterator[list[CharityRecord]]:
    chunk: list[CharityRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def register_holders() -> dict[int, int]:
    """The live organisations on the register holding a charity number: {charity number: organisation id}.

    Where two records hold the same number (a duplicate not yet merged), the one made first holds it, so
    the same register gives the same result whatever order the database returns rows in."""
    identifier_model, organisation_model, _postcode_model = _reads()
    live = organisation_model.objects.filter(archived_at__isnull=True).exclude(status="merged").values("pk")
    holders: dict[int, int] = {}
    held = identifier_model.objects.filter(scheme="GB-CHC", organisation_id__in=live).order_by("value", "organisation_id")
    for value, organisation_id in held.values_list("value", "organisation_id"):
        if value.isdigit():
            holders.setdefault(int(value), organisation_id)
    return holders


# Words that name the kind of council, not the place ("Leeds City Council", "London Borough of Camden").
_COUNCIL_WORDS = frozenset({"council", "borough", "city", "district", "metropolitan", "county", "of", "the", "royal", "london"})


def place_key(text: str) -> str:
    """A local authority's name as the register and the council might both write it: 'Anytown Borough Council' → 'anytown'."""
    return " ".join(word for word in re.findall(r"[a-z]+", text.lower()) if word not in _COUNCIL_WORDS)


def operating_here() -> Any:
    """Charity numbers whose area of operation (the register's table) names the council's own local authority."""
    council = council_get()
    key = place_key(council.name) if council else ""
    if not key:
        return CharityAreaOfOperation.objects.none().values("registered_charity_number")
    local = CharityAreaOfOperation.objects.filter(geographic_area_type__iexact="local authority")
    names = [name for name in local.values_list("geographic_area_description", flat=True).distinct() if place_key(name) == key]
    return local.filter(geographic_area_description__in=names).values("registered_charity_number")


def charities_in_area(records: Any, holders: dict[int, int]) -> Any:
    """Registered main charities, not on the register yet, in the council's area: by their postcode, or by their area of operation."""
    _identifier_model, _organisation_model, postcode_model = _reads()
    here = Q(charity_contact_postcode__in=postcode_model.objects.values("postcode")) | Q(registered_charity_number__in=operating_here())
    return (
        records.filter(linked_charity_number=0, charity_registration_status__iexact="registered")
        .filter(here)
        .exclude(registered_charity_number__in=list(holders))
    )


def _reads() -> tuple[Any, Any, Any]:
    """The models the enrichment reads (reads only: every write goes through the organisations services)."""
    return apps.get_model("organisations", "OrganisationIdentifier"), apps.get_model("organisations", "Organisation"), apps.get_model("places", "Postcode")


class CharityRegister(Importer):
    name = "charity-register"
    label = "Charity Commission register extract (charity table)"
    source_label = SOURCE
    licence = LICENCE
    description = (
        "The register extract's charity table: publicextract.charity.json, or the tab-separated publicextract.charity.txt. "
        "Charities already on the register are updated; registered charities in the council's area are added when an officer runs it."
    )
    formats = ("json", "text")
    streaming = True
    columns = {"registered_charity_number": Column("Registered charity number", ("registered_charity_number",))}

    def stream_rows(self, handle: IO[bytes]) -> Iterator[dict[str, Any]]:
        """The rows a row at a time (the register's other tables are read this way)."""
        start = handle.read(64)
        handle.seek(0)
        if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
            self.notes.once("The file was read as the register's JSON extract")
            return register_load.json_rows(handle)
        self.notes.once("The file was read as the register's tab-separated text extract")
        return register_load.text_rows(handle)

    def reader(self, handle: IO[bytes]) -> register_load.Reader:
        """The extract a block at a time, JSON or text (unchanged charities known by their bytes)."""
        start = handle.read(64)
        handle.seek(0)
        if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
            self.notes.once("The file was read as the register's JSON extract")
            return register_json.BlockReader(handle)
        self.notes.once("The file was read as the register's tab-separated text extract")
        return register_text.TextReader(handle)

    def stage(self, handle: IO[bytes], run: Any, progress: Any, position: Any = None) -> register_load.Staged:
        self.staged = register_load.stage(self.reader(handle), progress, position or (lambda: 0.0), getattr(run, "pk", None))
        return self.staged

    def cleanup(self) -> None:
        register_load.drop_stage()

    def apply_staged(self, run: Any) -> ApplyResult:
        staged = getattr(self, "staged", None)
        if staged is not None and staged.direct:
            # The first extract, loaded straight into the empty table: every row it kept is new.
            done = register_load.Upserted(created=staged.rows - staged.rejected)
        else:
            done = register_load.upsert(getattr(run, "pk", None), staged.known if staged is not None else 0)
        result = ApplyResult(created=done.created, updated=done.updated, unchanged=done.unchanged, changes=done.changes)
        if done.created or done.updated:
            self._enrich(getattr(run, "pk", None))
        return result

    # Enrichment ---------------------------------------------------------------

    def _enrich(self, run_id: int | None) -> None:
        """Only the charities this run added or changed that the council has, or that are in its area, are touched."""
        _identifier_model, organisation_model, _postcode_model = _reads()
        touched = CharityRecord.objects.filter(linked_charity_number=0)
        if run_id:
            touched = touched.filter(import_run_id=run_id)
        holders = register_holders()
        system = SystemActor(label=f"{SOURCE} import")
        changed: list[int] = []
        linked = added = 0
        held = touched.filter(registered_charity_number__in=list(holders)).order_by("pk")
        for chunk in _chunks(held.iterator(chunk_size=ENRICH_CHUNK), ENRICH_CHUNK):
            changed += self._record_many(system, organisation_model, holders, chunk)
            linked += len(chunk)
        for record in charities_in_area(touched, holders).iterator(chunk_size=2000):
            added += self.add_in_area(record)
        if changed:
            flags_recompute_later(changed)
        self.note_outcome(linked, added)

    def _record_many(self, actor: Any, organisation_model: Any, holders: dict[int, int], records: list[CharityRecord]) -> list[int]:
        """The register's values for a chunk of charities the council has, through one call of the organisations service."""
        organisations = organisation_model.objects.in_bulk([holders[record.registered_charity_number] for record in records])
        today = datetime.date.today()
        items = [
            (organisations[holders[record.registered_charity_number]], _organisation_values(record), record.date_of_extract or today) for record in records
        ]
        changed = organisation_services.register_values_record_many(acting_user=actor, source=SOURCE, items=items)
        relinked = []
        for record in records:
            organisation_id = holders[record.registered_charity_number]
            if record.organisation_id != organisation_id:
                record.organisation_id = organisation_id
                relinked.append(record)
        CharityRecord.objects.bulk_update(relinked, ["organisation_id"], batch_size=2000)
        return changed

    def _record_values(self, actor: Any, organisation: Any, record: CharityRecord) -> None:
        as_of = record.date_of_extract or datetime.date.today()
        organisation_services.register_values_record(
            acting_user=actor, source=SOURCE, organisation=organisation, values=_organisation_values(record), as_of=as_of
        )
        if record.organisation_id != organisation.pk:
            CharityRecord.objects.filter(pk=record.pk).update(organisation_id=organisation.pk)

    def add_in_area(self, record: CharityRecord) -> int:
        """A registered charity in the council's area joins the register, when an officer runs the import."""
        if not allowed(is_officer, self.acting_user):
            self.waiting = getattr(self, "waiting", 0) + 1
            return 0
        try:
            organisation = organisation_services.organisation_create(acting_user=self.acting_user, name=record.charity_name.title())
            organisation_services.identifier_add(
                acting_user=self.acting_user, organisation=organisation, raw=str(record.registered_charity_number), scheme="GB-CHC", source=SOURCE
            )
        except ValidationError as error:
            self.notes.add("Charities in the area that could not be added", f"{record.registered_charity_number}: {'; '.join(error.messages)[:80]}")
            return 0
        self._record_values(SystemActor(label=f"{SOURCE} import"), organisation, record)
        return 1

    def note_outcome(self, linked: int, added: int) -> None:
        if linked:
            self.notes.once(f"{linked:,} organisations on the register were updated from the register extract (values a person typed were kept)")
        if added:
            self.notes.once(f"{added:,} registered charities in the council's area were added to the register")
        waiting = getattr(self, "waiting", 0)
        if waiting:
            self.notes.once(f"{waiting:,} registered charities in the council's area are not on the register yet: an officer's run of this import adds them")
        self.notes.once("Every other charity is kept as reference only (the register's own values, as published)")
