"""The `seed_imports` step: an import history with one run of each source, one with rejected rows.

Each file is built from the demo council itself, so the runs say something true: the ward list
(unchanged, so nothing is written), an ONS postcode lookup with two rows it cannot use, another
funder's 360Giving file whose grants link to demo organisations by charity number (and one by a
similar name, waiting for an officer), and the Charity Commission register extract for the
demo's charities (one removed from the register), run by the officer so that a registered
charity in the area joins the register.
"""

from __future__ import annotations

import datetime
import json
import random
from typing import TYPE_CHECKING, Any

from lightbulb.core.roles import Role
from lightbulb.imports import services
from lightbulb.imports.runner import import_run_execute
from lightbulb.organisations.models import OrganisationIdentifier
from lightbulb.places.models import Postcode, Ward

if TYPE_CHECKING:
    from lightbulb.demo.generator.context import DemoContext, Scale

FUNDER = {"id": "GB-CHC-1000001", "name": "Anytown Community Foundation"}


def _run(user: Any, source: str, filename: str, data: bytes, **options: Any) -> None:
    run = services.import_run_create(acting_user=user, source=source, filename=filename, start=False, **options)
    import_run_execute(run=run, data=data, acting_user=user)


def _wards_csv() -> bytes:
    lines = ["WD24CD,WD24NM,Locality"]
    lines += [
        f"{ward.gss_code},{ward.name},{ward.locality.name if ward.locality else ''}" for ward in Ward.objects.select_related("locality").order_by("gss_code")
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _postcodes_csv() -> bytes:
    lines = ["pcds,wd24cd,wd24nm"]
    lines += [f"{postcode},{ward_code}," for postcode, ward_code in Postcode.objects.order_by("postcode").values_list("postcode", "ward__gss_code")[:40]]
    lines += ["NOT A POSTCODE,E05000001,", "EH1 1AA,S13002999,Edinburgh Central"]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _charities(ctx: DemoContext) -> list[tuple[int, Any]]:
    held = OrganisationIdentifier.objects.filter(scheme="GB-CHC", organisation__in=ctx.sample_organisations or []).select_related("organisation")
    found = [(int(identifier.value), identifier.organisation) for identifier in held if identifier.value.isdigit()]
    if not found:
        found = [
            (int(identifier.value), identifier.organisation)
            for identifier in OrganisationIdentifier.objects.filter(scheme="GB-CHC").select_related("organisation")[:12]
            if identifier.value.isdigit()
        ]
    return found[:12]


def _grants_json(rng: random.Random, ctx: DemoContext, charities: list[tuple[int, Any]]) -> bytes:
    grants = []
    for index, (number, organisation) in enumerate(charities[:8], start=1):
        grants.append(
            {
                "id": f"360G-anytowncf-demo-{index}",
                "title": f"Grant to {organisation.name}",
                "description": rng.choice(["Core costs", "Volunteer expenses", "A new kitchen", "Winter warm spaces"]),
                "currency": "GBP",
                "amountAwarded": rng.choice([1500, 2500, 5000, 12000]),
                "awardDate": (ctx.today - datetime.timedelta(days=60 * index)).isoformat() + "T00:00:00+00:00",
                "recipientOrganization": [{"id": f"GB-CHC-{number}", "name": organisation.name, "charityNumber": str(number)}],
                "fundingOrganization": [FUNDER],
                "fromOpenCall": rng.choice(["Y", "N"]),
            }
        )
    if charities:
        _number, organisation = charities[-1]
        grants.append(
            {
                "id": "360G-anytowncf-demo-name",
                "title": "Small grant",
                "currency": "GBP",
                "amountAwarded": 750,
                "awardDate": (ctx.today - datetime.timedelta(days=20)).isoformat(),
                "recipientOrganization": [{"id": "360G-anytowncf:org-77", "name": organisation.name.upper()}],
                "fundingOrganization": [FUNDER],
            }
        )
    return json.dumps({"grants": grants}).encode()


def _register_json(rng: random.Random, ctx: DemoContext, charities: list[tuple[int, Any]]) -> bytes:
    extract = ctx.today.replace(day=1).isoformat() + "T00:00:00"
    rows = []
    for number, organisation in charities:
        income = rng.choice([8000, 45000, 120000, 600000])
        rows.append(
            {
                "date_of_extract": extract,
                "registered_charity_number": number,
                "linked_charity_number": 0,
                "charity_name": organisation.name.upper(),
                "charity_registration_status": "Registered",
                "date_of_registration": "2012-04-01T00:00:00",
                "charity_reporting_status": rng.choice(["Submission Received", "Submission Received", "Submission Overdue"]),
                "latest_acc_fin_period_end_date": f"{ctx.today.year - 1}-03-31T00:00:00",
                "latest_income": income,
                "latest_expenditure": round(income * 0.95, 2),
                "charity_contact_postcode": organisation.postcode or None,
                "charity_is_cio": rng.random() < 0.3,
                "cio_is_dissolved": False,
                "charity_insolvent": False,
                "charity_in_administration": False,
            }
        )
    postcode = Postcode.objects.order_by("postcode").values_list("postcode", flat=True).first()
    rows.append(
        {
            "date_of_extract": extract,
            "registered_charity_number": 1199001,
            "linked_charity_number": 0,
            "charity_name": "ANYTOWN TOY LIBRARY",
            "charity_registration_status": "Registered",
            "date_of_registration": "2024-09-01T00:00:00",
            "charity_contact_postcode": postcode,
            "charity_is_cio": True,
        }
    )
    rows.append(
        {
            "date_of_extract": extract,
            "registered_charity_number": 1199002,
            "linked_charity_number": 0,
            "charity_name": "OLD ANYTOWN SOCIAL CLUB",
            "charity_registration_status": "Removed",
            "date_of_removal": "2021-06-30T00:00:00",
            "charity_contact_postcode": postcode,
        }
    )
    rows.append(
        {
            "date_of_extract": extract,
            "registered_charity_number": 1199001,
            "linked_charity_number": 1,
            "charity_name": "ANYTOWN TOY LIBRARY TRADING",
            "charity_registration_status": "Registered",
            "charity_contact_postcode": postcode,
        }
    )
    return json.dumps(rows).encode("utf-8-sig")


def seed_imports(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    admin, officer = ctx.users[Role.ADMIN], ctx.users[Role.OFFICER]
    _run(admin, "wards", "ons-wards-2024.csv", _wards_csv())
    _run(admin, "ons-postcodes", "nspl-anytown.csv", _postcodes_csv())
    charities = _charities(ctx)
    _run(officer, "360giving", "anytown-community-foundation.json", _grants_json(rng, ctx, charities))
    extract = _register_json(rng, ctx, charities)
    _run(officer, "charity-register", "publicextract.charity.json", extract, dry_run=True)
    _run(officer, "charity-register", "publicextract.charity.json", extract)
