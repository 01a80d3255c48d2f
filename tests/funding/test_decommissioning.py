"""The decommissioning journey: impact, notice, response, consideration and completion."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lightbulb.compact import services as compact_services
from lightbulb.core.roles import Role
from lightbulb.funding.models import AgreementStatus, Decommissioning
from lightbulb.funding.services import decommissioning as services
from lightbulb.funding.services.lifecycle import agreement_transition
from tests.conftest import sign_in
from tests.factories import AgreementFactory, MembershipFactory, UserFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 1, 5)
IMPACT = {
    "impact_service_users": "Forty older people lose a weekly lunch club",
    "impact_volunteers": "Twelve volunteers",
    "impact_staff": "One part-time coordinator",
    "impact_equality_groups": "Older and disabled people",
    "alternative_providers": "Hilltop Age Concern runs a similar club",
}


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@pytest.fixture
def agreement(own_organisation):
    return AgreementFactory(organisation=own_organisation, status=AgreementStatus.UNDER_REVIEW, reference="AGR-2025-7777", title="Lunch club grant")


def _walk_to_check(client, agreement, *, end=datetime.date(2026, 5, 1), reason=""):
    pk = agreement.pk
    assert client.post(reverse("funding:decommission_reasons", kwargs={"pk": pk}), {"reasons": "The budget is cut by a third"}).status_code == 302
    assert client.post(reverse("funding:decommission_impact", kwargs={"pk": pk}), IMPACT).status_code == 302
    assert (
        client.post(
            reverse("funding:decommission_exit", kwargs={"pk": pk}), {"mitigations": "Help to find other funders", "exit_plan": "Wind down by April"}
        ).status_code
        == 302
    )
    data = {"told": "now", **_date("funding_end_date", end), "short_notice_reason": reason}
    return client.post(reverse("funding:decommission_notice", kwargs={"pk": pk}), data)


def _issue(client, agreement):
    response = _walk_to_check(client, agreement)
    assert response.status_code == 302
    return client.post(reverse("funding:decommission_check", kwargs={"pk": agreement.pk}))


@time_machine.travel(TODAY, tick=False)
def test_journey_end_to_end(officer_client, client_for, users, agreement, django_capture_on_commit_callbacks):
    response = _walk_to_check(officer_client, agreement)
    assert response.url == reverse("funding:decommission_check", kwargs={"pk": agreement.pk})
    page = visible_text(officer_client.get(response.url).content)
    assert "Check your answers before issuing the notice" in page
    assert "Forty older people lose a weekly lunch club" in page
    assert "Change impact on service users" in page
    assert "Funding ends 3 months and 26 days after the notice" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("funding:decommission_check", kwargs={"pk": agreement.pk}))
    decommissioning = Decommissioning.objects.get(agreement=agreement)
    assert response.url == reverse("funding:decommissioning_detail", kwargs={"pk": decommissioning.pk})
    assert decommissioning.stage == Decommissioning.Stage.NOTICE_ISSUED
    assert decommissioning.response_due_date == TODAY + datetime.timedelta(days=28)
    assert mail.outbox[0].to == [users[Role.VCS].email]
    assert mail.outbox[0].attachments[0][0] == "notice-AGR-2025-7777.pdf"
    # The organisation responds in the portal.
    vcs = client_for(Role.VCS)
    page = visible_text(vcs.get(reverse("funding:portal_notices")).content)
    assert "AGR-2025-7777" in page
    url = reverse("funding:portal_notice", kwargs={"pk": decommissioning.pk})
    assert vcs.post(url, {"organisation_response": "Please keep the lunch club until June"}).status_code == 302
    decommissioning.refresh_from_db()
    assert decommissioning.stage == Decommissioning.Stage.RESPONSE_RECEIVED
    # The officer records how it was considered, then completes.
    url = reverse("funding:decommissioning_consider", kwargs={"pk": decommissioning.pk})
    assert "Please keep the lunch club until June" in visible_text(officer_client.get(url).content)
    assert officer_client.post(url, {"response_consideration": "Extended the exit plan to June"}).status_code == 302
    url = reverse("funding:decommissioning_complete", kwargs={"pk": decommissioning.pk})
    response = officer_client.post(url, {"lessons_learned": "Start the conversation earlier"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DECOMMISSIONED
    page = visible_text(officer_client.get(response.url).content)
    assert "Start the conversation earlier" in page and "Complete" in page


@time_machine.travel(TODAY, tick=False)
def test_answers_survive_between_pages_and_change_links_return_to_check(officer_client, agreement):
    _walk_to_check(officer_client, agreement)
    url = reverse("funding:decommission_impact", kwargs={"pk": agreement.pk}) + "?return=check"
    page = officer_client.get(url).content.decode()
    assert "Twelve volunteers" in page
    response = officer_client.post(url, {**IMPACT, "impact_staff": "Two staff"})
    assert response.url == reverse("funding:decommission_check", kwargs={"pk": agreement.pk})
    assert "Two staff" in visible_text(officer_client.get(response.url).content)


@time_machine.travel(TODAY, tick=False)
def test_missing_impact_fields_are_named(officer_client, agreement):
    url = reverse("funding:decommission_impact", kwargs={"pk": agreement.pk})
    response = officer_client.post(url, {**IMPACT, "impact_volunteers": "", "impact_staff": "   "})
    page = visible_text(response.content)
    assert response.status_code == 200
    assert "Enter impact on volunteers" in page and "Enter impact on the organisation's staff" in page
    assert "Forty older people" in response.content.decode()  # nothing typed is lost


@time_machine.travel(TODAY, tick=False)
def test_oversized_and_hostile_input(officer_client, agreement):
    url = reverse("funding:decommission_reasons", kwargs={"pk": agreement.pk})
    response = officer_client.post(url, {"reasons": "x" * 10_001})
    assert "must be 10,000 characters or fewer" in visible_text(response.content)
    hostile = "<script>alert(1)</script> =cmd|' /C calc'!A0"
    _walk_to_check(officer_client, agreement)
    officer_client.post(url + "?return=check", {"reasons": hostile})
    html = officer_client.get(reverse("funding:decommission_check", kwargs={"pk": agreement.pk})).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@time_machine.travel(TODAY, tick=False)
def test_short_notice_needs_a_reason_with_the_gap_stated(officer_client, agreement):
    response = _walk_to_check(officer_client, agreement, end=datetime.date(2026, 3, 1))
    page = visible_text(response.content)
    assert response.status_code == 200
    assert "Funding ends 1 month and 24 days after the notice, less than the Compact's 3 calendar months" in page
    assert "3 months would be 5 April 2026" in page
    response = _walk_to_check(officer_client, agreement, end=datetime.date(2026, 3, 1), reason="The building closes in March")
    assert response.status_code == 302
    page = visible_text(officer_client.get(response.url).content)
    assert "less than the Compact's 3 calendar months" in page


@time_machine.travel(TODAY, tick=False)
def test_funding_end_before_notice_and_malformed_dates(officer_client, agreement):
    response = _walk_to_check(officer_client, agreement, end=datetime.date(2026, 1, 1))
    assert "The date funding ends must be after the date of the notice" in visible_text(response.content)
    url = reverse("funding:decommission_notice", kwargs={"pk": agreement.pk})
    response = officer_client.post(url, {"told": "now", "funding_end_date_0": "31", "funding_end_date_1": "2", "funding_end_date_2": "2026"})
    page = visible_text(response.content)
    assert "Date funding ends must be a real date" in page
    response = officer_client.post(
        url, {"told": "outside", **_date("outside_date", TODAY + datetime.timedelta(days=3)), **_date("funding_end_date", datetime.date(2026, 6, 1))}
    )
    page = visible_text(response.content)
    assert "The date the notice was sent must be today or in the past" in page and "Say why the notice was sent outside Lightbulb" in page
    assert not Decommissioning.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_notice_is_dated_the_day_it_is_issued_whatever_is_posted(officer_client, agreement):
    response = _walk_to_check(officer_client, agreement)
    assert response.status_code == 302
    # A hand-made post cannot slip a date in: the notice page has no date to backdate.
    officer_client.post(reverse("funding:decommission_check", kwargs={"pk": agreement.pk}), {"notice_date": "2025-01-01"})
    assert Decommissioning.objects.get(agreement=agreement).notice_date == TODAY


def test_a_notice_sent_outside_is_recorded_with_its_letter_and_marked(officer_client, client_for, users, agreement):
    sent_on = TODAY - datetime.timedelta(days=10)
    with time_machine.travel(TODAY, tick=False):
        _walk_to_check(officer_client, agreement)
        notice = reverse("funding:decommission_notice", kwargs={"pk": agreement.pk})
        outside = {
            "told": "outside",
            **_date("outside_date", sent_on),
            "outside_reason": "The chief executive wrote before the system was in use",
            **_date("funding_end_date", datetime.date(2026, 6, 1)),
        }
        assert officer_client.post(notice, outside).status_code == 302
        check = reverse("funding:decommission_check", kwargs={"pk": agreement.pk})
        page = visible_text(officer_client.get(check).content)
        assert f"The notice is recorded as sent on {sent_on:%-d %B %Y}, outside Lightbulb" in page
        refused = officer_client.post(check, {})
        assert "Attach the letter or e-mail that was sent" in visible_text(refused.content)
        assert not Decommissioning.objects.exists()
        mail.outbox.clear()
        letter = SimpleUploadedFile("notice.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
        done = officer_client.post(check, {"outside_letter": letter})
        assert done.status_code == 302
    decommissioning = Decommissioning.objects.get(agreement=agreement)
    assert (decommissioning.notice_date, decommissioning.notice_sent_outside) == (sent_on, True)
    assert decommissioning.response_due_date == sent_on + datetime.timedelta(days=28)
    assert mail.outbox == []  # it was sent already; nothing goes out again
    with time_machine.travel(TODAY, tick=False):
        download = officer_client.get(reverse("funding:decommissioning_notice_pdf", kwargs={"pk": decommissioning.pk}))
    assert download.content.startswith(b"%PDF") and "attachment" in download["Content-Disposition"]
    compact_services.compact_create_default(acting_user=users[Role.OFFICER])
    with time_machine.travel(TODAY, tick=False):
        compact = visible_text(client_for(Role.COUNCILLOR).get(reverse("compact:compact")).content)
    assert "1 sent outside Lightbulb" in compact
    assert "AGR-2025-7777 (Riverside Food Bank): notice sent outside Lightbulb and recorded afterwards" in compact


@time_machine.travel(TODAY, tick=False)
def test_check_page_sends_back_to_the_first_missing_page(officer_client, agreement):
    response = officer_client.get(reverse("funding:decommission_check", kwargs={"pk": agreement.pk}))
    assert response.url == reverse("funding:decommission_reasons", kwargs={"pk": agreement.pk})


def test_planned_agreement_cannot_be_decommissioned(officer_client, own_organisation):
    planned = AgreementFactory(organisation=own_organisation, status=AgreementStatus.PLANNED)
    response = officer_client.get(reverse("funding:decommission_reasons", kwargs={"pk": planned.pk}), follow=True)
    assert "cannot be decommissioned" in visible_text(response.content)


def test_response_after_the_window_is_refused(officer_client, client_for, agreement):
    with time_machine.travel(TODAY, tick=False):
        _issue(officer_client, agreement)
    decommissioning = Decommissioning.objects.get(agreement=agreement)
    url = reverse("funding:portal_notice", kwargs={"pk": decommissioning.pk})
    with time_machine.travel(TODAY + datetime.timedelta(days=29), tick=False):
        vcs = client_for(Role.VCS)
        assert "The time to respond ended on 2 February 2026" in visible_text(vcs.get(url).content)
        response = vcs.post(url, {"organisation_response": "Too late"})
        assert response.status_code == 200
        assert "The time to respond to this notice has passed" in visible_text(response.content)
        decommissioning.refresh_from_db()
        assert decommissioning.organisation_response == ""
        # A lapsed window lets the officer go on without a response, once its absence is considered.
        officer = client_for(Role.OFFICER)
        complete = reverse("funding:decommissioning_complete", kwargs={"pk": decommissioning.pk})
        refused = officer.post(complete, {"lessons_learned": "Talk sooner"})
        assert refused.status_code == 200
        assert "Record how the organisation's response was considered first" in visible_text(refused.content)
        considered = officer.post(
            reverse("funding:decommissioning_consider", kwargs={"pk": decommissioning.pk}), {"response_consideration": "No response came; the plan stands"}
        )
        assert considered.status_code == 302
        response = officer.post(complete, {"lessons_learned": "Talk sooner"})
        assert response.url == reverse("funding:decommissioning_detail", kwargs={"pk": decommissioning.pk})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DECOMMISSIONED


def test_members_of_other_organisations_get_404(officer_client, client_for, agreement, other_organisation):
    with time_machine.travel(TODAY, tick=False):
        _issue(officer_client, agreement)
    decommissioning = Decommissioning.objects.get(agreement=agreement)
    outsider = sign_in(client_for(None), other_organisation.memberships.first().user)
    assert outsider.get(reverse("funding:portal_notice", kwargs={"pk": decommissioning.pk})).status_code == 404
    assert outsider.get(reverse("funding:decommissioning_notice_pdf", kwargs={"pk": decommissioning.pk})).status_code == 404
    assert "AGR-2025-7777" not in visible_text(outsider.get(reverse("funding:portal_notices")).content)


def test_guard_refuses_decommissioned_without_impact_assessment(users, own_organisation):
    agreement = AgreementFactory(organisation=own_organisation, status=AgreementStatus.UNDER_REVIEW)
    with pytest.raises(ValidationError) as error:
        agreement_transition(agreement=agreement, to_status=AgreementStatus.DECOMMISSIONED, acting_user=users[Role.OFFICER], reason="Budget cut")
    assert "impact assessment" in str(error.value)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.UNDER_REVIEW


def test_guard_refuses_before_the_response_is_considered(users, agreement):
    with time_machine.travel(TODAY, tick=False):
        services.decommissioning_issue_notice(
            acting_user=users[Role.OFFICER],
            agreement=agreement,
            answers={
                "reasons": "Cut",
                **IMPACT,
                "mitigations": "M",
                "exit_plan": "E",
                "funding_end_date": datetime.date(2026, 6, 1),
                "response_due_date": datetime.date(2026, 2, 2),
            },
        )
        with pytest.raises(ValidationError) as error:
            agreement_transition(agreement=agreement, to_status=AgreementStatus.DECOMMISSIONED, acting_user=users[Role.OFFICER], reason="Cut")
    assert "considered" in str(error.value)


def test_notice_letter_pdf(officer_client, client_for, agreement):
    with time_machine.travel(TODAY, tick=False):
        _issue(officer_client, agreement)
    decommissioning = Decommissioning.objects.get(agreement=agreement)
    url = reverse("funding:decommissioning_notice_pdf", kwargs={"pk": decommissioning.pk})
    response = client_for(Role.VCS).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    assert "AGR-2025-7777" in text and "The budget is cut by a third" in text and "Riverside Food Bank" in text


def test_councillor_reads_but_may_not_record(client_for, officer_client, agreement):
    with time_machine.travel(TODAY, tick=False):
        _issue(officer_client, agreement)
    decommissioning = Decommissioning.objects.get(agreement=agreement)
    councillor = client_for(Role.COUNCILLOR)
    assert "Decommissioning AGR-2025-7777" in visible_text(councillor.get(reverse("funding:decommissioning_detail", kwargs={"pk": decommissioning.pk})).content)
    assert councillor.get(reverse("funding:decommissioning_consider", kwargs={"pk": decommissioning.pk})).status_code == 403


def test_notice_deadlines_registered(users, agreement):
    from lightbulb.core.registry import registry

    with time_machine.travel(TODAY, tick=False):
        services.decommissioning_issue_notice(
            acting_user=users[Role.OFFICER],
            agreement=agreement,
            answers={
                "reasons": "Cut",
                **IMPACT,
                "mitigations": "M",
                "exit_plan": "E",
                "funding_end_date": datetime.date(2026, 6, 1),
                "response_due_date": datetime.date(2026, 2, 2),
            },
        )
    # The notice is on another officer's agreement: it is in this officer's deadlines only when they choose every agreement's.
    assert registry.deadlines["notices"](users[Role.OFFICER], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == []
    deadlines = registry.deadlines["notices"](users[Role.OFFICER], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), everyone=True)
    assert [deadline.date for deadline in deadlines] == [datetime.date(2026, 2, 2), datetime.date(2026, 6, 1)]
    accountable = registry.deadlines["notices"](agreement.accountable_officer, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert [deadline.date for deadline in accountable] == [datetime.date(2026, 2, 2), datetime.date(2026, 6, 1)]
    assert registry.deadlines["notices"](users[Role.VCS], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == []
    assert registry.organisation_sections["decommissioning"](agreement.organisation, type("R", (), {"user": UserFactory(role=Role.OFFICER)})())[
        "decommissionings"
    ]


def test_member_of_two_organisations_sees_only_their_notices(client_for, officer_client, agreement, users):
    second = AgreementFactory(status=AgreementStatus.LIVE)
    MembershipFactory(user=UserFactory(role=Role.VCS), organisation=second.organisation)
    with time_machine.travel(TODAY, tick=False):
        _issue(officer_client, agreement)
        _issue(officer_client, second)
    assert Decommissioning.objects.count() == 2
    page = visible_text(client_for(Role.VCS).get(reverse("funding:portal_notices")).content)
    assert "AGR-2025-7777" in page and second.reference not in page


@time_machine.travel(TODAY, tick=False)
def test_members_find_the_notice_from_their_dashboard_and_menu(officer_client, client_for, agreement):
    vcs = client_for(Role.VCS)
    home = visible_text(vcs.get("/").content)
    assert "Funding notices" in home  # the menu item
    assert "Notices that funding will end" not in home  # no panel while there is nothing to answer
    assert _issue(officer_client, agreement).status_code == 302
    home = vcs.get("/").content.decode()
    text = visible_text(home)
    assert "Notices that funding will end" in text
    assert "Lunch club grant" in text
    decommissioning = Decommissioning.objects.get(agreement=agreement)
    assert reverse("funding:portal_notice", kwargs={"pk": decommissioning.pk}) in home
    # Nobody else's dashboard shows it.
    assert "Notices that funding will end" not in visible_text(client_for(Role.STAFF).get("/").content)
