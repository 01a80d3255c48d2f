"""A member downloads their organisations' funding notices; a member of another organisation gets none of them."""

from __future__ import annotations

import pytest
from django.test import Client

from lightbulb.core.roles import Role
from tests.conftest import sign_in
from tests.exports import csv_text, download_list
from tests.funding.test_messages import _issue

pytestmark = pytest.mark.django_db


def test_a_member_downloads_their_organisations_notices(users, own_organisation, other_organisation, client_for, django_capture_on_commit_callbacks):
    decommissioning = _issue(users, own_organisation, django_capture_on_commit_callbacks)
    _job, content = download_list(client_for(Role.VCS), django_capture_on_commit_callbacks, "portal_notices")
    lines = csv_text(content).splitlines()
    assert lines[0] == "Agreement,Agreement title,Organisation,Notice given,Funding ends,Respond by,Responded"
    assert len(lines) == 2
    assert lines[1].startswith(f"{decommissioning.agreement.reference},")
    assert lines[1].endswith(f",2026-05-01,{decommissioning.response_due_date.isoformat()},No")
    outsider = sign_in(Client(), other_organisation.memberships.first().user)
    _job, content = download_list(outsider, django_capture_on_commit_callbacks, "portal_notices")
    assert csv_text(content).splitlines() == [lines[0]]
