"""Officers enter a response to a notice that arrived by post or e-mail; councillors never see who sent or entered it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.funding.services import decommissioning as services
from tests.factories import OrganisationFactory
from tests.funding.factories_returns import PDF_BYTES, live_agreement
from tests.helpers import visible_text

TODAY = datetime.date(2026, 1, 5)
ANSWERS: dict[str, Any] = {
    "reasons": "Recommissioned",
    "impact_service_users": "40 people",
    "impact_volunteers": "12 volunteers",
    "impact_staff": "One coordinator",
    "impact_equality_groups": "Older people",
    "alternative_providers": "The lunch club",
    "mitigations": "Introductions",
    "exit_plan": "Three months",
    "funding_end_date": datetime.date(2026, 5, 1),
}


@pytest.fixture
def notice(users):
    organisation = OrganisationFactory(name="Old Mill Bowls Club")  # no portal member
    agreement = live_agreement(users, organisation, reference="AGR-POST-0001")
    with time_machine.travel(TODAY, tick=False):
        return services.decommissioning_issue_notice(acting_user=users[Role.OFFICER], agreement=agreement, answers=dict(ANSWERS))


def _letter() -> SimpleUploadedFile:
    return SimpleUploadedFile("reply.pdf", PDF_BYTES, content_type="application/pdf")


def test_an_officer_enters_a_posted_response_with_its_letter(users, officer_client, client_for, notice):
    url = reverse("funding:decommissioning_record_response", kwargs={"pk": notice.pk})
    with time_machine.travel(TODAY + datetime.timedelta(days=40), tick=False):
        officer = client_for(Role.OFFICER)
        data = {"organisation_response": "Please keep the Tuesday sessions", "received_on_0": "20", "received_on_1": "1", "received_on_2": "2026"}
        refused = officer.post(url, data)
        assert "Attach the response as it arrived" in visible_text(refused.content)
        # It arrived on 20 January, inside the window, though it is entered after the window closed.
        response = officer.post(url, {**data, "letter": _letter()})
        assert response.status_code == 302
        notice.refresh_from_db()
        assert notice.response_entered_by_council and notice.response_received_on == datetime.date(2026, 1, 20)
        assert notice.stage == "response_received"
        page = visible_text(officer.get(reverse("funding:decommissioning_detail", kwargs={"pk": notice.pk})).content)
        assert "Entered by the council Arrived by post or e-mail on 20 January 2026; entered by Officer Person." in page
        councillor_page = visible_text(client_for(Role.COUNCILLOR).get(reverse("funding:decommissioning_detail", kwargs={"pk": notice.pk})).content)
        assert "Arrived by post or e-mail on 20 January 2026." in councillor_page and "entered by Officer Person" not in councillor_page
        letter = client_for(Role.INVESTIGATOR).get(reverse("funding:decommissioning_response_letter", kwargs={"pk": notice.pk}))
        assert letter.content.startswith(b"%PDF")
        assert client_for(Role.COUNCILLOR).get(reverse("funding:decommissioning_response_letter", kwargs={"pk": notice.pk})).status_code == 403


@pytest.mark.parametrize(
    ("received_on", "letter", "field", "message"),
    [
        (None, True, "received_on", "Enter the date the response arrived"),
        (TODAY + datetime.timedelta(days=1), True, "received_on", "must be today or in the past"),
        (TODAY - datetime.timedelta(days=1), True, "received_on", "cannot have arrived before the notice was given"),
        (TODAY, False, "letter", "Attach the response as it arrived"),
    ],
)
def test_the_service_checks_the_date_and_letter(received_on, letter, field, message, users, notice):
    with time_machine.travel(TODAY, tick=False), pytest.raises(ValidationError) as caught:
        services.decommissioning_respond(
            acting_user=users[Role.OFFICER], decommissioning=notice, text="Reply", received_on=received_on, letter=_letter() if letter else None
        )
    assert any(message in text for text in caught.value.message_dict[field])
    notice.refresh_from_db()
    assert notice.organisation_response == ""


def test_a_response_that_arrived_after_the_window_is_refused(users, notice):
    with time_machine.travel(TODAY + datetime.timedelta(days=40), tick=False), pytest.raises(ValidationError, match="time to respond"):
        services.decommissioning_respond(
            acting_user=users[Role.OFFICER], decommissioning=notice, text="Late", received_on=TODAY + datetime.timedelta(days=35), letter=_letter()
        )
