"""The `seed_decommissioning` step: decommissionings at every stage, on the featured agreements."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from lightbulb.demo.commissioning.common import (
    CLOSED_DECOMMISSIONED,
    DAY,
    DECOMMISSIONED,
    DRAFT_DECOMMISSION,
    SHORT_NOTICE,
    VCS_NOTICE,
    AgreementInfo,
)
from lightbulb.demo.rows import at, dated
from lightbulb.funding.models import Decommissioning
from lightbulb.funding.services.returns import add_months

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

_IMPACT = {
    "impact_service_users": "Around {users} people use the service each year; most live in the two most deprived wards it covers.",
    "impact_volunteers": "{volunteers} volunteers give time each week; the organisation will offer them roles in its other projects.",
    "impact_staff": "Two part-time posts are funded by this agreement and are at risk.",
    "impact_equality_groups": "Older and disabled residents are over-represented among users; the equality impact assessment is attached to the file.",
    "alternative_providers": "The library outreach team and two neighbouring community centres run similar sessions and have capacity.",
    "mitigations": "Users will be referred on with a warm handover; a small transition grant covers the last quarter's running costs.",
    "exit_plan": "Stop taking new referrals eight weeks before the end; hand over case records securely; final monitoring return and report due one month after the end.",
}

# The closed one's notice went out before notices were issued here: recorded as sent outside Lightbulb, with why.
_SENT_OUTSIDE = {
    "notice_sent_outside": True,
    "outside_reason": "The notice was handed to the chair of trustees at the contract review meeting and confirmed by letter the same day, "
    "before the council issued notices through Lightbulb; the signed copy is on the contract file.",
}


def _decommissioning(info: AgreementInfo, prepared_by_id: int, rng: random.Random, **values: Any) -> Decommissioning:
    texts = {name: text.format(users=rng.randint(80, 400), volunteers=rng.randint(4, 25)) for name, text in _IMPACT.items()}
    item = Decommissioning(
        agreement_id=info.pk,
        prepared_by_id=prepared_by_id,
        reasons="The council's budget for this service has been cut and the need is now met by the integrated neighbourhood service.",
        funding_end_date=info.funding_end or info.end,
        **texts,
    )
    for name, value in values.items():
        setattr(item, name, value)
    return item


def seed_decommissioning(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    """Decommissionings at every stage: prepared, notice open to a response, short notice without a reason, complete."""
    featured = {info.feature: info for info in ctx.agreements if info.feature}
    if not featured:
        return
    today = ctx.today
    considered = "The response was discussed with the head of service; the timetable was kept but the transition grant was increased."
    rows = []
    info = featured[DRAFT_DECOMMISSION]
    rows.append((_decommissioning(info, info.officer_id, rng, stage=Decommissioning.Stage.DRAFT), today - 6 * DAY))
    info = featured[VCS_NOTICE]
    notice = today - 10 * DAY
    rows.append(
        (
            _decommissioning(info, info.officer_id, rng, stage=Decommissioning.Stage.NOTICE_ISSUED, notice_date=notice, response_due_date=notice + 28 * DAY),
            notice,
        )
    )
    info = featured[SHORT_NOTICE]
    notice = info.end - 42 * DAY
    rows.append(
        (
            _decommissioning(
                info,
                info.officer_id,
                rng,
                stage=Decommissioning.Stage.RESPONSE_CONSIDERED,
                notice_date=notice,
                response_due_date=notice + 21 * DAY,
                organisation_response="Six weeks is not enough time to find other funding or to tell the families we support. We ask for three months.",
                responded_at=at(notice + 12 * DAY),
                response_consideration=considered,
            ),
            notice,
        )
    )
    for name, months, response in ((DECOMMISSIONED, 4, True), (CLOSED_DECOMMISSIONED, 3, False)):
        info = featured[name]
        notice = add_months(info.funding_end or info.end, -months) - 7 * DAY
        rows.append(
            (
                _decommissioning(
                    info,
                    info.officer_id,
                    rng,
                    stage=Decommissioning.Stage.COMPLETE,
                    notice_date=notice,
                    **(_SENT_OUTSIDE if name == CLOSED_DECOMMISSIONED else {}),
                    response_due_date=notice + 28 * DAY,
                    organisation_response="We understand the decision and will work with you on the exit plan." if response else "",
                    responded_at=at(notice + 20 * DAY) if response else None,
                    response_consideration=considered if response else "No response came within the 28 days; the exit plan went ahead as written.",
                    lessons_learned="Start the conversation about the end of funding a year ahead, and plan the handover of users with the organisation from the start.",
                ),
                notice,
            )
        )
    for item, created in rows:
        item.created_at = at(created - 14 * DAY)
        item.updated_at = at(created)
    with dated(Decommissioning, "created_at", "updated_at"):
        Decommissioning.objects.bulk_create([item for item, _created in rows])
