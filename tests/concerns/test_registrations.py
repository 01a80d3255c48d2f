"""Concerns' panels, deadlines and daily duty are registered by django.setup() alone, without the URLconf."""

from __future__ import annotations

from tests.core.test_registrations import _registrations_in_a_fresh_process


def test_concerns_registrations_need_no_urlconf():
    found = _registrations_in_a_fresh_process()
    assert {"concerns_queue", "concerns_counts", "concerns_risks"} <= set(found["dashboard_panels"])
    assert {"concern_triage", "risk_reviews"} <= set(found["deadlines"])
    assert "concerns_access_log_check" in found["daily_duties"]
    assert found["url_modules"] == []
