"""The national tier's volume: historic agreements with returns and payments, other funders' grants, a busy
officer and organisation, written with COPY on PostgreSQL and bulk_create on SQLite, the same from the same seed."""

from __future__ import annotations

import dataclasses
import datetime
import random

import pytest
from django.db import IntegrityError, connection
from django.db.models import Count

from lightbulb.demo import generator
from lightbulb.demo.generator import bulk
from lightbulb.demo.generator.bulk import bulk_insert
from lightbulb.demo.generator.national import seed_national_funding
from lightbulb.engagement.models import Engagement, FollowUpAction
from lightbulb.funding.models import Agreement, MonitoringReturn, Payment
from lightbulb.grants.models import Funder, Grant, MatchStatus
from lightbulb.organisations.models import Organisation
from lightbulb.organisations.normalise import search_key

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2026, 6, 15)
SMALL_NATIONAL = dataclasses.replace(generator.SCALES["tiny"], name="small national", agreements=0, historic_agreements=240, other_funders_grants=180, busy=30)
STEPS = [
    generator.STEPS[0],  # places
    generator.STEPS[1],  # areas of work
    generator.STEPS[2],  # organisations
    generator.STEPS[3],  # users
    seed_national_funding,
]


def rows() -> dict[str, list]:
    return {
        "agreements": list(Agreement.objects.order_by("reference").values_list("reference", "organisation__name", "status", "amount", "start_date")),
        "grants": list(
            Grant.objects.order_by("identifier").values_list("identifier", "funder__name", "amount_awarded", "recipient_name", "organisation__name")
        ),
    }


def wipe() -> None:
    for model in (Payment, MonitoringReturn, Agreement, Grant, Funder):
        model.objects.all().delete()


def test_the_national_volume_is_there_with_its_returns_payments_and_busy_holders():
    ctx = generator.generate(SMALL_NATIONAL, 7, today=TODAY, steps=STEPS)
    first = rows()
    assert Agreement.objects.count() == 240
    assert Grant.objects.count() == 180
    assert MonitoringReturn.objects.count() == 480 and Payment.objects.count() == 480
    # Rows are whole: every agreement has its ward, every grant its funder; most grants are matched.
    assert not Agreement.objects.filter(wards__isnull=True).exists()
    assert Grant.objects.filter(match_status=MatchStatus.CONFIRMED, organisation__isnull=False).count() > 90
    # The busy organisation (the demo organisation) and the demo officer each hold many.
    assert Agreement.objects.filter(accountable_officer__email="officer@anytown.example").count() >= 30
    busiest = Agreement.objects.values("organisation").order_by().annotate(n=Count("pk")).order_by("-n")[0]
    assert busiest["n"] >= 30
    assert Agreement.objects.filter(status="live").exists()
    # Past agreements are closed with their returns accepted and payments paid; only live ones still owe.
    assert not MonitoringReturn.objects.filter(agreement__status="closed").exclude(status="accepted").exists()
    assert not Payment.objects.filter(agreement__status="closed").exclude(status="paid").exists()
    # The same seed writes the same rows (the step draws from its own stream).
    wipe()
    seed_national_funding(random.Random("7:seed_national_funding"), SMALL_NATIONAL, ctx)
    assert rows() == first


def test_bulk_insert_fills_ids_defaults_and_keys_like_bulk_create():
    rows = [Organisation(name=f"Bulk {n}", search_key=search_key(f"Bulk {n}")) for n in range(5)]
    bulk_insert(rows)
    assert all(row.pk for row in rows)
    stored = list(Organisation.objects.filter(pk__in=[row.pk for row in rows]).order_by("pk").values_list("name", "status", "version", "search_key"))
    assert stored == [(f"Bulk {n}", "active", 1, f"bulk {n}") for n in range(5)]
    # The sequence moved on past the block: the next ordinary save gets a new id.
    assert Organisation.objects.create(name="After").pk > rows[-1].pk


def _indexes_and_foreign_keys() -> set[tuple[str, str]]:
    tables = bulk._tables(generator.BULK_LOADED)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = ANY(%s::regclass[])", [tables])
        found = set(cursor.fetchall())
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])", [tables])
        return found | set(cursor.fetchall())


@pytest.mark.postgres
def test_the_load_puts_back_every_index_and_foreign_key_and_checks_them():
    if connection.vendor != "postgresql":
        pytest.skip("the bulk load takes indexes and foreign keys off on PostgreSQL only")
    before = _indexes_and_foreign_keys()
    assert any("gin_trgm_ops" in definition for _name, definition in before)  # register search's trigram index is among them
    generator.generate(SMALL_NATIONAL, 7, today=TODAY, steps=STEPS)
    assert _indexes_and_foreign_keys() == before
    # The foreign keys are checked again when put back: a row pointing nowhere fails the load.
    wipe()
    broken = [*STEPS, lambda rng, scale, ctx: Payment.objects.filter(pk=Payment.objects.order_by("pk").values("pk")[:1]).update(agreement_id=10**9)]
    broken[-1].__name__ = "break_a_payment"  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):
        generator.generate(SMALL_NATIONAL, 7, today=TODAY, steps=broken)


SMALL_CITY_LOG = dataclasses.replace(generator.SCALES["tiny"], name="small city log", agreements=0, engagement_records=300)


def engagement_rows() -> list[tuple]:
    engagements = Engagement.objects.order_by("held_on", "title", "ward__name").annotate(
        n_organisations=Count("organisations", distinct=True), n_themes=Count("themes", distinct=True), n_councillors=Count("councillors", distinct=True)
    )
    return sorted(engagements.values_list("kind", "title", "held_on", "ward__name", "recorded_by__email", "n_organisations", "n_themes", "n_councillors"))


def test_the_engagement_log_volume_has_attendees_themes_and_follow_up_actions():
    from lightbulb.demo.engagement import seed_engagement
    from lightbulb.demo.generator.listening import seed_engagement_volume

    ctx = generator.generate(SMALL_CITY_LOG, 7, today=TODAY, steps=[*STEPS[:4], seed_engagement, seed_engagement_volume])
    first = engagement_rows()
    # The demo log needs funded organisations (none here): every engagement is the volume's.
    assert Engagement.objects.count() == 300
    assert not Engagement.objects.filter(organisations__isnull=True).exists()
    assert not Engagement.objects.filter(themes__isnull=True).exists()
    assert not Engagement.objects.filter(officers__isnull=True).exists()
    assert Engagement.objects.filter(councillors__isnull=False).exists()
    assert Engagement.objects.filter(held_on__lt=TODAY - datetime.timedelta(days=365)).exists()
    assert max(n for *_rest, n, _themes, _councillors in first) >= 3  # forums and workshops bring several organisations
    # A follow-up action for every third, mostly done once long past, some still open.
    assert FollowUpAction.objects.count() == 100
    assert FollowUpAction.objects.filter(completed_on__isnull=True).exists()
    assert not FollowUpAction.objects.filter(completed_on__isnull=False, completed_by__isnull=True).exists()
    # The same seed writes the same log.
    Engagement.objects.all().delete()
    seed_engagement_volume(random.Random("7:seed_engagement_volume"), SMALL_CITY_LOG, ctx)
    assert engagement_rows() == first
