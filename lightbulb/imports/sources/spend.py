"""The council's own spend over £500 and its supplier list (CSV or Excel, with the columns the person confirms).

Spend lines are kept as published, each matched where it can be: to an organisation by the
supplier list (its company or charity number held by one organisation), else by the supplier's
name; to an agreement by the reference on the line, else the organisation's only live
agreement. A negative amount is a credit note and counted as one. A line repeated exactly in a
file is refused; the same transaction number on different lines (an invoice split across
services) is kept. Re-importing the same file writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q

from lightbulb.imports.base import ApplyResult, Column, Importer
from lightbulb.imports.models import SpendLine, SupplierRecord
from lightbulb.imports.normalise import parse_date, parse_money
from lightbulb.organisations.normalise import name_key

LIVE = ("awarded", "live", "under_review", "extended")


def _reads() -> tuple[Any, Any, Any]:
    """What matching reads (reads only: nothing here writes another module's records)."""
    return apps.get_model("organisations", "Organisation"), apps.get_model("organisations", "OrganisationIdentifier"), apps.get_model("funding", "Agreement")


def _company_number(company: str) -> str:
    return company.zfill(8) if company.isdigit() else company.upper()


def _present(values: Iterable[str]) -> set[str]:
    return {value for value in values if value}


class Matcher:
    """Organisations by name and identifier, suppliers by id, agreements by reference and by organisation.

    Only what the file names is read, each by its index: the names, numbers and supplier ids in its rows, then
    (`read_agreements`) the references they give and the live agreements of the organisations they matched. A
    file of a few hundred lines costs the same against a register of 600 organisations or of 400,000.
    """

    def __init__(self, *, names: Iterable[str] = (), companies: Iterable[str] = (), charities: Iterable[str] = (), supplier_ids: Iterable[str] = ()) -> None:
        organisation_model, identifier_model, _agreement_model = _reads()
        live = organisation_model.objects.filter(archived_at__isnull=True).exclude(status="merged")
        self.by_name: dict[str, int] = {}
        for pk, key in live.filter(name_key__in=_present(name_key(name) for name in names)).values_list("pk", "name_key"):
            self.by_name.setdefault(key, pk)
        wanted = Q(scheme="GB-COH", value__in=_present(_company_number(company) for company in companies)) | Q(scheme="GB-CHC", value__in=_present(charities))
        self.by_identifier: dict[tuple[str, str], int] = {}
        for scheme, value, organisation_id in identifier_model.objects.filter(wanted, organisation__in=live).values_list("scheme", "value", "organisation_id"):
            self.by_identifier.setdefault((scheme, value), organisation_id)
        known = SupplierRecord.objects.filter(supplier_id__in=_present(supplier_ids))
        self.suppliers = {supplier_id: organisation_id for supplier_id, organisation_id in known.values_list("supplier_id", "organisation_id")}
        self.by_reference: dict[str, tuple[int, int]] = {}
        self.only_live: dict[int, int] = {}

    def read_agreements(self, references: Iterable[str], organisation_ids: Iterable[int | None]) -> None:
        """The agreements named by reference, and for each matched organisation its live agreement when it has only one."""
        _organisation_model, _identifier_model, agreement_model = _reads()
        named = agreement_model.objects.filter(reference__in=_present(reference.strip().upper() for reference in references))
        self.by_reference = {
            reference.upper(): (pk, organisation_id) for pk, reference, organisation_id in named.values_list("pk", "reference", "organisation_id")
        }
        live = agreement_model.objects.filter(organisation_id__in={pk for pk in organisation_ids if pk}, status__in=LIVE)
        live_by_organisation: dict[int, list[int]] = {}
        for pk, organisation_id in live.values_list("pk", "organisation_id"):
            live_by_organisation.setdefault(organisation_id, []).append(pk)
        self.only_live = {organisation_id: pks[0] for organisation_id, pks in live_by_organisation.items() if len(pks) == 1}

    def organisation(self, *, name: str, supplier_id: str = "", company: str = "", charity: str = "") -> int | None:
        if supplier_id and self.suppliers.get(supplier_id):
            return self.suppliers[supplier_id]
        for scheme, value in (("GB-COH", _company_number(company)), ("GB-CHC", charity)):
            if value and (scheme, value) in self.by_identifier:
                return self.by_identifier[(scheme, value)]
        return self.by_name.get(name_key(name))

    def agreement(self, reference: str, organisation_id: int | None) -> int | None:
        found = self.by_reference.get(reference.strip().upper()) if reference else None
        if found and (organisation_id is None or found[1] == organisation_id):
            return found[0]
        return self.only_live.get(organisation_id) if organisation_id else None


class SupplierList(Importer):
    name = "suppliers"
    label = "The council's supplier list"
    source_label = "The council's finance system"
    description = "A CSV or Excel list of suppliers: supplier ID and name, and their company or charity number where known."
    columns = {
        "supplier_id": Column("Supplier ID", ("supplier_id", "vendor_id", "supplier_number", "supplier_code", "creditor_id")),
        "name": Column("Supplier name", ("supplier_name", "name", "vendor_name", "supplier")),
        "company_number": Column("Company number", ("company_number", "company_registration_number", "companies_house_number"), required=False),
        "charity_number": Column("Charity number", ("charity_number", "registered_charity_number", "charity_registration_number"), required=False),
    }

    def prepare(self) -> None:
        self.seen: set[str] = set()

    def parse_row(self, row: dict[str, str]) -> dict[str, Any]:
        supplier_id = self.text(row, "supplier_id", required=True, max_length=50)
        if supplier_id in self.seen:
            raise ValidationError(f"The supplier ID {supplier_id} is listed more than once")
        self.seen.add(supplier_id)
        return {
            "supplier_id": supplier_id,
            "name": self.name_text(row, "name", required=True, max_length=300),
            "company_number": self.text(row, "company_number", max_length=20).replace(" ", "").upper(),
            "charity_number": self.text(row, "charity_number", max_length=20).replace(" ", ""),
        }

    def apply(self, rows: list[dict[str, Any]], run: Any) -> ApplyResult:
        matcher = Matcher(
            names=[row["name"] for row in rows], companies=[row["company_number"] for row in rows], charities=[row["charity_number"] for row in rows]
        )
        existing = {supplier.supplier_id: supplier for supplier in SupplierRecord.objects.all()}
        result = ApplyResult()
        new, changed = [], []
        for row in rows:
            row["organisation_id"] = matcher.organisation(name=row["name"], company=row["company_number"], charity=row["charity_number"])
            supplier = existing.get(row["supplier_id"])
            if supplier is None:
                new.append(SupplierRecord(**row, import_run_id=getattr(run, "pk", None)))
                continue
            delta = {name: [getattr(supplier, name), value] for name, value in row.items() if getattr(supplier, name) != value}
            if not delta:
                result.unchanged += 1
                continue
            for name, value in row.items():
                setattr(supplier, name, value)
            changed.append(supplier)
            if len(result.changes) < 1000:
                result.changes.append({"record": supplier.supplier_id, "changes": delta})
        SupplierRecord.objects.bulk_create(new, batch_size=2000)
        SupplierRecord.objects.bulk_update(changed, ["name", "company_number", "charity_number", "organisation_id"], batch_size=2000)
        result.created, result.updated = len(new), len(changed)
        return result


class Spend(Importer):
    name = "spend"
    label = "The council's spend over £500"
    source_label = "The council's published spend (Local Government Transparency Code)"
    licence = "Open Government Licence v3.0"
    description = "The spend-over-£500 CSV or workbook: date, supplier, amount and transaction number; service, expense type, description and agreement reference where given."
    columns = {
        "payment_date": Column("Payment date", ("payment_date", "date", "transaction_date", "date_paid", "paid_date")),
        "supplier_name": Column("Supplier name", ("supplier_name", "supplier", "beneficiary", "vendor_name", "payee")),
        "amount": Column("Amount", ("amount", "net_amount", "value", "amount_gbp", "total")),
        "transaction_number": Column(
            "Transaction number", ("transaction_number", "transaction_no", "transaction_id", "invoice_number", "reference"), required=False
        ),
        "supplier_id": Column("Supplier ID", ("supplier_id", "vendor_id", "supplier_number", "creditor_id"), required=False),
        "service": Column("Service area", ("service_area", "service", "department", "directorate", "service_division"), required=False),
        "expense_type": Column("Expense type", ("expense_type", "expenditure_category", "expense_area", "category"), required=False),
        "description": Column("Description", ("description", "purpose", "narrative", "details"), required=False),
        "agreement_reference": Column(
            "Agreement reference", ("agreement_reference", "contract_reference", "agreement", "contract_id", "po_number"), required=False
        ),
    }

    def prepare(self) -> None:
        self.seen: dict[str, int] = {}
        self.row_number = 0

    def parse_row(self, row: dict[str, str]) -> dict[str, Any]:
        self.row_number += 1
        line_hash = hashlib.md5("\x1f".join(row.get(key, "").strip() for key in self.columns).encode(), usedforsecurity=False).hexdigest()
        if line_hash in self.seen:
            raise ValidationError(f"This line repeats line {self.seen[line_hash]:,} of the file exactly")
        self.seen[line_hash] = self.row_number
        amount = parse_money(row.get("amount"), self.notes)
        if amount is None:
            raise ValidationError("The amount is missing")
        when = parse_date(row.get("payment_date"), self.notes)
        if when is None:
            raise ValidationError("The payment date is missing")
        return {
            "line_hash": line_hash,
            "payment_date": when,
            "supplier_name": self.text(row, "supplier_name", required=True, max_length=300),
            "supplier_id": self.text(row, "supplier_id", max_length=50),
            "amount": amount,
            "transaction_number": self.text(row, "transaction_number", max_length=100),
            "service": self.text(row, "service", max_length=200),
            "expense_type": self.text(row, "expense_type", max_length=200),
            "description": (row.get("description") or "").strip()[:5000],
            "agreement_reference": self.text(row, "agreement_reference", max_length=100),
            "is_credit_note": amount < 0,
        }

    def apply(self, rows: list[dict[str, Any]], run: Any) -> ApplyResult:
        known = set(SpendLine.objects.filter(line_hash__in=[row["line_hash"] for row in rows]).values_list("line_hash", flat=True))
        fresh = [row for row in rows if row["line_hash"] not in known]
        matcher = Matcher(names=[row["supplier_name"] for row in fresh], supplier_ids=[row["supplier_id"] for row in fresh])
        organisations = [matcher.organisation(name=row["supplier_name"], supplier_id=row["supplier_id"]) for row in fresh]
        matcher.read_agreements([row["agreement_reference"] for row in fresh], organisations)
        new = [
            SpendLine(
                **row,
                organisation_id=organisation_id,
                agreement_id=matcher.agreement(row["agreement_reference"], organisation_id),
                import_run_id=getattr(run, "pk", None),
            )
            for row, organisation_id in zip(fresh, organisations, strict=True)
        ]
        SpendLine.objects.bulk_create(new, batch_size=2000)
        self._note(new)
        return ApplyResult(created=len(new), unchanged=len(rows) - len(new))

    def _note(self, new: list[SpendLine]) -> None:
        self._note_credits(new)
        if new:
            matched = len([line for line in new if line.organisation_id])
            with_agreement = len([line for line in new if line.agreement_id])
            self.notes.once(f"{matched:,} of {len(new):,} new lines matched to an organisation on the register, {with_agreement:,} to an agreement")
        numbers = [line.transaction_number for line in new if line.transaction_number]
        if len(set(numbers)) < len(numbers):
            self.notes.once("Some transaction numbers appear on more than one line (an invoice split across services): each line was kept")

    def _note_credits(self, new: list[SpendLine]) -> None:
        credits = [line for line in new if line.is_credit_note]
        if credits:
            total = sum(-line.amount for line in credits)
            self.notes.once(f"{len(credits):,} credit note{'' if len(credits) == 1 else 's'} (negative amounts) totalling £{total:,.2f}")
