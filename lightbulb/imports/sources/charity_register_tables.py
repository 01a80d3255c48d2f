"""The register extract's other tables, as JSON or tab-separated text, and what the flags read from them.

- annual return history: a charity's latest reported income and its year end, for the dependency
  flag (`Organisation.latest_income`), when it is newer than what the organisation holds;
- area of operation: a registered charity that says it works in the council's own local
  authority is in the council's area (added to the register when an officer runs the import,
  as the charity table adds those with a postcode in the area);
- trustees: the names of a charity's trustees, one a line, as the `trustees` register value
  the shared-trustees flag compares.

Each table is kept as published (imports models) for reference; every write to an organisation
goes through the organisations module's services, labelled with the source and the extract's date,
never over a value a person typed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any, ClassVar

from django.apps import apps

from lightbulb.core.rules import SystemActor
from lightbulb.engagement.tasks import flags_recompute_later
from lightbulb.imports import register_load, register_tables
from lightbulb.imports.base import ApplyResult, Column, Importer
from lightbulb.imports.models import CharityAnnualReturn, CharityAreaOfOperation, CharityRecord, CharityTrustee
from lightbulb.imports.register_tables import RegisterTable
from lightbulb.imports.sources.charity_register import LICENCE, SOURCE, CharityRegister, charities_in_area, register_holders
from lightbulb.organisations import services as organisation_services

CHUNK = 2000


def _chunked(numbers: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(numbers), CHUNK):
        yield numbers[start : start + CHUNK]


class RegisterTableSource(Importer):
    """A streamed table of the register extract: staged by COPY, applied by row hash, then what the flags need is recorded."""

    register_table: ClassVar[RegisterTable]
    source_label = SOURCE
    licence = LICENCE
    formats = ("json", "text")
    streaming = True
    columns: ClassVar[dict[str, Column]] = {"registered_charity_number": Column("Registered charity number", ("registered_charity_number",))}

    def stream_rows(self, handle: IO[bytes]) -> Iterator[dict[str, Any]]:
        return CharityRegister(acting_user=self.acting_user, notes=self.notes).stream_rows(handle)

    def stage(self, handle: IO[bytes], run: Any, progress: Any, position: Any = None) -> register_load.Staged:
        return register_tables.stage(self.register_table, self.stream_rows(handle), progress, position or (lambda: 0.0))

    def cleanup(self) -> None:
        register_tables.drop_stage(self.register_table)

    def apply_staged(self, run: Any) -> ApplyResult:
        done = register_tables.apply(self.register_table, getattr(run, "pk", None))
        if done.removed:
            self.notes.once(f"{done.removed:,} rows no longer in the register's extract were removed")
        if done.added or done.removed:
            self.record(getattr(run, "pk", None))
        return ApplyResult(created=done.added, unchanged=done.unchanged)

    def record(self, run_id: int | None) -> None:
        """Record what the flags read from this table, for the organisations on the register."""

    def _record_values(self, items: list[tuple[Any, dict[str, Any], datetime.date]]) -> list[int]:
        return organisation_services.register_values_record_many(acting_user=SystemActor(label=f"{SOURCE} import"), source=SOURCE, items=items)


def _organisations(ids: list[int]) -> dict[int, Any]:
    return dict(apps.get_model("organisations", "Organisation").objects.in_bulk(ids))


def _holding_trustees() -> set[int]:
    """The organisations holding trustees' names from the register (reads only)."""
    held = apps.get_model("organisations", "RegisterValue").objects.filter(source=SOURCE, field="trustees").exclude(value="")
    return set(held.values_list("organisation_id", flat=True))


class CharityAnnualReturns(RegisterTableSource):
    name = "charity-register-annual-returns"
    label = "Charity Commission register extract (annual return history)"
    description = (
        "publicextract.charity_annual_return_history.json or .txt: each charity's reported income by year. "
        "An organisation on the register gets its latest income and year end, when newer than what it holds."
    )
    register_table = RegisterTable(
        CharityAnnualReturn,
        {
            "registered_charity_number": "int",
            "fin_period_start_date": "date",
            "fin_period_end_date": "date",
            "ar_cycle_reference": "text",
            "reporting_due_date": "date",
            "date_annual_return_received": "date",
            "date_accounts_received": "date",
            "total_gross_income": "money",
            "total_gross_expenditure": "money",
            "accounts_qualified": "flag",
            "suppression_ind": "flag",
            "suppression_type": "text",
        },
    )

    def record(self, run_id: int | None) -> None:
        holders = register_holders()
        changed: list[int] = []
        for numbers in _chunked(sorted(holders)):
            latest: dict[int, CharityAnnualReturn] = {}
            reported = CharityAnnualReturn.objects.filter(
                registered_charity_number__in=numbers, total_gross_income__isnull=False, fin_period_end_date__isnull=False
            )
            for row in reported.order_by("registered_charity_number", "-fin_period_end_date"):
                latest.setdefault(row.registered_charity_number, row)
            organisations = _organisations([holders[number] for number in latest])
            items = []
            for number, row in latest.items():
                organisation = organisations[holders[number]]
                if organisation.latest_income_year_end and row.fin_period_end_date < organisation.latest_income_year_end:
                    continue
                values = {"latest_income": row.total_gross_income, "latest_income_year_end": row.fin_period_end_date}
                items.append((organisation, values, row.date_of_extract or datetime.date.today()))
            changed += self._record_values(items)
        if changed:
            flags_recompute_later(changed)
            self.notes.once(f"{len(changed):,} organisations on the register have their latest income from the annual return history")


class CharityAreasOfOperation(RegisterTableSource):
    name = "charity-register-areas"
    label = "Charity Commission register extract (area of operation)"
    description = (
        "publicextract.charity_area_of_operation.json or .txt: where each charity works. A registered charity working in the "
        "council's own local authority is in its area, and is added to the register when an officer runs it."
    )
    register_table = RegisterTable(
        CharityAreaOfOperation,
        {
            "registered_charity_number": "int",
            "linked_charity_number": "int",
            "geographic_area_type": "text",
            "geographic_area_description": "text",
            "parent_geographic_area_type": "text",
            "parent_geographic_area_description": "text",
            "welsh_ind": "flag",
        },
    )

    def record(self, run_id: int | None) -> None:
        added_here = CharityAreaOfOperation.objects.filter(import_run_id=run_id).values("registered_charity_number") if run_id else None
        records = CharityRecord.objects.all() if added_here is None else CharityRecord.objects.filter(registered_charity_number__in=added_here)
        register = CharityRegister(acting_user=self.acting_user, notes=self.notes)
        added = sum(register.add_in_area(record) for record in charities_in_area(records, register_holders()).iterator(chunk_size=CHUNK))
        register.note_outcome(0, added)


class CharityTrustees(RegisterTableSource):
    name = "charity-register-trustees"
    label = "Charity Commission register extract (trustees)"
    description = (
        "publicextract.charity_trustee.json or .txt: each charity's trustees. An organisation on the register gets its trustees' "
        "names, which the shared-trustees flag compares across applicants."
    )
    register_table = RegisterTable(
        CharityTrustee,
        {
            "registered_charity_number": "int",
            "linked_charity_number": "int",
            "trustee_id": "int",
            "trustee_name": "text",
            "trustee_is_chair": "flag",
            "individual_or_organisation": "text",
            "trustee_date_of_appointment": "date",
        },
        required=("registered_charity_number", "trustee_name"),
    )

    def record(self, run_id: int | None) -> None:
        """Each listed charity's trustees, and an empty list for one that held names and is no longer listed.

        A charity on the register the table never named is left alone: with no names to compare, it holds no value."""
        holders = register_holders()
        listed = set(CharityTrustee.objects.filter(linked_charity_number=0).values_list("registered_charity_number", flat=True).distinct())
        held = _holding_trustees()
        changed: list[int] = []
        for numbers in _chunked(sorted(number for number, organisation_id in holders.items() if number in listed or organisation_id in held)):
            names: dict[int, list[str]] = defaultdict(list)
            as_of: dict[int, datetime.date] = {}
            trustees = CharityTrustee.objects.filter(registered_charity_number__in=numbers, linked_charity_number=0).order_by("trustee_name")
            for number, name, extract in trustees.values_list("registered_charity_number", "trustee_name", "date_of_extract"):
                names[number].append(name)
                as_of[number] = extract or as_of.get(number) or datetime.date.today()
            organisations = _organisations([holders[number] for number in numbers])
            today = datetime.date.today()
            items = [(organisations[holders[number]], {"trustees": "\n".join(names[number])}, as_of.get(number, today)) for number in numbers]
            changed += self._record_values(items)
        if changed:
            flags_recompute_later(changed)
            self.notes.once(f"{len(changed):,} organisations on the register have their trustees' names from the register")
