"""Writes for other funders' grants: loading a funder's published grants, and an officer's review of a match."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from lightbulb.core.audit import _plain, audit_event_record
from lightbulb.core.checks import FieldChecks
from lightbulb.core.rules import require
from lightbulb.grants.matching import match_grants
from lightbulb.grants.models import Funder, Grant, MatchMethod, MatchStatus
from lightbulb.grants.rules import can_import_grants, can_review_grant_matches
from lightbulb.organisations.models import Organisation, OrganisationStatus

IMPORT_MESSAGE = "Only an import, or a council officer, loads other funders' grants."
REVIEW_MESSAGE = "Only council officers confirm or reject which organisation a grant went to."

# The values a funder publishes, compared on re-import (the match is the council's, not the funder's).
PUBLISHED_FIELDS = (
    "title",
    "description",
    "currency",
    "amount_awarded",
    "award_date",
    "planned_start_date",
    "planned_end_date",
    "planned_duration_months",
    "programme",
    "from_open_call",
    "recipient_org_id",
    "recipient_name",
    "recipient_charity_number",
    "recipient_company_number",
    "recipient_postcode",
    "to_individual",
    "beneficiary_geocode",
    "beneficiary_geocode_type",
    "beneficiary_location_name",
    "data_source",
    "date_modified",
)
RECIPIENT_FIELDS = {"recipient_org_id", "recipient_name", "recipient_charity_number", "recipient_company_number", "recipient_postcode", "to_individual"}
# Changes listed on the import's report; the count is always complete.
CHANGES_KEPT = 1000
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass
class GrantUpsert:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)


def _required_text(checks: FieldChecks, row: dict[str, Any], name: str, message: str) -> None:
    if not str(row.get(name) or "").strip():
        checks.add(name, message)


def _amount(checks: FieldChecks, amount: Any) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        checks.add("amount_awarded", "The amount awarded is missing or not a number")
    elif abs(amount) >= Decimal("1e14"):
        checks.add("amount_awarded", "The amount awarded is too large to be real")


def grant_row_errors(row: dict[str, Any]) -> dict[str, str]:
    """The rules every grant meets, by field, in the words the import's report uses."""
    checks = FieldChecks()
    _required_text(checks, row, "identifier", "The grant has no identifier")
    _required_text(checks, row, "funder_org_id", "The funding organisation has no identifier")
    _required_text(checks, row, "funder_name", "The funding organisation has no name")
    _amount(checks, row.get("amount_awarded"))
    if not isinstance(row.get("award_date"), datetime.date):
        checks.add("award_date", "The award date is missing or not a date")
    if not _CURRENCY.match(str(row.get("currency") or "")):
        checks.add("currency", "The currency is not a three-letter code such as GBP")
    return {name: messages[0] for name, messages in checks.errors.items()}


def _funders(rows: list[dict[str, Any]]) -> dict[str, Funder]:
    names = {row["funder_org_id"]: row["funder_name"] for row in rows}
    funders = {funder.org_id: funder for funder in Funder.objects.filter(org_id__in=names)}
    for org_id, name in names.items():
        funder = funders.get(org_id)
        if funder is None:
            funders[org_id] = Funder.objects.create(org_id=org_id, name=name[:300])
        elif funder.name != name[:300]:
            funder.name = name[:300]
            funder.save(update_fields=["name"])
    return funders


def _changed_fields(grant: Grant, row: dict[str, Any], funder: Funder) -> dict[str, list[Any]]:
    delta = {name: [_plain(getattr(grant, name)), _plain(row.get(name))] for name in PUBLISHED_FIELDS if getattr(grant, name) != row.get(name)}
    if grant.funder_id != funder.pk:
        delta["funder"] = [grant.funder_id, funder.pk]
    return delta


def _check_rows(rows: list[dict[str, Any]]) -> None:
    for number, row in enumerate(rows, start=1):
        errors = grant_row_errors(row)
        if errors:
            raise ValidationError({name: f"Grant {number}: {message}" for name, message in errors.items()})


def _default(name: str) -> Any:
    model_field = Grant._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field.get_default()


def _set_published(grant: Grant, row: dict[str, Any]) -> None:
    for name in PUBLISHED_FIELDS:
        setattr(grant, name, row.get(name) if row.get(name) is not None else _default(name))


def _new_grant(row: dict[str, Any], funder: Funder, source_file: str, import_run_id: int | None) -> Grant:
    grant = Grant(identifier=row["identifier"], funder=funder, source_file=source_file[:300], import_run_id=import_run_id)
    _set_published(grant, row)
    return grant


def _keeps_its_match(grant: Grant) -> bool:
    """A match an officer chose or rejected stands whatever the funder republishes."""
    return grant.match_method == MatchMethod.OFFICER or grant.match_status == MatchStatus.REJECTED


@dataclass
class _Plan:
    new: list[Grant] = field(default_factory=list)
    changed: list[Grant] = field(default_factory=list)
    rematch: list[Grant] = field(default_factory=list)
    per_funder: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def _plan_row(plan: _Plan, result: GrantUpsert, row: dict[str, Any], funder: Funder, existing: dict[str, Grant], where: tuple[str, int | None]) -> None:
    grant = existing.get(row["identifier"])
    if grant is None:
        grant = existing[row["identifier"]] = _new_grant(row, funder, *where)
        plan.new.append(grant)
        plan.per_funder[funder.pk][0] += 1
        return
    delta = _changed_fields(grant, row, funder)
    if not delta:
        result.unchanged += 1
        return
    _set_published(grant, row)
    grant.funder, grant.source_file, grant.import_run_id = funder, where[0][:300], where[1]
    plan.changed.append(grant)
    plan.per_funder[funder.pk][1] += 1
    if RECIPIENT_FIELDS & delta.keys() and not _keeps_its_match(grant):
        plan.rematch.append(grant)
    if len(result.changes) < CHANGES_KEPT:
        result.changes.append({"record": grant.identifier, "changes": delta})


@transaction.atomic
def grant_bulk_upsert(*, acting_user: Any, rows: list[dict[str, Any]], source_file: str = "", import_run_id: int | None = None) -> GrantUpsert:
    """Add or update grants by their 360Giving identifier; an unchanged grant is not written.

    New grants, and grants whose recipient changed, are matched to the register (by identifier,
    else proposed by name); a match an officer confirmed or rejected is kept.
    """
    require(can_import_grants, acting_user, message=IMPORT_MESSAGE)
    _check_rows(rows)
    if len({row["identifier"] for row in rows}) != len(rows):
        raise ValidationError({"identifier": "A grant is listed more than once"})
    result = GrantUpsert()
    plan = _Plan()
    funders = _funders(rows)
    existing = {grant.identifier: grant for grant in Grant.objects.filter(identifier__in=[row["identifier"] for row in rows])}
    for row in rows:
        _plan_row(plan, result, row, funders[row["funder_org_id"]], existing, (source_file, import_run_id))
    match_grants(plan.new + plan.rematch)
    Grant.objects.bulk_create(plan.new, batch_size=2000)
    update_fields = [*PUBLISHED_FIELDS, "funder", "source_file", "import_run_id", "organisation", "match_status", "match_method", "match_score", "updated_at"]
    Grant.objects.bulk_update(plan.changed, update_fields, batch_size=1000)
    result.created, result.updated = len(plan.new), len(plan.changed)
    for funder in funders.values():
        added, updated = plan.per_funder.get(funder.pk, [0, 0])
        if added or updated:
            audit_event_record(
                actor=acting_user,
                action="grant_bulk_upsert",
                obj=funder,
                summary=f"{added:,} grants added and {updated:,} changed from {source_file[:100] or 'a 360Giving file'}",
            )
    return result


def _live_organisation(organisation: Any) -> Organisation:
    if not isinstance(organisation, Organisation) or organisation.archived_at is not None or organisation.status == OrganisationStatus.MERGED:
        raise ValidationError({"organisation": "Choose an organisation on the register"})
    return organisation


@transaction.atomic
def grant_match_confirm(*, acting_user: Any, grant: Grant, organisation: Organisation | None = None) -> Grant:
    """Confirm the organisation a grant went to: the one proposed, or another the officer chose."""
    require(can_review_grant_matches, acting_user, grant, message=REVIEW_MESSAGE)
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.to_individual:
        raise ValidationError({"organisation": "This grant went to a person, not an organisation"})
    chosen = organisation if organisation is not None else grant.organisation
    if chosen is None:
        raise ValidationError({"organisation": "Choose the organisation this grant went to"})
    chosen = _live_organisation(chosen)
    before = [grant.organisation_id, grant.match_status]
    if chosen.pk != grant.organisation_id:
        grant.match_method, grant.match_score = MatchMethod.OFFICER, None
    grant.organisation, grant.match_status = chosen, MatchStatus.CONFIRMED
    grant.save(update_fields=["organisation", "match_status", "match_method", "match_score", "updated_at"])
    audit_event_record(
        actor=acting_user,
        action="grant_match_confirm",
        obj=grant,
        changes={"organisation": [before[0], chosen.pk], "match_status": [before[1], grant.match_status]},
        summary=f"{grant.funder.name}'s grant {grant.identifier} went to {chosen.name}",
        organisation_id=chosen.pk,
    )
    return grant


@transaction.atomic
def grant_match_reject(*, acting_user: Any, grant: Grant) -> Grant:
    """The proposed (or linked) organisation is not the recipient: unlink it and keep it from being proposed again."""
    require(can_review_grant_matches, acting_user, grant, message=REVIEW_MESSAGE)
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.organisation_id is None:
        raise ValidationError({"organisation": "This grant is not linked to an organisation, so there is nothing to reject"})
    before_id: int = grant.organisation_id
    before = [before_id, grant.match_status]
    grant.organisation, grant.match_status, grant.match_method, grant.match_score = None, MatchStatus.REJECTED, MatchMethod.OFFICER, None
    grant.save(update_fields=["organisation", "match_status", "match_method", "match_score", "updated_at"])
    audit_event_record(
        actor=acting_user,
        action="grant_match_reject",
        obj=grant,
        changes={"organisation": [before[0], None], "match_status": [before[1], grant.match_status]},
        summary=f"{grant.funder.name}'s grant {grant.identifier} did not go to the organisation proposed",
        organisation_id=before_id,
    )
    return grant
