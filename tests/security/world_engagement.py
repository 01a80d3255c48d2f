"""Objects for the engagement routes: an engagement with a theme and a follow-up action its councillor owns."""

from __future__ import annotations

from tests.security.world import BUILDERS, World


def _engagement_objects(world: World) -> None:
    from tests.engagement.factories import EngagementFactory, FollowUpActionFactory, ThemeFactory

    theme = ThemeFactory(name="Matrix theme")
    engagement = EngagementFactory(title="Matrix forum", recorded_by=world.users["officer"])
    engagement.organisations.add(world.organisation)
    engagement.themes.add(theme)
    world.extra["theme"] = theme
    world.extra["engagement"] = engagement
    world.extra["follow_up_action"] = FollowUpActionFactory(engagement=engagement, owner=world.users["councillor"])


BUILDERS.append(_engagement_objects)


def _flag_objects(world: World) -> None:
    from django.utils import timezone

    from lightbulb.engagement.models import Flag

    now = timezone.now()
    # The organisation's agreements may already have raised flags (recomputed as they were saved): one of a rule of its own.
    world.extra["flag"], _created = Flag.objects.update_or_create(
        organisation=world.organisation,
        rule="same_purpose",
        key="matrix",
        defaults={"reason": "Agreements MATRIX-1 and MATRIX-2 fund the same purpose", "fingerprint": "matrix", "raised_at": now, "updated_at": now},
    )


BUILDERS.append(_flag_objects)


def _pack_objects(world: World) -> None:
    """A finished build of every ward's pack requested by the councillor (only its requester follows or downloads it)."""
    from django.core.files.base import ContentFile

    from lightbulb.engagement.models import PackBuild

    build = PackBuild(requested_by=world.users["councillor"], status="done", wards_total=1, wards_done=1)
    build.file.save("matrix-packs.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
    build.save()
    world.extra["pack_build"] = build


BUILDERS.append(_pack_objects)


def _survey_objects(world: World) -> None:
    """An open survey sent to the `vcs` user's organisation (answered once), and a draft with a question to take off."""
    import datetime

    from django.utils import timezone

    from lightbulb.engagement.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion

    today = timezone.localdate()
    officer = world.users["officer"]
    survey = Survey.objects.create(
        title="Matrix state of the sector",
        introduction="How is the year going?",
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
        status="open",
        created_by=officer,
        sent_at=timezone.now(),
    )
    scale = SurveyQuestion.objects.create(survey=survey, order=1, text="How confident are you about next year's funding?", kind="scale")
    choice = SurveyQuestion.objects.create(survey=survey, order=2, text="What worries you most?", kind="choice", options=["Premises", "Staff", "Demand"])
    SurveyQuestion.objects.create(survey=survey, order=3, text="Anything else?", kind="text")
    SurveyInvitation.objects.create(survey=survey, organisation=world.organisation, status="answered", sent_at=timezone.now())
    SurveyInvitation.objects.create(survey=survey, organisation=world.other_organisation, sent_at=timezone.now())
    SurveyAnswer.objects.create(
        survey=survey, organisation=world.organisation, submitted_by=world.users["vcs"], answers={str(scale.pk): 4, str(choice.pk): "Premises"}
    )
    draft = Survey.objects.create(title="Matrix draft survey", opens_on=today, closes_on=today + datetime.timedelta(days=30), created_by=officer)
    world.extra["survey"] = survey
    world.extra["draft_survey"] = draft
    world.extra["draft_question"] = SurveyQuestion.objects.create(survey=draft, order=1, text="A question to take off", kind="text")


BUILDERS.append(_survey_objects)
