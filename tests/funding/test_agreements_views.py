"""Agreement pages: what each role sees, forms with good and bad input, exports and query counts."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lightbulb.core.roles import Role
from lightbulb.funding.models import Agreement, AgreementStatus, Condition, DueDiligenceRecord
from tests.exports import csv_text, download_list, xlsx_rows
from tests.factories import AgreementFactory, ConditionFactory, OrganisationFactory, WardFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db
HOSTILE_FORMULA = "=cmd|' /C calc'!A0"


def _form_data(organisation, officer, /, **changes) -> dict[str, str]:
    data = {
        "title": "Youth club sessions",
        "kind": "grant",
        "organisation": str(organisation.pk),
        "accountable_officer": str(officer.pk),
        "department": "Children's services",
        "budget_line": "CS-4410",
        "purpose": "Two evening sessions a week",
        "amount": "£1,250.00",
        "start_date_0": "1",
        "start_date_1": "4",
        "start_date_2": "2026",
        "end_date_0": "31",
        "end_date_1": "3",
        "end_date_2": "2027",
        "procurement_route": "direct_grant",
        "risk_level": "low",
        "payment_basis": "arrears",
        "reporting_every_months": "3",
        "recipient_is_vcse": "on",
        "recipient_registration_number": "1234567",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_officer_creates_an_agreement_with_a_reference(officer_client, users, own_organisation):
    ward = WardFactory(name="Riverside")
    response = officer_client.post(reverse("funding:agreement_create"), _form_data(own_organisation, users[Role.OFFICER], wards=str(ward.pk)))
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert agreement.reference.startswith("AGR-") and len(agreement.reference) == len("AGR-2026-0001")
    assert agreement.amount == Decimal("1250.00")
    assert list(agreement.wards.all()) == [ward]
    page = visible_text(officer_client.get(response["Location"]).content)
    assert "Youth club sessions" in page and "£1,250.00" in page and "Riverside" in page and "Planned" in page


def test_references_count_up_within_the_year(officer_client, users, own_organisation):
    for _ in range(2):
        officer_client.post(reverse("funding:agreement_create"), _form_data(own_organisation, users[Role.OFFICER]))
    first, second = Agreement.objects.order_by("pk").values_list("reference", flat=True)
    assert int(second[-4:]) == int(first[-4:]) + 1


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "<script>alert(1)</script>"}, "Enter text without HTML tags"),
        ({"title": "x" * 301}, "at most 300 characters"),
        ({"amount": ""}, "Enter the total value"),
        ({"amount": "0"}, "Total value must be more than £0"),
        ({"amount": "-50"}, "Total value must be more than £0"),
        ({"amount": "twelve pounds"}, "must be an amount in pounds"),
        ({"amount": "1.234"}, "must be an amount in pounds"),
        ({"amount": "£150,000,000"}, "must be £100,000,000 or less"),
        ({"amount": HOSTILE_FORMULA}, "must be an amount in pounds"),
        ({"end_date_2": "2025"}, "The end date must be the same as or after the start date"),
        ({"start_date_1": "13"}, "Start date must be a real date"),
        ({"start_date_0": ""}, "Start date must include a day"),
        ({"organisation": "999999"}, "Choose an organisation from the register"),
        ({"organisation": ""}, "Choose the organisation"),
        ({"kind": "loan"}, "Select a valid choice"),
        ({"reporting_every_months": "0"}, "from 1 to 24"),
        ({"recipient_registration_number": HOSTILE_FORMULA}, "letters, numbers, spaces, hyphens or slashes"),
        ({"purpose": "<img src=x onerror=alert(1)>"}, "Enter text without HTML tags"),
    ],
)
def test_bad_agreement_input_is_refused_next_to_the_field(officer_client, users, own_organisation, changes, field_message):
    response = officer_client.post(reverse("funding:agreement_create"), _form_data(own_organisation, users[Role.OFFICER], **changes))
    assert response.status_code == 200
    page = visible_text(response.content)
    assert "There is a problem" in page
    assert field_message in page
    assert not Agreement.objects.exists()


def test_editing_records_the_change_in_history(officer_client, users, agreement):
    data = _form_data(agreement.organisation, users[Role.OFFICER], title="Riverside café grant (extended hours)")
    response = officer_client.post(reverse("funding:agreement_edit", kwargs={"pk": agreement.pk}), data)
    assert response.status_code == 302
    history = visible_text(officer_client.get(reverse("funding:agreement_history", kwargs={"pk": agreement.pk})).content)
    assert "Riverside café grant (extended hours)" in history


def test_councillor_reads_but_sees_no_change_buttons(client_for, agreement):
    ConditionFactory(agreement=agreement, description="Meals served each week", target=120, unit="meals")
    page = visible_text(client_for(Role.COUNCILLOR).get(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk})).content)
    assert "Riverside café grant" in page and "Meals served each week" in page and "120 meals" in page
    assert "Change the agreement" not in page and "Add a condition" not in page


def test_detail_shows_required_checks_ticked_and_missing(officer_client, users, agreement):
    DueDiligenceRecord.objects.create(agreement=agreement, check_code="bank_details", completed_by=users[Role.OFFICER], completed_on="2026-01-05")
    page = visible_text(officer_client.get(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk})).content)
    assert "Small, low risk" in page
    assert "Bank details verified Required Done 5 January 2026" in page
    assert "Governing document seen Required Missing" in page
    assert "Move to approved" in page and "Move to closed" in page


def test_transition_form_moves_the_agreement_and_shows_refusals(officer_client, agreement):
    url = reverse("funding:agreement_transition", kwargs={"pk": agreement.pk})
    assert officer_client.post(url, {"to_status": "approved", "reason": "Panel approved"}).status_code == 302
    refused = officer_client.post(url, {"to_status": "awarded", "reason": "Award now"})
    page = visible_text(refused.content)
    assert "There is a problem" in page and "Record these due-diligence checks before the award" in page
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.APPROVED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to_status": "live", "reason": "Skip"}, "Choose one of the next steps listed"),
        ({"to_status": "approved", "reason": ""}, "Say why the agreement is moving on"),
        ({"reason": "No step"}, "Choose the next step"),
        ({"to_status": "approved", "reason": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_transition_input(officer_client, agreement, data, message):
    response = officer_client.post(reverse("funding:agreement_transition", kwargs={"pk": agreement.pk}), data)
    assert message in visible_text(response.content)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.PLANNED


def test_transition_reason_with_markup_is_shown_as_text(officer_client, agreement):
    officer_client.post(reverse("funding:agreement_transition", kwargs={"pk": agreement.pk}), {"to_status": "approved", "reason": "<script>alert(1)</script>"})
    html = officer_client.get(reverse("funding:agreement_detail", kwargs={"pk": agreement.pk})).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_conditions_add_edit_remove(officer_client, agreement):
    add = reverse("funding:condition_add", kwargs={"pk": agreement.pk})
    officer_client.post(add, {"kind": "kpi", "description": "People supported", "target": "250", "unit": "people"})
    condition = Condition.objects.get()
    edit = reverse("funding:condition_edit", kwargs={"pk": agreement.pk, "condition_pk": condition.pk})
    officer_client.post(edit, {"kind": "kpi", "description": "People supported", "target": "300", "unit": "people"})
    condition.refresh_from_db()
    assert condition.target == 300
    remove = reverse("funding:condition_remove", kwargs={"pk": agreement.pk, "condition_pk": condition.pk})
    assert "Remove this condition?" in visible_text(officer_client.get(remove).content)
    officer_client.post(remove)
    assert not Condition.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "kpi", "description": ""}, "Describe the condition"),
        ({"kind": "kpi", "description": "<b>bold</b>"}, "Enter text without HTML tags"),
        ({"kind": "kpi", "description": "People", "target": "-1"}, "The target cannot be negative"),
        ({"kind": "kpi", "description": "People", "target": "lots"}, "Enter the target as a number"),
        ({"kind": "kpi", "description": "People", "target": "9" * 20}, "too large"),
        ({"kind": "kpi", "description": "People", "unit": "people"}, "Enter the target the unit refers to"),
        ({"kind": "bribe", "description": "People"}, "Select a valid choice"),
        ({"kind": "kpi", "description": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_condition_input(officer_client, agreement, data, message):
    response = officer_client.post(reverse("funding:condition_add", kwargs={"pk": agreement.pk}), data)
    assert message in visible_text(response.content)
    assert not Condition.objects.exists()


def test_condition_of_another_agreement_is_not_found(officer_client, agreement):
    other = ConditionFactory()
    assert officer_client.get(reverse("funding:condition_edit", kwargs={"pk": agreement.pk, "condition_pk": other.pk})).status_code == 404


def test_due_diligence_is_recorded_and_can_be_redone(officer_client, agreement):
    url = reverse("funding:due_diligence", kwargs={"pk": agreement.pk})
    data = {"check_code": "accounts", "completed_on_0": "3", "completed_on_1": "2", "completed_on_2": "2026", "note": "2024-25 accounts"}
    assert officer_client.post(url, data).status_code == 302
    assert officer_client.post(url, {**data, "completed_on_0": "4"}).status_code == 302
    record = DueDiligenceRecord.objects.get()
    assert record.completed_on.day == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"check_code": "", "completed_on_0": "3", "completed_on_1": "2", "completed_on_2": "2026"}, "Choose the check that was done"),
        ({"check_code": "vibes", "completed_on_0": "3", "completed_on_1": "2", "completed_on_2": "2026"}, "Choose a check from the list"),
        ({"check_code": "accounts"}, "Enter the date the check was done"),
        ({"check_code": "accounts", "completed_on_0": "31", "completed_on_1": "2", "completed_on_2": "2026"}, "must be a real date"),
        ({"check_code": "accounts", "completed_on_0": "1", "completed_on_1": "1", "completed_on_2": "2999"}, "must be today or in the past"),
    ],
)
def test_bad_due_diligence_input(officer_client, agreement, data, message):
    response = officer_client.post(reverse("funding:due_diligence", kwargs={"pk": agreement.pk}), data)
    assert message in visible_text(response.content)
    assert not DueDiligenceRecord.objects.exists()


def test_list_filters_search_and_mine(client_for, users, agreement):
    other = AgreementFactory(title="Allotment contract", kind="contract", status="live")
    client = client_for(Role.OFFICER)
    url = reverse("funding:agreement_list")
    page = visible_text(client.get(url).content)
    assert "2 agreements" in page and "Riverside café grant" in page and "Allotment contract" in page
    assert "Allotment" not in visible_text(client.get(url + "?kind=grant").content).split("agreement")[-1]
    assert "1 agreement " in visible_text(client.get(url + "?q=allotment").content)
    assert "1 agreement " in visible_text(client.get(url + "?status=funded").content)
    mine = visible_text(client.get(url + "?mine=1").content)
    assert "Riverside café grant" in mine and other.reference not in mine
    assert "1 agreement " in visible_text(client.get(url + f"?organisation={agreement.organisation_id}").content)


def test_list_ignores_malformed_filters(officer_client, agreement):
    response = officer_client.get(reverse("funding:agreement_list") + "?kind=<x>&status=bad&officer=abc&ward=99999999999&year=x&sort=nonsense&page=zz")
    assert response.status_code == 200
    assert "Riverside café grant" in visible_text(response.content)


def test_exports_are_safe_against_formula_injection(officer_client, users, django_capture_on_commit_callbacks):
    AgreementFactory(title=HOSTILE_FORMULA, organisation=OrganisationFactory(name="@SUM(A1)"))
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "agreements")
    rows = list(csv.reader(io.StringIO(csv_text(content))))
    assert rows[0][:2] == ["Reference", "Title"]
    assert rows[1][1] == "'" + HOSTILE_FORMULA and rows[1][3] == "'@SUM(A1)"
    _job, content = download_list(officer_client, django_capture_on_commit_callbacks, "agreements", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=2, column=2).value == "'" + HOSTILE_FORMULA
    assert sheet.cell(row=2, column=8).value == 12000


def test_list_and_detail_queries_do_not_grow(officer_client, agreement):
    def grow() -> None:
        for _ in range(4):
            extra = AgreementFactory(status="live")
            extra.wards.add(WardFactory())
            ConditionFactory(agreement=agreement)
            DueDiligenceRecord.objects.create(
                agreement=agreement, check_code=f"x{extra.pk}"[:30], completed_by=agreement.accountable_officer, completed_on="2026-01-01"
            )

    assert_queries_independent_of_size(officer_client, reverse("funding:agreement_list"), grow)
    assert_queries_independent_of_size(officer_client, reverse("funding:agreement_detail", kwargs={"pk": agreement.pk}), grow)
    assert_queries_independent_of_size(officer_client, reverse("funding:spend"), grow)


def test_spend_page_has_tables_by_year_kind_and_ward(client_for):
    ward = WardFactory(name="Hilltop")
    awarded = AgreementFactory(status="live", amount=Decimal("30000"), start_date="2025-06-01", end_date="2026-05-31", kind="contract")
    awarded.wards.add(ward)
    AgreementFactory(status="live", amount=Decimal("5000"), start_date="2026-02-01", end_date="2026-12-31")
    AgreementFactory(status="planned", amount=Decimal("99999"))
    page = visible_text(client_for(Role.COUNCILLOR).get(reverse("funding:spend")).content)
    assert "2025 to 2026 £5,000 £30,000 £0 £35,000" in page
    assert "Hilltop £30,000" in page and "No ward recorded £5,000" in page
    assert "99,999" not in page


def test_spend_tables_download_as_the_page_shows_them(client_for, django_capture_on_commit_callbacks):
    ward = WardFactory(name="Hilltop")
    awarded = AgreementFactory(status="live", amount=Decimal("30000"), start_date="2025-06-01", end_date="2026-05-31", kind="contract")
    awarded.wards.add(ward)
    AgreementFactory(status="live", amount=Decimal("5000"), start_date="2026-02-01", end_date="2026-12-31")
    client = client_for(Role.COUNCILLOR)
    html = client.get(reverse("funding:spend")).content.decode()
    assert 'data-export="spend_by_year"' in html and 'data-export="spend_by_ward"' in html
    _job, content = download_list(client, django_capture_on_commit_callbacks, "spend_by_year", fmt="xlsx")
    rows = xlsx_rows(content)
    assert rows[0][0] == "Financial year" and rows[0][-1] == "Total (£)"
    assert rows[1][0] == "2025 to 2026" and rows[1][-1] == 35000 and sorted(rows[1][1:-1]) == [0, 5000, 30000]
    _job, content = download_list(client, django_capture_on_commit_callbacks, "spend_by_ward")
    lines = [line.split(",") for line in csv_text(content).splitlines()]
    assert lines[0] == ["Ward", "Total value (£)"]
    assert [(ward, Decimal(total)) for ward, total in lines[1:]] == [("Hilltop", Decimal(30000)), ("No ward recorded", Decimal(5000))]


def test_tiers_download_for_administrators(client_for, django_capture_on_commit_callbacks):
    from tests.factories import ProportionalityTierFactory

    ProportionalityTierFactory(name="Small", min_value=0, max_value=Decimal("5000"), risk_level="low", required_checks=[], advance_payment_allowed=True)
    _job, content = download_list(client_for(Role.ADMIN), django_capture_on_commit_callbacks, "tiers")
    lines = csv_text(content).splitlines()
    assert lines[0].startswith("Name,Lowest value (£),Highest value (£),Risk level,Checks before award")
    assert "Small,0.00,5000.00,Low,No checks required,12,Yes" in lines[1:]
    assert any(line.startswith('"Micro grant, high risk",0.00,5000.00,High,Bank details verified; ') for line in lines)  # the tiers set by default
    assert client_for(Role.OFFICER).post(reverse("core:export_start"), {"list_name": "tiers", "format": "csv"}).status_code == 403


def test_organisation_section_and_funded_filter(rf, users, own_organisation, other_organisation, agreement):
    from lightbulb.core.registry import registry
    from lightbulb.organisations.models import Organisation

    AgreementFactory(organisation=other_organisation, status="live")
    section = registry.organisation_sections["agreements"]
    request = rf.get("/")
    request.user = users[Role.COUNCILLOR]
    assert [a.title for a in section(own_organisation, request)["agreements"]] == ["Riverside café grant"]
    request.user = users[Role.VCS]
    assert section(own_organisation, request)["agreements"]
    assert section(other_organisation, request) is None
    request.user = users[Role.STAFF]
    assert section(own_organisation, request) is None
    funded = registry.organisation_filters["funded"]
    assert funded.label == "Currently funded"
    assert list(funded.apply(Organisation.objects.all())) == [other_organisation]


def test_navigation_shows_agreements_to_readers_only(client_for, agreement):
    assert "Agreements" in visible_text(client_for(Role.COUNCILLOR).get(reverse("core:home")).content)
    assert "Agreements" not in visible_text(client_for(Role.STAFF).get(reverse("core:home")).content)


def test_list_ward_filter_is_a_picker_that_works_without_javascript(officer_client, agreement):
    north, northfield = WardFactory(name="North Moor"), WardFactory(name="Northfield")
    WardFactory.create_batch(5)
    agreement.wards.set([north])
    AgreementFactory(title="Allotment contract").wards.set([northfield])
    url = reverse("funding:agreement_list")
    page = officer_client.get(url).content.decode()
    # A text box that asks the ward search, never a list of every ward.
    assert 'name="ward"' in page and f'data-picker="{reverse("organisations:ward_pick")}"' in page
    assert not re.search(r'<select[^>]*name="ward"', page)
    # The ward's name typed and sent: its agreements alone.
    chosen = visible_text(officer_client.get(url + "?ward=North+Moor").content)
    assert "1 agreement " in chosen and "Riverside café grant" in chosen
    # A name two wards share is offered back as a choice; a ward's number (as the old links send it) is taken as it is.
    ambiguous = visible_text(officer_client.get(url + "?ward=north").content)
    assert "More than one ward matches what you typed: choose one" in ambiguous and "Northfield" in ambiguous
    assert "Allotment contract" in visible_text(officer_client.get(url + f"?ward={northfield.pk}").content)


def test_a_busy_organisations_page_shows_its_most_recent_agreements_and_links_to_them_all(officer_client, own_organisation, agreement):
    from lightbulb.funding.selectors.agreements import ORGANISATION_AGREEMENTS_SHOWN

    for year in range(ORGANISATION_AGREEMENTS_SHOWN + 2):
        AgreementFactory(organisation=own_organisation, title=f"Grant of {1990 + year}", start_date=f"{1990 + year}-04-01", end_date=f"{1990 + year}-09-30")
    total = ORGANISATION_AGREEMENTS_SHOWN + 3
    page = visible_text(officer_client.get(reverse("organisations:detail", kwargs={"pk": own_organisation.pk})).content)
    assert f"The {ORGANISATION_AGREEMENTS_SHOWN} most recent of {total} agreements." in page
    assert f"See all {total} agreements with this organisation" in page
    assert "Riverside café grant" in page and "Grant of 1993" in page and "Grant of 1992" not in page
    listed = visible_text(officer_client.get(reverse("funding:agreement_list") + f"?organisation={own_organisation.pk}").content)
    assert f"{total} agreements" in listed
