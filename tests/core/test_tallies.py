"""Counts the database keeps (lightbulb.core.tallies) agree with counting the rows, however the rows are written."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from lightbulb.engagement.models import Flag, OpenFlagTally
from lightbulb.engagement.selectors import flags as flag_selectors
from lightbulb.grants import selectors as grant_selectors
from lightbulb.grants.models import Funder, Grant, MatchStatus, MatchStatusTally
from lightbulb.organisations import selectors as organisation_selectors
from lightbulb.organisations.models import AreaOfWorkTally, Organisation
from tests.factories import AreaOfWorkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def grant_tally() -> dict[str, int]:
    return {key: total for key, total in MatchStatusTally.objects.values_list("key", "total") if total}


def grants_counted() -> dict[str, int]:
    return dict(Counter(Grant.objects.values_list("match_status", flat=True)))


def area_tally() -> dict[int, int]:
    return {key: total for key, total in AreaOfWorkTally.objects.values_list("key", "total") if total}


def areas_counted() -> dict[int, int]:
    through = Organisation.areas_of_work.through
    return dict(Counter(through.objects.values_list("areaofwork_id", flat=True)))


def make_grants(funder: Funder, statuses: list[str], start: int = 0) -> list[Grant]:
    return [
        Grant(
            identifier=f"360G-T-{start + n}", funder=funder, title=f"Grant {n}", amount_awarded=1000, award_date=datetime.date(2026, 1, 1), match_status=status
        )
        for n, status in enumerate(statuses)
    ]


def test_the_grant_tally_follows_every_kind_of_write():
    funder = Funder.objects.create(org_id="GB-CHC-1", name="A Trust")
    Grant.objects.bulk_create(make_grants(funder, [MatchStatus.UNMATCHED] * 5 + [MatchStatus.PROPOSED] * 3))
    assert grant_tally() == grants_counted() == {"unmatched": 5, "proposed": 3}

    one = Grant.objects.filter(match_status=MatchStatus.PROPOSED).first()
    one.match_status = MatchStatus.CONFIRMED
    one.save()
    Grant.objects.filter(identifier__in=["360G-T-0", "360G-T-1"]).update(match_status=MatchStatus.REJECTED)
    Grant.objects.filter(match_status=MatchStatus.UNMATCHED).update(title="Renamed")  # the status stays: the tally too
    assert grant_tally() == grants_counted() == {"unmatched": 3, "proposed": 2, "confirmed": 1, "rejected": 2}

    Grant.objects.filter(match_status=MatchStatus.REJECTED).first().delete()
    Grant.objects.filter(match_status=MatchStatus.UNMATCHED).delete()
    assert grant_tally() == grants_counted() == {"proposed": 2, "confirmed": 1, "rejected": 1}
    assert grant_selectors.status_counts() == {"unmatched": 0, "proposed": 2, "confirmed": 1, "rejected": 1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and TRUNCATE are PostgreSQL's")
def test_the_grant_tally_follows_copy_and_truncate():
    funder = Funder.objects.create(org_id="GB-CHC-1", name="A Trust")
    text = ["title", "description", "programme", "recipient_org_id", "recipient_name", "recipient_charity_number", "recipient_company_number"]
    text += ["recipient_postcode", "match_method", "beneficiary_geocode", "beneficiary_geocode_type", "beneficiary_location_name", "data_source", "source_file"]
    columns = ["identifier", "funder_id", "currency", "amount_awarded", "award_date", "match_status", "to_individual", "created_at", "updated_at", *text]
    with connection.cursor() as cursor, cursor.copy(f"COPY grants_grant ({', '.join(columns)}) FROM STDIN") as copy:
        for n in range(40):
            status = "proposed" if n % 4 else "unmatched"
            copy.write_row([f"360G-C-{n}", funder.pk, "GBP", 100, "2026-01-01", status, False, "2026-01-01T00:00Z", "2026-01-01T00:00Z", *[""] * len(text)])
    assert grant_tally() == grants_counted() == {"proposed": 30, "unmatched": 10}
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction still holds the rows' deferred key checks
        cursor.execute("TRUNCATE grants_grant")
    assert grant_tally() == grants_counted() == {}


def test_the_area_tally_follows_links_added_set_removed_and_organisations_deleted():
    food, youth, arts = AreaOfWorkFactory(name="Food"), AreaOfWorkFactory(name="Youth"), AreaOfWorkFactory(name="Arts")
    first, second, third = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    first.areas_of_work.add(food, youth)
    second.areas_of_work.add(food)
    third.areas_of_work.set([food, arts])
    assert area_tally() == areas_counted() == {food.pk: 3, youth.pk: 1, arts.pk: 1}

    third.areas_of_work.set([youth])
    first.areas_of_work.remove(food)
    assert area_tally() == areas_counted() == {food.pk: 1, youth.pk: 2}

    second.delete()
    first.areas_of_work.clear()
    assert area_tally() == areas_counted() == {youth.pk: 1}
    shown = {area.name: area.organisation_count for area in organisation_selectors.area_of_work_list_with_counts()}
    assert shown == {"Arts": 0, "Food": 0, "Youth": 1}


def test_the_area_tally_follows_a_bulk_insert_of_links():
    food = AreaOfWorkFactory(name="Food")
    organisations = [OrganisationFactory() for _ in range(4)]
    through = Organisation.areas_of_work.through
    through.objects.bulk_create([through(organisation_id=organisation.pk, areaofwork_id=food.pk) for organisation in organisations])
    assert area_tally() == areas_counted() == {food.pk: 4}


def open_flag_tally() -> dict[str, int]:
    return {key: total for key, total in OpenFlagTally.objects.values_list("key", "total") if total}


def open_flags_counted() -> dict[str, int]:
    return dict(Counter(Flag.objects.filter(status=Flag.Status.OPEN).values_list("rule", flat=True)))


def make_flags(organisation: Organisation, rules_and_statuses: list[tuple[str, str]]) -> list[Flag]:
    now = timezone.now()
    return [
        Flag(organisation=organisation, rule=rule, key=str(n), reason="Reason", fingerprint="f", status=status, raised_at=now, updated_at=now)
        for n, (rule, status) in enumerate(rules_and_statuses)
    ]


def test_a_tally_of_only_some_rows_counts_a_row_as_it_starts_and_stops_holding_the_value():
    """The open flags by rule: a flag dismissed or resolved leaves its rule's total, one raised again comes back, and a
    flag that changes rule while open moves between totals; a closed flag changing rule moves nothing."""
    organisation = OrganisationFactory()
    open_, dismissed = Flag.Status.OPEN, Flag.Status.DISMISSED
    Flag.objects.bulk_create(make_flags(organisation, [("dependency", open_)] * 4 + [("register", open_)] * 2 + [("register", dismissed)]))
    assert open_flag_tally() == open_flags_counted() == {"dependency": 4, "register": 2}

    flag = Flag.objects.filter(rule="dependency").first()
    flag.status = dismissed
    flag.save()
    Flag.objects.filter(rule="register", status=open_).update(status=Flag.Status.RESOLVED)
    assert open_flag_tally() == open_flags_counted() == {"dependency": 3}

    Flag.objects.filter(rule="register", status=dismissed).update(status=open_)  # raised again
    Flag.objects.filter(rule="dependency", status=open_).update(rule="overdue_returns")  # open, moving between rules
    Flag.objects.filter(rule="dependency", status=dismissed).update(rule="same_purpose")  # closed, moving: not counted
    Flag.objects.filter(status=open_).update(reason="Reworded")  # neither column: nothing moves
    assert open_flag_tally() == open_flags_counted() == {"register": 1, "overdue_returns": 3}

    Flag.objects.filter(rule="overdue_returns").first().delete()
    Flag.objects.filter(status=Flag.Status.RESOLVED).delete()
    assert open_flag_tally() == open_flags_counted() == {"register": 1, "overdue_returns": 2}
    by_rule = {row["rule"]: row["count"] for row in flag_selectors.open_counts()}
    assert by_rule["overdue_returns"] == 2 and by_rule["register"] == 1 and by_rule["dependency"] == 0


def test_a_tally_refuses_a_value_that_is_not_a_plain_word():
    from lightbulb.core.tallies import create_tally

    with pytest.raises(ValueError, match="not a plain value"):
        create_tally(None, table="engagement_flag", column="rule", tally="engagement_openflagtally", only=("status", "open'; DROP TABLE x; --"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search_path is PostgreSQL's")
def test_every_trigger_function_finds_its_tables_whatever_the_writers_search_path():
    """A DBA's session or pg_restore may write with another search_path: no trigger may then fail to find its tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = current_schema() AND p.prorettype = 'trigger'::regtype
                 AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) AS setting WHERE setting LIKE 'search_path=%')"""
        )
        assert [row[0] for row in cursor.fetchall()] == []
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute("SET LOCAL search_path = pg_catalog")
        # Each statement fires its table's statement triggers, which read the tallies and the word list.
        for table, column in (
            ("organisations_organisation", "name"),
            ("organisations_organisation_areas_of_work", "areaofwork_id"),
            ("engagement_flag", "rule"),
            ("grants_grant", "match_status"),
        ):
            cursor.execute(f"UPDATE {schema}.{table} SET {column} = {column} WHERE false")
        cursor.execute("SET LOCAL search_path = DEFAULT")
