"""The engagement log's services, called directly: they ask who is acting, and enforce every rule their forms do."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from lightbulb.core.roles import Role
from lightbulb.engagement.models import Engagement, FollowUpAction, Theme
from lightbulb.engagement.services import log as services
from tests.engagement.factories import EngagementFactory, FollowUpActionFactory, ThemeFactory
from tests.factories import CouncillorFactory, UserFactory, WardFactory
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [Theme, Engagement, FollowUpAction]


@pytest.fixture
def w(users, own_organisation, other_organisation):
    officer = users[Role.OFFICER]
    engagement = EngagementFactory(recorded_by=officer)
    councillor_user = users[Role.COUNCILLOR]
    return SimpleNamespace(
        users=users,
        outsider=other_organisation.memberships.get().user,
        officer=officer,
        organisation=own_organisation,
        theme=ThemeFactory(name="Premises costs"),
        ward=WardFactory(name="Riverside"),
        engagement=engagement,
        action=FollowUpActionFactory(engagement=engagement, owner=officer),
        councillor_action=FollowUpActionFactory(engagement=engagement, owner=councillor_user),
        councillor=CouncillorFactory(name="Cllr Ada Byrne"),
    )


def _data(w: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "forum",
        "title": "Older people's forum",
        "held_on": datetime.date(2026, 3, 10),
        "ward": w.ward.pk,
        "notes": "Transport to the day centre is the worry.",
        "themes": [w.theme.pk],
        "organisations": [w.organisation.pk],
        "councillors": [w.councillor.pk],
        "officers": [w.officer.pk],
        **overrides,
    }


def _action(w: Any, **overrides: Any) -> dict[str, Any]:
    return {"description": "Send the transport timetable", "owner": w.officer.pk, "due_date": datetime.date(2026, 4, 1), **overrides}


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "theme_create": (lambda w, a: services.theme_create(acting_user=a, name="Late payments"), ("officer",)),
    "theme_update": (lambda w, a: services.theme_update(acting_user=a, theme=w.theme, name="Premises and rent"), ("officer",)),
    "engagement_create": (lambda w, a: services.engagement_create(acting_user=a, data=_data(w)), ("officer",)),
    "engagement_update": (lambda w, a: services.engagement_update(acting_user=a, engagement=w.engagement, data=_data(w)), ("officer",)),
    "follow_up_action_add": (lambda w, a: services.follow_up_action_add(acting_user=a, engagement=w.engagement, data=_action(w)), ("officer",)),
    "follow_up_action_complete": (lambda w, a: services.follow_up_action_complete(acting_user=a, action=w.action), ("officer",)),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
def test_an_officer_gets_through_and_it_is_audited(w, service):
    from lightbulb.core.models import AuditEvent

    call, _allowed = SERVICES[service]
    before = AuditEvent.objects.count()
    call(w, w.officer)
    assert AuditEvent.objects.count() == before + 1


def test_a_councillor_marks_their_own_action_done_but_not_anyone_elses(w):
    councillor = w.users[Role.COUNCILLOR]
    done = services.follow_up_action_complete(acting_user=councillor, action=w.councillor_action, note="Spoke to the chair")
    assert done.completed_on == timezone.localdate() and done.completed_by == councillor
    assert_refused(lambda: services.follow_up_action_complete(acting_user=councillor, action=w.action), WATCHED)


INVALID = [
    ("title", {"title": ""}, "Enter a title"),
    ("title", {"title": "x" * 301}, "Title must be 300 characters or fewer"),
    ("title", {"title": "<b>Forum</b>"}, "Enter text without HTML tags (remove anything between < and >)"),
    ("kind", {"kind": "party"}, "Select a valid choice. party is not one of the available choices."),
    ("kind", {"kind": ""}, "Select what kind of engagement it was"),
    ("held_on", {"held_on": None}, "Enter the date it took place"),
    ("held_on", {"held_on": "2026-03-10"}, "Date must be a real date"),
    ("held_on", {"held_on": timezone.localdate() + datetime.timedelta(days=3)}, "The date must be today or in the past: record what has happened"),
    ("notes", {"notes": "x" * 10_001}, "Notes must be 10,000 characters or fewer"),
    ("ward", {"ward": 999_999}, "Select a ward from the list"),
    ("organisations", {"organisations": [999_999]}, "Select organisations from the register"),
    ("themes", {"themes": ["Premises"]}, "Select themes from the list"),
    ("councillors", {"councillors": [999_999]}, "Select councillors from the list"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), INVALID, ids=[f"{f}-{m[:20]}" for f, _o, m in INVALID])
@pytest.mark.parametrize("service", ["create", "update"])
def test_the_engagement_forms_rules_hold_in_the_service(w, field, overrides, message, service):
    data = _data(w, **overrides)
    if service == "create":
        call = lambda: services.engagement_create(acting_user=w.officer, data=data)  # noqa: E731
    else:
        call = lambda: services.engagement_update(acting_user=w.officer, engagement=w.engagement, data=data)  # noqa: E731
    assert_invalid(call, field, message, WATCHED)


def test_only_officers_are_recorded_as_officers(w):
    data = _data(w, officers=[w.users[Role.COUNCILLOR].pk])
    assert_invalid(lambda: services.engagement_create(acting_user=w.officer, data=data), "officers", "Select officers from the list", WATCHED)


ACTION_INVALID = [
    ("description", {"description": ""}, "Enter what is to be done"),
    ("description", {"description": "x" * 501}, "Action must be 500 characters or fewer"),
    ("owner", {"owner": None}, "Select who owns the action"),
    ("due_date", {"due_date": None}, "Enter the due date"),
]


@pytest.mark.parametrize(("field", "overrides", "message"), ACTION_INVALID)
def test_the_action_forms_rules_hold_in_the_service(w, field, overrides, message):
    assert_invalid(lambda: services.follow_up_action_add(acting_user=w.officer, engagement=w.engagement, data=_action(w, **overrides)), field, message, WATCHED)


@pytest.mark.parametrize("role", [Role.VCS, Role.ADMIN, Role.INVESTIGATOR])
def test_an_action_is_owned_only_by_an_officer_or_councillor(w, role):
    owner = UserFactory(role=role)
    call = lambda: services.follow_up_action_add(acting_user=w.officer, engagement=w.engagement, data=_action(w, owner=owner.pk))  # noqa: E731
    assert_invalid(call, "owner", "Select an officer or councillor from the list", WATCHED)


def test_an_action_is_marked_done_once(w):
    services.follow_up_action_complete(acting_user=w.officer, action=w.action)
    assert_invalid(
        lambda: services.follow_up_action_complete(acting_user=w.officer, action=w.action), "completion_note", "This action is already marked done", WATCHED
    )


def test_theme_names_are_unique_whatever_their_capitals(w):
    assert_invalid(lambda: services.theme_create(acting_user=w.officer, name="premises COSTS"), "name", "There is already a theme with this name", WATCHED)
    assert_invalid(lambda: services.theme_create(acting_user=w.officer, name=""), "name", "Enter a name for the theme", WATCHED)
    assert_invalid(lambda: services.theme_create(acting_user=w.officer, name="x" * 101), "name", "Name must be 100 characters or fewer", WATCHED)


def test_a_stale_edit_is_refused(w):
    from lightbulb.core.locking import StaleEdit

    services.engagement_update(acting_user=w.officer, engagement=w.engagement, data=_data(w))
    with pytest.raises(StaleEdit):
        services.engagement_update(acting_user=w.officer, engagement=w.engagement, data=_data(w, title="Another"), expected_version=1)


# Flags


def _flag(organisation):
    from django.utils import timezone as tz

    from lightbulb.engagement.models import Flag

    now = tz.now()
    return Flag.objects.create(
        organisation=organisation, rule="overdue_returns", reason="1 monitoring return is overdue", fingerprint="x", raised_at=now, updated_at=now
    )


def test_only_officers_dismiss_flags(w):
    from lightbulb.engagement.models import Flag
    from lightbulb.engagement.services.flags import flag_dismiss

    flag = _flag(w.organisation)
    for who in [who for who in ("none", "anonymous", "system", "councillor", "investigator", "admin", "staff", "vcs", "outsider")]:
        assert_refused(lambda: flag_dismiss(acting_user=identity(who, w.users, w.outsider), flag=flag, reason="Checked"), [Flag])  # noqa: B023
    assert_invalid(lambda: flag_dismiss(acting_user=w.officer, flag=flag, reason=""), "reason", "Enter why you are dismissing the flag", [Flag])
    assert_invalid(lambda: flag_dismiss(acting_user=w.officer, flag=flag, reason="x" * 2001), "reason", "Reason must be 2,000 characters or fewer", [Flag])
    assert_invalid(
        lambda: flag_dismiss(acting_user=w.officer, flag=flag, reason="<script>x</script>"),
        "reason",
        "Enter text without HTML tags (remove anything between < and >)",
        [Flag],
    )


def test_only_officers_and_the_daily_duty_recompute_flags(w):
    from lightbulb.engagement.models import Flag
    from lightbulb.engagement.services.flags import flags_recompute

    for who in ("none", "anonymous", "councillor", "investigator", "admin", "staff", "vcs", "outsider"):
        assert_refused(lambda: flags_recompute(acting_user=identity(who, w.users, w.outsider)), [Flag])  # noqa: B023
    assert flags_recompute(acting_user=identity("system", w.users, w.outsider)) == {"raised": 0, "changed": 0, "resolved": 0}
