"""Themes, engagements and follow-up actions.

Every service first asks its predicate, then enforces every rule its form does
(in the form's words), writes in one transaction and records an audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lightbulb.core.audit import audit_event_record, diff, snapshot
from lightbulb.core.checks import FieldChecks
from lightbulb.core.locking import lock_for_edit, version_advance
from lightbulb.core.rules import require
from lightbulb.engagement.models import Engagement, EngagementKind, FollowUpAction, Theme
from lightbulb.engagement.rules import can_complete_action, can_manage_engagement, can_manage_themes
from lightbulb.organisations.models import Organisation
from lightbulb.places.models import Councillor, Ward

THEME_MESSAGE = "Only council officers keep the list of themes."
ENGAGEMENT_MESSAGE = "Only council officers keep the engagement log."
ACTION_MESSAGE = "Only the owner of this action, or a council officer, can mark it done."
LONG_TEXT = 10_000
ENGAGEMENT_FIELDS = ("kind", "title", "held_on", "ward", "notes")
# Who may own a follow-up action: people who work for the council and act on what was heard.
ACTION_OWNER_ROLES = ("officer", "councillor")


def _theme_checked(name: Any, description: Any, *, exclude: int | None = None) -> tuple[str, str]:
    """ThemeForm's rules: a name, unique whatever its capitals, and a short description."""
    checks = FieldChecks()
    name = checks.text("name", name, required="Enter a name for the theme", max_length=100, too_long="Name must be 100 characters or fewer")
    description = checks.text("description", description, max_length=300, too_long="Description must be 300 characters or fewer")
    others = Theme.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if name and others.exists():
        checks.add("name", "There is already a theme with this name")
    checks.raise_if_any()
    return name, description


@transaction.atomic
def theme_create(*, acting_user: Any, name: str, description: str = "") -> Theme:
    require(can_manage_themes, acting_user, message=THEME_MESSAGE)
    name, description = _theme_checked(name, description)
    theme = Theme(name=name, description=description)
    theme.full_clean()
    theme.save()
    audit_event_record(actor=acting_user, action="theme_create", obj=theme, summary=f"Theme added: {theme.name}")
    return theme


@transaction.atomic
def theme_update(*, acting_user: Any, theme: Theme, name: str, description: str = "", retired: bool = False) -> Theme:
    require(can_manage_themes, acting_user, theme, message=THEME_MESSAGE)
    name, description = _theme_checked(name, description, exclude=theme.pk)
    before = snapshot(theme, ("name", "description", "retired"))
    theme.name, theme.description, theme.retired = name, description, bool(retired)
    theme.full_clean()
    theme.save()
    changes = diff(before, snapshot(theme, ("name", "description", "retired")))
    audit_event_record(actor=acting_user, action="theme_update", obj=theme, changes=changes, summary=f"Theme changed: {theme.name}")
    return theme


def _people_checked(checks: FieldChecks, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Who was there: organisations, councillors and officers that exist; themes from the list."""
    user_model = get_user_model()
    people = {
        "organisations": checks.objects("organisations", data.get("organisations"), Organisation, invalid="Select organisations from the register"),
        "councillors": checks.objects("councillors", data.get("councillors"), Councillor, invalid="Select councillors from the list"),
        "officers": checks.objects("officers", data.get("officers"), user_model, invalid="Select officers from the list"),
        "themes": checks.objects("themes", data.get("themes"), Theme, invalid="Select themes from the list"),
    }
    if any(getattr(user, "role", "") != "officer" for user in people["officers"]):
        checks.add("officers", "Select officers from the list")
    return people


def engagement_checked(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """EngagementForm's rules: a kind from the list, a title, a real date not in the future, a ward that exists, notes without markup."""
    checks = FieldChecks()
    values: dict[str, Any] = {
        "kind": checks.choice("kind", data.get("kind"), EngagementKind.values, required="Select what kind of engagement it was"),
        "title": checks.text("title", data.get("title"), required="Enter a title", max_length=300, too_long="Title must be 300 characters or fewer"),
        "held_on": checks.date("held_on", data.get("held_on"), required="Enter the date it took place", invalid="Date must be a real date"),
        "notes": checks.text("notes", data.get("notes"), max_length=LONG_TEXT, too_long="Notes must be 10,000 characters or fewer"),
    }
    wards = checks.objects("ward", [data["ward"]] if data.get("ward") else [], Ward, invalid="Select a ward from the list")
    values["ward"] = wards[0] if wards else None
    if values["held_on"] and values["held_on"] > timezone.localdate():
        checks.add("held_on", "The date must be today or in the past: record what has happened")
    people = _people_checked(checks, data)
    checks.raise_if_any()
    return values, people


def _set_people(engagement: Engagement, people: dict[str, list[Any]]) -> None:
    for name, rows in people.items():
        getattr(engagement, name).set(rows)


def _summary_ids(engagement: Engagement) -> dict[str, Any]:
    return {
        "organisations": sorted(engagement.organisations.values_list("pk", flat=True)),
        "councillors": sorted(engagement.councillors.values_list("pk", flat=True)),
        "officers": sorted(engagement.officers.values_list("pk", flat=True)),
        "themes": sorted(engagement.themes.values_list("name", flat=True)),
    }


@transaction.atomic
def engagement_create(*, acting_user: Any, data: dict[str, Any]) -> Engagement:
    """Log an engagement with who was there, its notes and its themes."""
    require(can_manage_engagement, acting_user, message=ENGAGEMENT_MESSAGE)
    values, people = engagement_checked(data)
    engagement = Engagement(recorded_by=acting_user, **values)
    engagement.full_clean()
    engagement.save()
    _set_people(engagement, people)
    organisations = people["organisations"]
    audit_event_record(
        actor=acting_user,
        action="engagement_create",
        obj=engagement,
        summary=f"{engagement} logged for {engagement.held_on:%-d %B %Y}",
        changes=_summary_ids(engagement),
        organisation_id=organisations[0].pk if len(organisations) == 1 else None,
    )
    return engagement


@transaction.atomic
def engagement_update(*, acting_user: Any, engagement: Engagement, data: dict[str, Any], expected_version: int | None = None) -> Engagement:
    require(can_manage_engagement, acting_user, engagement, message=ENGAGEMENT_MESSAGE)
    lock_for_edit(engagement, expected_version, data)
    values, people = engagement_checked(data)
    before = {**snapshot(engagement, ENGAGEMENT_FIELDS), **_summary_ids(engagement)}
    for name, value in values.items():
        setattr(engagement, name, value)
    engagement.full_clean()
    engagement.save()
    _set_people(engagement, people)
    changes = diff(before, {**snapshot(engagement, ENGAGEMENT_FIELDS), **_summary_ids(engagement)})
    if changes:
        version_advance(engagement)
    audit_event_record(actor=acting_user, action="engagement_update", obj=engagement, changes=changes, summary=f"{engagement} changed")
    return engagement


def action_checked(data: dict[str, Any]) -> tuple[str, Any, datetime.date]:
    """FollowUpActionForm's rules: what is to be done, an owner who is an officer or councillor, a real due date."""
    checks = FieldChecks()
    description = checks.text(
        "description", data.get("description"), required="Enter what is to be done", max_length=500, too_long="Action must be 500 characters or fewer"
    )
    owner = data.get("owner")
    owners = checks.objects("owner", [owner] if owner else [], get_user_model(), invalid="Select an officer or councillor from the list")
    if not owners and not checks.failed("owner"):
        checks.add("owner", "Select who owns the action")
    elif owners and (owners[0].role not in ACTION_OWNER_ROLES or not owners[0].is_active):
        checks.add("owner", "Select an officer or councillor from the list")
    due = checks.date("due_date", data.get("due_date"), required="Enter the due date", invalid="Due date must be a real date")
    checks.raise_if_any()
    assert due is not None  # required above
    return description, owners[0], due


@transaction.atomic
def follow_up_action_add(*, acting_user: Any, engagement: Engagement, data: dict[str, Any]) -> FollowUpAction:
    """A follow-up action with its owner and due date: it appears on the owner's dashboard and in their deadlines."""
    require(can_manage_engagement, acting_user, engagement, message=ENGAGEMENT_MESSAGE)
    description, owner, due = action_checked(data)
    action = FollowUpAction(engagement=engagement, description=description, owner=owner, due_date=due)
    action.full_clean()
    action.save()
    audit_event_record(
        actor=acting_user, action="follow_up_action_add", obj=action, summary=f"Follow-up action for {owner}: {description}, due {due:%-d %B %Y}"
    )
    return action


@transaction.atomic
def follow_up_action_complete(*, acting_user: Any, action: FollowUpAction, note: str = "") -> FollowUpAction:
    """Mark a follow-up action done, with what was done."""
    require(can_complete_action, acting_user, action, message=ACTION_MESSAGE)
    checks = FieldChecks()
    note = checks.text("completion_note", note, max_length=2_000, too_long="What was done must be 2,000 characters or fewer")
    action = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    if action.completed_on is not None:
        checks.add("completion_note", "This action is already marked done")
    checks.raise_if_any()
    action.completed_on = timezone.localdate()
    action.completed_by = acting_user
    action.completion_note = note
    action.save(update_fields=["completed_on", "completed_by", "completion_note", "updated_at"])
    audit_event_record(actor=acting_user, action="follow_up_action_complete", obj=action, summary=f"Follow-up action done: {action.description}")
    return action
