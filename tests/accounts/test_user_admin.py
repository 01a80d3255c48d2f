"""Admins manage users and roles in the product's own pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import User
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from tests.exports import csv_text, download_list, xlsx_rows
from tests.factories import UserFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db


def test_admin_lists_and_filters_users(client_for, users):
    client = client_for(Role.ADMIN)
    text = visible_text(client.get("/account/users/?role=councillor").content)
    assert users[Role.COUNCILLOR].display_name in text
    assert users[Role.OFFICER].display_name not in text


def test_admin_downloads_the_filtered_users(client_for, users, django_capture_on_commit_callbacks):
    UserFactory(role=Role.STAFF, full_name="=Formula Person", email="formula@example.org")
    client = client_for(Role.ADMIN)
    _job, content = download_list(client, django_capture_on_commit_callbacks, "users", query="role=staff")
    rows = list(csv.reader(io.StringIO(csv_text(content))))
    assert rows[0][:3] == ["Name", "E-mail address", "Role"]
    assert {row[1] for row in rows[1:]} == {users[Role.STAFF].email, "formula@example.org"}
    assert ["'=Formula Person", "formula@example.org", "Council staff"] in [row[:3] for row in rows]
    _job, content = download_list(client, django_capture_on_commit_callbacks, "users", fmt="xlsx")
    assert len(xlsx_rows(content)) == 1 + User.objects.count()
    # The list of accounts is the administrators' alone.
    assert client_for(Role.OFFICER).post("/downloads/", {"list_name": "users", "format": "csv"}).status_code == 403


def test_admin_creates_a_user_who_gets_an_invitation(client_for, django_capture_on_commit_callbacks):
    client = client_for(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/users/add",
            {
                "full_name": "Priya Shah",
                "email": "priya@example.org",
                "role": Role.OFFICER,
                "job_title": "Commissioner",
                "service_area": "Communities",
                "is_active": "on",
            },
        )
    created = User.objects.get(email="priya@example.org")
    assert response["Location"] == f"/account/users/{created.pk}/"
    assert created.role == Role.OFFICER
    assert not created.has_usable_password()
    assert "You have been invited to Lightbulb" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="user_create", object_id=str(created.pk)).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "email": "x@example.org", "role": "officer"}, "This field is required"),
        ({"full_name": "X", "email": "x@example.org", "role": "emperor"}, "Select a valid choice"),
        ({"full_name": "=cmd|' /C calc'!A0", "email": "bad", "role": "officer"}, "Enter a valid email address"),
        ({"full_name": "<b>X</b>", "email": "x@example.org", "role": "officer"}, "Enter text without HTML tags"),
    ],
)
def test_user_form_bad_input(client_for, data, message):
    client = client_for(Role.ADMIN)
    before = User.objects.count()
    response = client.post("/account/users/add", data)
    assert response.status_code == 200
    assert message in visible_text(response.content)
    assert User.objects.count() == before


def test_admin_changes_a_role_and_history_shows_it(client_for, users):
    client = client_for(Role.ADMIN)
    staff = users[Role.STAFF]
    client.post(f"/account/users/{staff.pk}/edit", {"full_name": staff.full_name, "email": staff.email, "role": Role.OFFICER, "is_active": "on"})
    staff.refresh_from_db()
    assert staff.role == Role.OFFICER
    history = visible_text(client.get(f"/account/users/{staff.pk}/history").content)
    assert "Account details changed" in history
    assert "staff" in history and "officer" in history


def test_admin_cannot_demote_themselves(client_for, users):
    admin = users[Role.ADMIN]
    client = client_for(Role.ADMIN)
    response = client.post(f"/account/users/{admin.pk}/edit", {"full_name": admin.full_name, "email": admin.email, "role": Role.STAFF, "is_active": "on"})
    assert "You cannot remove your own administrator role" in visible_text(response.content)
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_admin_resets_two_factor_with_a_reason(client_for, users):
    officer = users[Role.OFFICER]
    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    client = client_for(Role.ADMIN)
    empty = client.post(f"/account/users/{officer.pk}/two-factor-reset", {"reason": ""})
    assert "This field is required" in visible_text(empty.content)
    assert TOTPDevice.objects.filter(user=officer).exists()
    client.post(f"/account/users/{officer.pk}/two-factor-reset", {"reason": "Lost phone, confirmed by line manager"})
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_user_list_queries_do_not_grow(client_for):
    client = client_for(Role.ADMIN)
    assert_queries_independent_of_size(client, "/account/users/", lambda: [UserFactory() for _ in range(15)])
