"""The engagement log's list: what a search finds, each row's count of organisations, and its queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from tests.conftest import sign_in
from tests.engagement.factories import EngagementFactory, ThemeFactory
from tests.factories import OrganisationFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, users):
    return sign_in(client, users[Role.OFFICER])


def _list(client, **params):
    return visible_text(client.get(reverse("engagement:engagement_list"), params).content)


def test_a_search_finds_engagements_by_title_notes_or_an_organisation_there_each_once(officer_client):
    EngagementFactory(title="Spring forum", notes="Rent went up.")
    EngagementFactory(title="Winter forum", notes="Groups spoke about rising HALL HIRE costs.")
    visit = EngagementFactory(title="Site visit", notes="")
    visit.organisations.add(OrganisationFactory(name="Café Hall Hire Trust"), OrganisationFactory(name="Hall Hire Friends"))
    EngagementFactory(title="Phone chat", notes="").organisations.add(OrganisationFactory(name="Hilltop Youth Club"))
    text = _list(officer_client, q="hall hire")
    assert "Winter forum" in text and "Site visit" in text and "2 engagements" in text
    assert "Spring forum" not in text and "Phone chat" not in text


def test_an_organisation_is_found_by_the_start_of_each_word_of_its_name_accents_and_case_ignored(officer_client):
    EngagementFactory(title="Site visit", notes="").organisations.add(OrganisationFactory(name="Café Hall Hire Trust"))
    EngagementFactory(title="Planning day", notes="")
    text = _list(officer_client, q="CAFE hir")
    assert "Site visit" in text and "Planning day" not in text and "1 engagement" in text


def test_each_row_counts_its_own_organisations(officer_client):
    busy = EngagementFactory(title="Busy forum", held_on=datetime.date(2026, 3, 3))
    busy.organisations.add(*OrganisationFactory.create_batch(3))
    EngagementFactory(title="Quiet call", held_on=datetime.date(2026, 3, 2))
    text = _list(officer_client)
    assert "Busy forum Meeting; 3 organisations" in text and "Quiet call Meeting; 0 organisations" in text


def test_the_newest_come_first_and_a_kind_filters(officer_client):
    EngagementFactory(title="Older forum", kind="forum", held_on=datetime.date(2026, 1, 5))
    EngagementFactory(title="Newer forum", kind="forum", held_on=datetime.date(2026, 2, 5))
    EngagementFactory(title="A call", kind="call", held_on=datetime.date(2026, 3, 5))
    text = _list(officer_client, kind="forum")
    assert text.index("Newer forum") < text.index("Older forum") and "A call" not in text and "2 engagements" in text


@pytest.mark.parametrize("query", ["", "?q=hall+hire", "?kind=meeting&q=forum"])
def test_the_list_issues_as_many_queries_however_many_engagements(officer_client, query):
    theme = ThemeFactory(name="Premises costs")

    def engagement() -> None:
        record = EngagementFactory(title="Forum about hall hire")
        record.organisations.add(*OrganisationFactory.create_batch(2, name="Hall Hire Group"))
        record.themes.add(theme)

    engagement()

    def grow() -> None:
        for _ in range(4):
            engagement()

    assert_queries_independent_of_size(officer_client, reverse("engagement:engagement_list") + query, grow)


def test_a_search_takes_the_planners_estimate_past_the_limit_and_the_plain_log_is_counted(officer_client, monkeypatch):
    """Searched, the log asks PostgreSQL's estimate first (a common phrase matches a fifth of a national log, and a
    capped count re-read ten thousand notes); unsearched, or on SQLite, its rows are counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lightbulb.core import lists

    monkeypatch.setattr(lists, "ESTIMATE_TRUSTED_FROM", 0)  # any estimate is now past the limit
    EngagementFactory.create_batch(3, title="Hall hire forum")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "SELECT 1")

    def counted(**params) -> bool:
        with CaptureQueriesContext(connection) as captured:
            assert officer_client.get(reverse("engagement:engagement_list"), params).status_code == 200
        return any("COUNT(*)" in query["sql"] for query in captured.captured_queries)

    assert counted() is True
    assert counted(q="hall hire") is (connection.vendor != "postgresql")


def test_a_themes_engagements_are_indexed_theme_first_with_the_engagement():
    """The log filtered by a theme finds the theme's engagements from one index, without reading the themes' rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "engagement_engagement_themes")
    assert indexes["engagement_theme_engagement_idx"]["columns"] == ["theme_id", "engagement_id"]


def test_the_log_page_reads_only_what_its_rows_print(officer_client):
    """Notes run to paragraphs: the page never reads them, nor any record's column it does not print, and shows each row whole."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import WardFactory

    engagement = EngagementFactory(title="Winter forum", notes="Paragraphs of notes " * 50, kind="forum", ward=WardFactory(name="Hilltop"))
    engagement.themes.add(ThemeFactory(name="Hall hire"))
    with CaptureQueriesContext(connection) as queries:
        text = _list(officer_client)
    assert "Winter forum" in text and "Forum, Hilltop; 0 organisations" in text and "Hall hire" in text
    rows = [query["sql"] for query in queries.captured_queries if 'FROM "engagement_engagement"' in query["sql"] and '"title"' in query["sql"]]
    assert rows and not [sql for sql in rows if '"notes"' in sql or '"boundary"' in sql or '"recorded_by_id"' in sql], rows
