"""Writes to the risk register: risks on agreements, projects, assets and funds, and the council's appetite per area."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from lightbulb.accounts.models import User
from lightbulb.concerns.models import Risk, RiskAppetite, RiskArea, SubjectType
from lightbulb.concerns.rules import can_manage_risks, can_set_risk_appetite
from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.checks import FieldChecks
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.roles import Role
from lightbulb.core.rules import require
from lightbulb.funding.models import Agreement

RISK_FIELDS = [
    "title",
    "description",
    "area",
    "subject_type",
    "subject_label",
    "agreement",
    "likelihood",
    "impact",
    "owner",
    "controls",
    "review_date",
    "status",
]
ONLY_OFFICERS = "Only council officers keep the risk register."
SCORE = "Select a score from 1 to 5"
# Who may own a risk: people who work for the council and can act on it.
OWNER_ROLES = (Role.OFFICER, Role.INVESTIGATOR)


def _score(checks: FieldChecks, field: str, value: Any, missing: str) -> int:
    if value in (None, ""):
        checks.add(field, missing)
        return 0
    if isinstance(value, bool) or str(value) not in {"1", "2", "3", "4", "5"}:
        checks.add(field, SCORE)
        return 0
    return int(value)


def _one(checks: FieldChecks, field: str, value: Any, model: type[Any], invalid: str) -> Any:
    if value in (None, ""):
        return None
    found = checks.objects(field, [value], model, invalid=invalid)
    return found[0] if found else None


def _subject(checks: FieldChecks, answers: dict[str, Any]) -> dict[str, Any]:
    """The subject: an agreement is linked for real (its reference and title become the label); anything else is named."""
    subject_type = checks.choice("subject_type", answers.get("subject_type"), SubjectType.values, required="Select what the risk is about")
    agreement = None
    label = checks.text("subject_label", answers.get("subject_label"), max_length=300)
    if subject_type == SubjectType.AGREEMENT:
        agreement = _one(checks, "agreement", answers.get("agreement"), Agreement, "Select an agreement from the list")
        if agreement is None and not checks.failed("agreement"):
            checks.add("agreement", "Select the agreement the risk is about")
        label = str(agreement)[:300] if agreement is not None else label
    elif subject_type and not label:
        checks.add("subject_label", "Enter the name of the project, asset or fund")
    return {"subject_type": subject_type, "agreement": agreement, "subject_label": label}


def _risk_values(answers: dict[str, Any]) -> dict[str, Any]:
    checks = FieldChecks()
    values: dict[str, Any] = {
        "title": checks.text("title", answers.get("title"), required="Enter the risk", max_length=200),
        "description": checks.text("description", answers.get("description"), max_length=5000),
        "area": checks.choice("area", answers.get("area"), RiskArea.values, required="Select the area of risk"),
        "likelihood": _score(checks, "likelihood", answers.get("likelihood"), "Select how likely it is"),
        "impact": _score(checks, "impact", answers.get("impact"), "Select how big its impact would be"),
        "controls": checks.text("controls", answers.get("controls"), required="Enter the controls in place", max_length=5000),
        "review_date": checks.date("review_date", answers.get("review_date"), required="Enter the date of the next review"),
        "status": checks.choice("status", answers.get("status") or Risk.Status.OPEN, Risk.Status.values),
        **_subject(checks, answers),
    }
    owner = _one(checks, "owner", answers.get("owner"), User, "Select the risk's owner from the list")
    if owner is None and not checks.failed("owner"):
        checks.add("owner", "Select the risk's owner")
    elif owner is not None and (owner.role not in OWNER_ROLES or not owner.is_active):
        checks.add("owner", "The owner must be a council officer or investigator")
    values["owner"] = owner
    checks.raise_if_any()
    return values


@transaction.atomic
def risk_create(*, acting_user: Any, answers: dict[str, Any]) -> Risk:
    require(can_manage_risks, acting_user, message=ONLY_OFFICERS)
    risk = Risk(**_risk_values(answers))
    risk.full_clean()
    risk.save()
    audit_event_record(actor=acting_user, action="risk_create", obj=risk, summary=f"Risk added: {risk.title} (score {risk.score})")
    return risk


@transaction.atomic
def risk_update(*, acting_user: Any, risk: Risk, answers: dict[str, Any], expected_version: int | None = None) -> Risk:
    require(can_manage_risks, acting_user, risk, message=ONLY_OFFICERS)
    lock_for_edit(risk, expected_version, answers)
    values = _risk_values(answers)
    before = snapshot(risk, RISK_FIELDS)
    for name, value in values.items():
        setattr(risk, name, value)
    risk.full_clean()
    changes = diff(before, snapshot(risk, RISK_FIELDS))
    if changes:
        risk.save()
        version_advance(risk)
        audit_event_record(actor=acting_user, action="risk_update", obj=risk, changes=changes, summary=f"Risk changed: {risk.title} (score {risk.score})")
    return risk


@transaction.atomic
def risk_appetite_set(*, acting_user: Any, area: Any, lowest: Any, highest: Any, statement: Any = "") -> RiskAppetite:
    """The band of scores (1 to 25) the council is content to carry in an area: below it is over-cautious, above it too much."""
    require(can_set_risk_appetite, acting_user, message="Only council officers and administrators set the council's risk appetite.")
    checks = FieldChecks()
    area_value = checks.choice("area", area, RiskArea.values, required="Select the area of risk")
    bounds = []
    for field, value in (("lowest", lowest), ("highest", highest)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 25:
            checks.add(field, "Enter a score from 1 to 25")
        bounds.append(value)
    text = checks.text("statement", statement, max_length=2000)
    if not checks.errors and bounds[0] > bounds[1]:
        checks.add("highest", "The highest score must be the same as or more than the lowest")
    checks.raise_if_any()
    appetite = RiskAppetite.objects.select_for_update().filter(area=area_value).first() or RiskAppetite(area=area_value)
    before = {"lowest": appetite.lowest, "highest": appetite.highest}
    appetite.lowest, appetite.highest, appetite.statement = bounds[0], bounds[1], text
    appetite.full_clean()
    appetite.save()
    audit_event_record(
        actor=acting_user,
        action="risk_appetite_set",
        obj=appetite,
        changes={"lowest": [before["lowest"], appetite.lowest], "highest": [before["highest"], appetite.highest]},
        summary=f"Appetite for {appetite.get_area_display().lower()} risk set to scores {appetite.lowest} to {appetite.highest}",
    )
    return appetite


def review_date_default(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=90)
