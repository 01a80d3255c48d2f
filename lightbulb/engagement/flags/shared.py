"""Shared details: bank details, address or trustees shared across apparently separate applicants (a fraud indicator).

Applicants are organisations with at least one agreement. Compared, normalised:

- the address: `Organisation.address` with its postcode (letters and digits only, lower case);
- trustees: the `trustees` register value (names separated by new lines or semicolons), from the
  Charity Commission import;
- bank details: the `bank_account` register value (sort code and account number). Lightbulb does
  not hold bank details yet: a finance-system import, or an officer, records them as a
  `RegisterValue` with field `bank_account` and this rule reads them.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from django.db.models import Exists, FilteredRelation, OuterRef, Q

from lightbulb.engagement.flags import Finding, Scope, organisation_link
from lightbulb.funding.models import Agreement
from lightbulb.organisations.models import Organisation, OrganisationStatus, RegisterValue

KINDS = {"address": "address", "trustee": "trustee", "bank": "bank details"}


def normalised(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


Row = tuple[str, str, str]  # name, address, postcode


def _applicants() -> Any:
    """Organisations with at least one agreement, not archived nor merged away."""
    with_agreement = Exists(Agreement.objects.filter(organisation_id=OuterRef("pk")))
    return Organisation.objects.filter(with_agreement, archived_at__isnull=True).exclude(status=OrganisationStatus.MERGED)


def _rows(applicants: Any) -> tuple[dict[int, Row], list[tuple[int, str, str]]]:
    """Each applicant's name, address and postcode, and its trustees and bank details from the register, in one query."""
    held = FilteredRelation("register_values", condition=Q(register_values__field__in=("trustees", "bank_account")) & ~Q(register_values__value=""))
    rows: dict[int, Row] = {}
    register = []
    for pk, name, address, postcode, field, value in applicants.annotate(held=held).values_list(
        "pk", "name", "address", "postcode", "held__field", "held__value"
    ):
        rows[pk] = (name, address, postcode)
        if field:
            register.append((pk, field, value))
    return rows, register


def _candidates(scope: Collection[int]) -> tuple[dict[int, Row], list[tuple[int, str, str]]]:
    """For a few organisations: they and the applicants that could share a detail with them (same postcode,
    a register value naming one of their trustees, any recorded bank details), found through indexes in two queries."""
    rows, register = _rows(_applicants().filter(pk__in=list(scope)))
    if not rows:
        return {}, []
    own = _values(rows, register)
    among = Q(postcode__in=sorted({postcode for _name, _address, postcode in rows.values() if postcode}))
    trustees = [written for kind, _pk, _value, written in own if kind == "trustee"]
    if trustees:
        named = Q()
        for name in trustees:
            named |= Q(value__icontains=name.split()[-1])
        among |= Q(pk__in=RegisterValue.objects.filter(named, field="trustees").values("organisation_id"))
    if any(kind == "bank" for kind, *_rest in own):
        among |= Q(pk__in=RegisterValue.objects.filter(field="bank_account").values("organisation_id"))
    others, their_register = _rows(_applicants().filter(among).exclude(pk__in=list(rows)))
    return rows | others, register + their_register


def _values(rows: dict[int, Row], register: list[tuple[int, str, str]]) -> list[tuple[str, int, str, str]]:
    """(kind, organisation, normalised value, value as written) for every applicant."""
    values = []
    for pk, (_name, address, postcode) in rows.items():
        if not address:
            continue
        written = ", ".join(line.strip() for line in address.splitlines() if line.strip()) + (f", {postcode}" if postcode else "")
        values.append(("address", pk, normalised(address + postcode), written))
    for organisation_id, field, value in register:
        if field == "bank_account":
            values.append(("bank", organisation_id, normalised(value), "the same bank account"))
            continue
        for name in re.split(r"[;\n]", value):
            if normalised(name):
                values.append(("trustee", organisation_id, normalised(name), name.strip()))
    return values


def find(scope: Scope, today: datetime.date) -> list[Finding]:
    if scope is None:
        rows, register = _rows(_applicants())
    else:
        rows, register = _candidates(scope)
    names = {pk: row[0] for pk, row in rows.items()}
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    written: dict[tuple[str, str], str] = {}
    for kind, organisation_id, value, as_written in _values(rows, register):
        if len(value) >= 4:
            holders[(kind, value)].add(organisation_id)
            written.setdefault((kind, value), as_written)
    findings = []
    for (kind, value), organisations in holders.items():
        if len(organisations) < 2:
            continue
        for organisation_id in organisations:
            if scope is None or organisation_id in scope:
                findings.append(_finding(organisation_id, kind, value, organisations, names, written[(kind, value)]))
    return findings


def _finding(organisation_id: int, kind: str, value: str, organisations: set[int], names: dict[int, str], as_written: str) -> Finding:
    others = sorted(organisations - {organisation_id}, key=lambda pk: names[pk])
    shared = {"bank": "its bank details", "address": f"its address ({as_written})"}.get(kind, f"a trustee, {as_written}")
    listed = ", ".join(names[pk] for pk in others)
    reason = f"Shares {shared} with {len(others)} other applicant{'s' if len(others) > 1 else ''}: {listed}. Check they are truly separate organisations."
    key = f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:16]}"
    evidence = [organisation_link(pk, names[pk]) for pk in others]
    return Finding(organisation_id, "shared_details", reason, evidence, key=key, facts=others)
