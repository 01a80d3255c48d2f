"""Claims against data: work claimed in a ward where the organisation has no recorded activity, or numbers out of line with its size.

- Wards: a live agreement names wards the work is in; the organisation's recorded activity is the
  ward it is based in and the wards it says it serves. A ward of the agreement outside both is flagged.
- Numbers: a submitted or accepted return reports a figure counted in people (the condition's unit
  says people, participants, beneficiaries, users, clients, members or volunteers) larger than one
  person per £5 (`FLAG_COST_PER_PERSON_FLOOR`) of the organisation's latest income.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q

from lightbulb.engagement.flags import LIVE_STATUSES, Finding, Scope, agreement_link, link, live_on, money, scope_agreements, scoped, thresholds
from lightbulb.funding.models import Agreement, ReturnFigure
from lightbulb.organisations.models import Organisation

PEOPLE_UNITS = re.compile(r"people|person|participant|beneficiar|user|client|member|volunteer|resident|famil|child|young", re.I)


def find_wards(scope: Scope, today: datetime.date) -> list[Finding]:
    through = Agreement.wards.through.objects.all()
    if scope is None:
        through = through.filter(agreement__status__in=LIVE_STATUSES, agreement__end_date__gte=today)
    else:  # the scope's live agreements, by their ids, among those read once for every rule
        live = [row.pk for row in scope_agreements(scope) if live_on(row, today)]
        if not live:
            return []
        through = through.filter(agreement_id__in=live)
    # The organisation's recorded activity in the agreement's ward: based there, or serving it (asked in the same query).
    serves = Organisation.wards_served.through.objects.filter(organisation_id=OuterRef("agreement__organisation_id"), ward_id=OuterRef("ward_id"))
    active_there = Q(agreement__organisation__ward_id=F("ward_id")) | Q(Exists(serves))
    claimed: dict[tuple[int, int, str], list[tuple[int, str]]] = defaultdict(list)
    rows = through.exclude(active_there).values_list("agreement__organisation_id", "agreement_id", "agreement__reference", "ward_id", "ward__name")
    for organisation_id, agreement_id, reference, ward_id, ward_name in rows:
        claimed[(organisation_id, agreement_id, reference)].append((ward_id, ward_name))
    findings = []
    for (organisation_id, agreement_id, reference), wards in claimed.items():
        outside = sorted((name, pk) for pk, name in wards)
        if not outside:
            continue
        names = ", ".join(name for name, _pk in outside)
        reason = (
            f"Agreement {reference} says the work is in {names}, where the organisation has no recorded activity: "
            "it is neither based there nor records serving it."
        )
        evidence = [
            agreement_link(agreement_id, reference),
            *(link("places:ward_detail", pk, f"Ward: {name}") for name, pk in outside),
        ]
        findings.append(Finding(organisation_id, "claimed_wards", reason, evidence, key=f"agreement:{agreement_id}", facts=[pk for _n, pk in outside]))
    return findings


def find_numbers(scope: Scope, today: datetime.date) -> list[Finding]:
    floor = thresholds().cost_per_person_floor
    figures = ReturnFigure.objects.filter(
        monitoring_return__status__in=("submitted", "accepted"), monitoring_return__agreement__organisation__latest_income__gt=0, value__gt=0
    )
    figures = scoped(figures, scope, "monitoring_return__agreement__organisation_id")
    rows = figures.values_list(
        "monitoring_return__agreement__organisation_id",
        "monitoring_return__agreement__organisation__latest_income",
        "monitoring_return_id",
        "monitoring_return__agreement__reference",
        "condition__description",
        "condition__unit",
        "value",
    )
    findings = []
    for organisation_id, income, return_id, reference, description, unit, value in rows:
        if not PEOPLE_UNITS.search(f"{unit} {description}") or value <= income / floor:
            continue
        reason = (
            f"A return on agreement {reference} reports {value.normalize():,f} {unit or 'people'} ({description}): "
            f"more than one for every {money(floor)} of the organisation's latest income of {money(income)}."
        )
        evidence = [link("funding:return_detail", return_id, f"Return on {reference}")]
        findings.append(
            Finding(organisation_id, "claimed_numbers", reason, evidence, key=f"return:{return_id}:{description[:40]}", facts=[str(value), str(income)])
        )
    return findings
