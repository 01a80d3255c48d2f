"""The national tier's money (ENGINEERING.md §5): a million grants and agreements, with returns and payments.

The commissioning steps draw a council's worth of agreements in full detail (life-cycles,
conditions, due diligence, variations). At national scale this step adds the volume behind them,
written with `COPY` (`bulk.bulk_insert`):

- `Scale.historic_agreements` of the council's own agreements from past years, spread over the
  register, almost all closed, a few still live, each with a ward, two returns and two payments;
- `Scale.other_funders_grants` grants from other funders, as they arrive from 360Giving files,
  most matched to an organisation on the register;
- a busy officer and a busy organisation: the demo officer is accountable for `Scale.busy`
  of them, and the demo `vcs` organisation holds `Scale.busy` of them (hundreds of agreements
  on its page and in the portal).

Deterministic from the seed like every step; memory stays flat (batches of `BATCH`).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lightbulb.core.roles import Role
from lightbulb.demo import words
from lightbulb.demo.generator.bulk import bulk_insert, insert_rows
from lightbulb.funding.models import Agreement, AgreementKind, AgreementStatus, MonitoringReturn, Payment, PaymentBasis, ProcurementRoute, RiskLevel
from lightbulb.grants.models import Funder, Grant, MatchMethod, MatchStatus
from lightbulb.organisations.models import Organisation

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

BATCH = 20_000
FUNDERS = 150
_FUNDER_KINDS = ["Community Foundation", "Charitable Trust", "Lottery Fund", "Foundation", "Trust for Communities"]
_ROUTES = [ProcurementRoute.GRANT_ROUND, ProcurementRoute.DIRECT_GRANT, ProcurementRoute.QUOTATION, ProcurementRoute.GRANT_IN_AID]


def seed_national_funding(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """The national tier's historic agreements and other funders' grants (nothing at smaller scales)."""
    if not scale.historic_agreements and not scale.other_funders_grants:
        return
    organisations = list(Organisation.objects.filter(archived_at__isnull=True).order_by("pk").values_list("pk", "name", "postcode"))
    if not organisations:
        return
    _seed_historic_agreements(rng, scale, ctx, [pk for pk, _name, _postcode in organisations])
    _seed_other_funders_grants(rng, scale, ctx, organisations)


def _officers(ctx: DemoContext) -> tuple[int, list[int]]:
    demo_officer = ctx.users.get(Role.OFFICER)
    others = [officer.pk for officer in ctx.officers]
    busy = demo_officer.pk if demo_officer else (others[0] if others else 0)
    return busy, others or [busy]


def _historic_agreement(rng: random.Random, ctx: DemoContext, number: int, organisation_id: int, officer_id: int) -> dict[str, Any]:
    years_ago = rng.randint(2, 12)
    start = datetime.date(ctx.today.year - years_ago, rng.randint(1, 12), 1)
    if rng.random() < 0.04:
        start = ctx.today.replace(day=1) - datetime.timedelta(days=rng.randint(30, 300))
    end = start.replace(year=start.year + rng.choice((1, 1, 2, 3))) - datetime.timedelta(days=1)
    service = rng.choice(words.FUNDED_SERVICES)
    department, code = rng.choice(words.DEPARTMENTS)
    kind = rng.choice((AgreementKind.GRANT, AgreementKind.GRANT, AgreementKind.CONTRACT, AgreementKind.SLA))
    return {
        "reference": f"AGR-{start.year}-H{number:06d}",
        "title": service[0],
        "kind": str(kind),
        "organisation_id": organisation_id,
        "accountable_officer_id": officer_id,
        "department": department,
        "budget_line": f"{code}-{kind[:3].upper()}-{rng.randint(100, 999)}",
        "purpose": service[1][:1].upper() + service[1][1:] + ".",
        "amount": Decimal(rng.randrange(10, 400) * 250),
        "start_date": start,
        "end_date": end,
        "procurement_route": str(rng.choice(_ROUTES)),
        "risk_level": str(rng.choice((RiskLevel.LOW, RiskLevel.LOW, RiskLevel.MEDIUM))),
        "payment_basis": str(rng.choice((PaymentBasis.ARREARS, PaymentBasis.ADVANCE))),
        "reporting_every_months": 6,
        "status": str(AgreementStatus.LIVE if end >= ctx.today else AgreementStatus.CLOSED),
    }


def _returns_and_payments(agreement: dict[str, Any], pk: int, today: datetime.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two half-term returns and two payments: accepted and paid once due or the agreement closed, else due and scheduled."""
    start, end = agreement["start_date"], agreement["end_date"]
    middle = start + (end - start) / 2
    closed = agreement["status"] == AgreementStatus.CLOSED
    returns, payments = [], []
    for period_start, period_end in ((start, middle), (middle + datetime.timedelta(days=1), end)):
        due = period_end + datetime.timedelta(days=30)
        done = due < today or closed
        returns.append(
            {
                "agreement_id": pk,
                "period_start": period_start,
                "period_end": period_end,
                "due_date": due,
                "status": str(MonitoringReturn.Status.ACCEPTED if done else MonitoringReturn.Status.DUE),
                "reviewed_by_id": agreement["accountable_officer_id"] if done else None,
            }
        )
        payments.append(
            {
                "agreement_id": pk,
                "due_date": period_start if agreement["payment_basis"] == PaymentBasis.ADVANCE else due,
                "amount": agreement["amount"] / 2,
                "basis": agreement["payment_basis"],
                "status": str(Payment.Status.PAID if done else Payment.Status.SCHEDULED),
                "paid_on": due if done else None,
            }
        )
    return returns, payments


def _write_agreements(agreements: list[dict[str, Any]], ward_ids: list[int], rng: random.Random, today: datetime.date) -> None:
    first = insert_rows(Agreement, agreements)
    insert_rows(Agreement.wards.through, [{"agreement_id": first + offset, "ward_id": rng.choice(ward_ids)} for offset in range(len(agreements))])
    returns: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    for offset, agreement in enumerate(agreements):
        agreement_returns, agreement_payments = _returns_and_payments(agreement, first + offset, today)
        returns += agreement_returns
        payments += agreement_payments
    insert_rows(MonitoringReturn, returns)
    insert_rows(Payment, payments)


def _seed_historic_agreements(rng: random.Random, scale: Scale, ctx: DemoContext, organisation_ids: list[int]) -> None:
    busy_officer, officers = _officers(ctx)
    busy_organisation = ctx.vcs_organisation.pk if ctx.vcs_organisation else organisation_ids[0]
    ward_ids = [ward.pk for ward in ctx.wards]
    every = max(1, scale.historic_agreements // max(1, scale.busy))
    batch: list[dict[str, Any]] = []
    for number in range(scale.historic_agreements):
        organisation_id = busy_organisation if number < scale.busy else rng.choice(organisation_ids)
        officer_id = busy_officer if number % every == 0 else rng.choice(officers)
        batch.append(_historic_agreement(rng, ctx, number, organisation_id, officer_id))
        if len(batch) >= BATCH:
            _write_agreements(batch, ward_ids, rng, ctx.today)
            batch = []
    if batch:
        _write_agreements(batch, ward_ids, rng, ctx.today)


def _funders(rng: random.Random) -> list[Funder]:
    funders = []
    for number in range(FUNDERS):
        place = rng.choice(words.PLACE_STEMS) + rng.choice(words.PLACE_ENDINGS)
        name = f"{place} {rng.choice(_FUNDER_KINDS)}"
        funders.append(Funder(org_id=f"GB-CHC-{2_000_000 + number}", name=name))
    return bulk_insert(funders)


def _grant(rng: random.Random, ctx: DemoContext, number: int, funder: Funder, recipient: tuple[int, str, str]) -> dict[str, Any]:
    organisation_id, name, postcode = recipient
    award = ctx.today - datetime.timedelta(days=rng.randint(10, 12 * 365))
    matched = rng.random() < 0.7
    months = rng.choice((6, 12, 12, 24, 36))
    service = rng.choice(words.FUNDED_SERVICES)
    fields: dict[str, Any] = {
        "identifier": f"360G-{funder.org_id.lower()}-{number:07d}",
        "funder_id": funder.pk,
        "title": service[0],
        "description": service[1],
        "amount_awarded": Decimal(rng.randrange(2, 600) * 500),
        "award_date": award,
        "planned_start_date": award + datetime.timedelta(days=30),
        "planned_end_date": award + datetime.timedelta(days=30 + months * 30),
        "planned_duration_months": months,
        "programme": rng.choice(("Main grants", "Small grants", "Community fund", "Strategic partners")),
        "recipient_name": name,
        "recipient_postcode": postcode,
        "beneficiary_location_name": rng.choice(ctx.wards).name,
        "source_file": f"{funder.org_id.lower()}.json",
    }
    matched_fields = {"organisation_id": organisation_id, "match_status": str(MatchStatus.CONFIRMED), "match_method": str(MatchMethod.NAME), "match_score": 100}
    unmatched_fields = {"organisation_id": None, "match_status": str(MatchStatus.UNMATCHED), "match_method": "", "match_score": None}
    fields.update(matched_fields if matched else unmatched_fields)
    return fields


def _seed_other_funders_grants(rng: random.Random, scale: Scale, ctx: DemoContext, organisations: list[tuple[int, str, str]]) -> None:
    if not scale.other_funders_grants:
        return
    funders = _funders(rng)
    batch: list[dict[str, Any]] = []
    for number in range(scale.other_funders_grants):
        batch.append(_grant(rng, ctx, number, rng.choice(funders), rng.choice(organisations)))
        if len(batch) >= BATCH:
            insert_rows(Grant, batch)
            batch = []
    insert_rows(Grant, batch)
