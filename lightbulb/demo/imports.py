"""The `seed_imports` step: an import history with one run of each source, one with rejected rows.

Each file is built from the demo council itself, so the runs say something true: the ward list
(unchanged, so nothing is written), an ONS postcode lookup with two rows it cannot use, ONS's ward
boundaries (the shapes the demo drew, unchanged unless simplifying them takes a point off, and a
neighbouring council's ward skipped), another funder's 360Giving file whose grants link to demo
organisations by charity number (and one by a similar name, waiting for an officer), and the
Charity Commission register extract for the
demo's charities (one removed from the register), run by the officer so that a registered
charity in the area joins the register. Then the extract's other tables for the same charities:
three years of annual returns each (the latest as the charity table gives it), where they work
(the council's own local authority, and one elsewhere too) and their trustees (each a different
person); and the council's supplier list (the charities by their numbers, and a plumber the
register does not hold) and a month of its spend over £500 with them, a credit note among it and
one line repeated exactly, which is refused. Every file names only the dozen charities the register
extract names, so the history costs the same at every scale.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from typing import TYPE_CHECKING, Any

from lightbulb.core.roles import Role
from lightbulb.demo.generator.context import TOWN
from lightbulb.demo.words import FIRST_NAMES, LAST_NAMES
from lightbulb.funding.models import Agreement
from lightbulb.imports import services
from lightbulb.imports.models import CharityRecord
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


def _boundaries_geojson() -> bytes:
    """ONS's ward boundary file as the council would download it: its wards' shapes (as the demo drew them) and a neighbour's ward."""
    features: list[dict[str, Any]] = [
        {"type": "Feature", "properties": {"WD24CD": code, "WD24NM": name}, "geometry": boundary}
        for code, name, boundary in Ward.objects.exclude(boundary=None).order_by("gss_code").values_list("gss_code", "name", "boundary")
    ]
    ring = [[-1.30, 52.70], [-1.28, 52.70], [-1.28, 52.71], [-1.30, 52.71], [-1.30, 52.70]]
    features.append(
        {"type": "Feature", "properties": {"WD24CD": "E05012345", "WD24NM": "Othertown Central"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    )
    return json.dumps({"type": "FeatureCollection", "name": "Wards_December_2024_Boundaries_UK_BSC", "features": features}).encode()


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


def _extract_date(ctx: DemoContext) -> str:
    return ctx.today.replace(day=1).isoformat() + "T00:00:00"


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _annual_returns_json(ctx: DemoContext, charities: list[tuple[int, Any]]) -> bytes:
    """Three years of returns for each charity: the latest as the charity table published it, the two before a little lower."""
    published = CharityRecord.objects.filter(registered_charity_number__in=[number for number, _organisation in charities], linked_charity_number=0)
    rows = []
    for number, income, spent, year_end in sorted(
        published.values_list("registered_charity_number", "latest_income", "latest_expenditure", "latest_acc_fin_period_end_date")
    ):
        if income is None or year_end is None:
            continue
        for back, share in ((0, 1.0), (1, 0.92), (2, 0.85)):
            end = _years_before(year_end, back)
            rows.append(
                {
                    "date_of_extract": _extract_date(ctx),
                    "registered_charity_number": number,
                    "fin_period_start_date": (_years_before(end, 1) + datetime.timedelta(days=1)).isoformat() + "T00:00:00",
                    "fin_period_end_date": end.isoformat() + "T00:00:00",
                    "ar_cycle_reference": f"AR{end.year % 100:02d}",
                    "reporting_due_date": (end + datetime.timedelta(days=306)).isoformat() + "T00:00:00",
                    "date_annual_return_received": (end + datetime.timedelta(days=240)).isoformat() + "T00:00:00",
                    "total_gross_income": round(float(income) * share, 2),
                    "total_gross_expenditure": round(float(spent if spent is not None else income) * share, 2),
                    "accounts_qualified": False,
                    "suppression_ind": 0,
                }
            )
    return json.dumps(rows).encode("utf-8-sig")


def _areas_json(rng: random.Random, ctx: DemoContext, charities: list[tuple[int, Any]]) -> bytes:
    """Each charity works in the council's own local authority; one works in a neighbouring one too."""
    here = {"geographic_area_type": "Local Authority", "geographic_area_description": TOWN, "parent_geographic_area_type": "Region"}
    rows = [{"date_of_extract": _extract_date(ctx), "registered_charity_number": number, "linked_charity_number": 0, **here} for number, _ in charities]
    if charities:
        number, _organisation = rng.choice(charities)
        rows.append(
            {
                "date_of_extract": _extract_date(ctx),
                "registered_charity_number": number,
                "linked_charity_number": 0,
                "geographic_area_type": "Local Authority",
                "geographic_area_description": "Othertown",
                "parent_geographic_area_type": "Region",
            }
        )
    for row in rows:
        row["parent_geographic_area_description"] = "South East"
    return json.dumps(rows).encode("utf-8-sig")


def _trustees_json(rng: random.Random, ctx: DemoContext, charities: list[tuple[int, Any]]) -> bytes:
    """Three to five trustees for each charity, the first its chair; no person sits on two boards."""
    people = rng.sample([f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES], 5 * len(charities))
    rows = []
    for index, (number, _organisation) in enumerate(charities):
        for seat in range(rng.randint(3, 5)):
            rows.append(
                {
                    "date_of_extract": _extract_date(ctx),
                    "registered_charity_number": number,
                    "linked_charity_number": 0,
                    "trustee_id": 9_000_000 + 10 * index + seat,
                    "trustee_name": people[5 * index + seat],
                    "trustee_is_chair": seat == 0,
                    "individual_or_organisation": "P",
                    "trustee_date_of_appointment": _years_before(ctx.today, rng.randint(1, 9)).isoformat() + "T00:00:00",
                }
            )
    return json.dumps(rows).encode("utf-8-sig")


def _csv(rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode()


def _suppliers_csv(charities: list[tuple[int, Any]]) -> bytes:
    """Six of the charities by their charity numbers, and a plumber the register does not hold."""
    rows: list[list[Any]] = [["Supplier ID", "Supplier Name", "Company Number", "Charity Number"]]
    rows += [[f"S{10_001 + index}", organisation.name, "", number] for index, (number, organisation) in enumerate(charities[:6])]
    rows.append(["S19999", "Anytown Plumbing Ltd", "09999999", ""])
    return _csv(rows)


def _spend_csv(rng: random.Random, ctx: DemoContext, charities: list[tuple[int, Any]]) -> bytes:
    """Last month's payments to the suppliers, each charity's against its latest agreement, a credit note, and one line listed twice."""
    chosen = charities[:6]
    latest = Agreement.objects.filter(organisation__in=[organisation for _number, organisation in chosen]).order_by("start_date", "pk")
    references = dict(latest.values_list("organisation_id", "reference"))  # the latest start wins
    month = ctx.today.replace(day=1) - datetime.timedelta(days=1)
    rows: list[list[Any]] = [
        ["Payment Date", "Supplier ID", "Supplier Name", "Amount", "Transaction Number", "Service Area", "Expense Type", "Agreement Reference"]
    ]
    for index, (_number, organisation) in enumerate(chosen):
        paid = f"{month.replace(day=5 + index):%d/%m/%Y}"
        amount = f"{rng.choice([650, 1200, 2500, 4800])}.00"
        reference = references.get(organisation.pk, "")
        rows.append(
            [paid, f"S{10_001 + index}", organisation.name, amount, f"T{80_001 + index}", "Communities", "Grants to voluntary organisations", reference]
        )
    repair = [f"{month.replace(day=20):%d/%m/%Y}", "S19999", "Anytown Plumbing Ltd", "845.00", "T80101", "Property", "Repairs and maintenance", ""]
    credit = [f"{month.replace(day=27):%d/%m/%Y}", "S19999", "Anytown Plumbing Ltd", "-120.00", "T80102", "Property", "Repairs and maintenance", ""]
    # The finance system's extract lists the repair twice: the import refuses the second.
    rows += [repair, credit, repair]
    return _csv(rows)


def seed_imports(rng: random.Random, scale: Scale, ctx: DemoContext) -> None:
    admin, officer = ctx.users[Role.ADMIN], ctx.users[Role.OFFICER]
    _run(admin, "wards", "ons-wards-2024.csv", _wards_csv())
    _run(admin, "ons-postcodes", "nspl-anytown.csv", _postcodes_csv())
    _run(officer, "ward-boundaries", "Wards_December_2024_Boundaries_UK_BSC.geojson", _boundaries_geojson())
    charities = _charities(ctx)
    _run(officer, "360giving", "anytown-community-foundation.json", _grants_json(rng, ctx, charities))
    extract = _register_json(rng, ctx, charities)
    _run(officer, "charity-register", "publicextract.charity.json", extract, dry_run=True)
    _run(officer, "charity-register", "publicextract.charity.json", extract)
    # The register's other tables, then the council's own finance files (each drawn after the runs above, so theirs are unchanged).
    _run(officer, "charity-register-annual-returns", "publicextract.charity_annual_return_history.json", _annual_returns_json(ctx, charities))
    _run(officer, "charity-register-areas", "publicextract.charity_area_of_operation.json", _areas_json(rng, ctx, charities))
    _run(officer, "charity-register-trustees", "publicextract.charity_trustee.json", _trustees_json(rng, ctx, charities))
    _run(officer, "suppliers", "suppliers.csv", _suppliers_csv(charities))
    last_month = ctx.today.replace(day=1) - datetime.timedelta(days=1)
    _run(officer, "spend", f"spend-over-500-{last_month:%Y-%m}.csv", _spend_csv(rng, ctx, charities))
