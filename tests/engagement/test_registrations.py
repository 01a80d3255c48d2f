"""The engagement module registers its panel, deadlines and sections from AppConfig.ready() alone."""

from __future__ import annotations

from tests.core.test_registrations import _registrations_in_a_fresh_process


def test_engagement_registers_without_the_urlconf():
    found = _registrations_in_a_fresh_process()
    assert {"follow_up_actions", "survey_answers"} <= set(found["deadlines"])
    assert {"engagement_actions", "engagement_flags", "engagement_surveys"} <= set(found["dashboard_panels"])
    assert {"flags_recompute", "surveys_close"} <= set(found["daily_duties"])
    assert found["resolvers_built"] == 0 or "config.urls" not in found["url_modules"]
