"""Published data for the open-data tests: a council with its prefix, and grants and contracts in several states."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tests.factories import AgreementFactory, CouncilFactory, IdentifierFactory, OrganisationFactory, UserFactory, WardFactory

STANDARDS = Path(__file__).parent / "standards"


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def format_checker() -> FormatChecker:
    """The formats the standards rely on, checked as their own validators do (jsonschema checks date-time only with an extra package)."""
    checker = FormatChecker()

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            return False
        datetime.datetime.fromisoformat(value.replace("z", "Z"))
        return True

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", value))

    return checker


def threesixty_validator() -> Draft202012Validator:
    """The 360Giving 1.4.3 package schema, its grant schema resolved locally (under both addresses it is known by)."""
    package = json.loads((STANDARDS / "360giving" / "360-giving-package-schema.json").read_text())
    return Draft202012Validator(package, registry=threesixty_registry(), format_checker=format_checker())


def threesixty_grant_schema() -> dict:
    return json.loads((STANDARDS / "360giving" / "360-giving-schema.json").read_text())


def threesixty_registry() -> Registry:
    grant = threesixty_grant_schema()
    resource = DRAFT202012.create_resource(grant)
    return Registry().with_resources(
        [
            (grant["$id"], resource),
            ("https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json", resource),
        ]
    )


@pytest.fixture
def council(db):
    return CouncilFactory(grant_prefix="360G-anytown")


@pytest.fixture
def published(council):
    """A charity's grant in two wards, a company's contract, a small contract, a planned grant, and an archived one."""
    from lightbulb.funding.models import AgreementTransition

    officer = UserFactory(role="officer")
    charity = OrganisationFactory(name="Riverside Food Bank", postcode="AT1 1AA", website="https://riverside.example.org")
    IdentifierFactory(organisation=charity, scheme="GB-CHC", value="1123456")
    company = OrganisationFactory(name="Hilltop Care Ltd", is_vcse=False)
    IdentifierFactory(organisation=company, scheme="GB-COH", value="01234567")
    group = OrganisationFactory(name="Friends of the Park")
    north, south = WardFactory(gss_code="E05000001", name="North"), WardFactory(gss_code="E05000002", name="South")
    grant = AgreementFactory(
        reference="AGR-2025-0001",
        title="Food bank running costs",
        organisation=charity,
        status="live",
        amount=Decimal("12500.00"),
        department="Communities",
        purpose="=Running a food bank",
        accountable_officer=officer,
    )
    grant.wards.set([north, south])
    AgreementTransition.objects.create(agreement=grant, from_status="approved", to_status="awarded", by=officer, reason="Panel decision")
    AgreementTransition.objects.filter(agreement=grant).update(at=datetime.datetime(2025, 3, 14, 10, 0, tzinfo=datetime.UTC))
    group_grant = AgreementFactory(reference="AGR-2025-0002", organisation=group, status="closed", amount=Decimal("750"), accountable_officer=officer)
    contract = AgreementFactory(
        reference="CON-2025-0001",
        kind="contract",
        title="Home care",
        organisation=company,
        status="live",
        amount=Decimal("250000"),
        procurement_route="open_tender",
        recipient_is_vcse=False,
        recipient_is_sme=True,
        accountable_officer=officer,
    )
    small = AgreementFactory(reference="CON-2025-0002", kind="contract", organisation=group, status="live", amount=Decimal("5000"), accountable_officer=officer)
    planned = AgreementFactory(reference="AGR-2025-0003", organisation=charity, status="planned", accountable_officer=officer)
    archived = AgreementFactory(
        reference="AGR-2025-0004",
        organisation=charity,
        status="live",
        accountable_officer=officer,
        archived_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
    )
    return {
        "grant": grant,
        "group_grant": group_grant,
        "contract": contract,
        "small": small,
        "planned": planned,
        "archived": archived,
        "charity": charity,
        "group": group,
    }


# --- Open Referral UK ---------------------------------------------------------------------------

ORUK = STANDARDS / "openreferral-uk" / "schema"
ORUK_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"


def oruk_registry() -> Registry:
    resources = []
    for path in ORUK.rglob("*.json"):
        if path.name == "openapi.json":
            continue
        relative = path.relative_to(ORUK).as_posix()
        contents = json.loads(path.read_text())
        resources.append((ORUK_BASE + relative, DRAFT202012.create_resource({**contents, "$id": ORUK_BASE + relative})))
    return Registry().with_resources(resources)


def oruk_validator(name: str) -> Draft202012Validator:
    """A validator for one of the profile's schemas (e.g. "compiled/service.json"), its references resolved locally."""
    contents = json.loads((ORUK / name).read_text())
    return Draft202012Validator({**contents, "$id": ORUK_BASE + name}, registry=oruk_registry(), format_checker=format_checker())


def oruk_openapi() -> dict:
    return json.loads((ORUK / "openapi.json").read_text())


def oruk_errors(validator: Draft202012Validator, payload: object) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(payload)]


# --- OCDS ---------------------------------------------------------------------------------------

OCDS_ZIP = STANDARDS / "ocds" / "standard-1__1__5-schema.zip"


def ocds_review(package: dict) -> dict:
    """The standard's own data review library (libcoveocds), offline: the schema from the standard's zip, as its README says."""
    import tempfile

    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig({"standard_zip": OCDS_ZIP.resolve().as_uri(), "context": "api"})
    with tempfile.TemporaryDirectory() as folder:
        return ocds_json_output(folder, json_data=package, lib_cove_ocds_config=config)
