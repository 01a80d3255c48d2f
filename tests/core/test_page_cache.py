"""Kept pages (lightbulb.core.page_cache): built once, served as built until any data changes, shared only by readers of the same rights and only when the page read nothing else of its reader.

On PostgreSQL only, with real commits (the generation and the page are read from one snapshot, and
the triggers count commits), so these tests do not run inside a test transaction.
"""

from __future__ import annotations

import datetime
import re
import threading
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
import time_machine
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lightbulb.accounts.models import Membership
from lightbulb.core import page_cache
from lightbulb.core.registry import registry
from lightbulb.core.roles import Role
from lightbulb.core.visits import HomeVisit
from lightbulb.organisations.models import Organisation
from tests.conftest import sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.skipif(connection.vendor != "postgresql", reason="kept pages are PostgreSQL's")]

# A kept page costs the session, the user, the two-factor device and the kept page itself.
SERVED_AS_KEPT = 4


def other_connection() -> psycopg.Connection[Any]:
    """A second connection to the test database, as another web process or the worker would hold."""
    settings = connection.settings_dict
    return psycopg.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432)


def kept_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lightbulb_page_cache")
        return int(cursor.fetchone()[0])


def queries_for(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.fixture(autouse=True)
def _no_kept_pages(db) -> None:
    """Kept pages outlive a test's data (the table is not the ORM's, so the flush leaves it): start with none."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM lightbulb_page_cache")


def signed_in_officer() -> Client:
    client = sign_in(Client(), UserFactory(role=Role.OFFICER, full_name="Olive Officer"))
    client.get("/")  # the first visit: the session's home visit, and the CSRF cookie a browser keeps
    return client


@pytest.fixture
def officer(db) -> Client:
    return signed_in_officer()


@pytest.fixture
def organisation(db) -> Organisation:
    return OrganisationFactory(name="Riverside Food Bank")


def warm(client: Client, path: str) -> None:
    client.get(path)
    count, _page = queries_for(client, path)
    assert count == SERVED_AS_KEPT


def test_a_page_is_built_once_then_served_as_built(officer: Client, organisation: Organisation) -> None:
    path = f"/organisations/{organisation.pk}/"
    built, first = queries_for(officer, path)
    served, again = queries_for(officer, path)
    assert built > 10
    assert served == SERVED_AS_KEPT
    # Each response has its own nonce, and its own masking of the reader's CSRF token.
    varying = re.compile(r'nonce="[^"]+"|value="[A-Za-z0-9]{64}"')
    assert varying.sub("", again) == varying.sub("", first)


def test_a_change_through_the_orm_shows_at_once(officer: Client, organisation: Organisation) -> None:
    path = f"/organisations/{organisation.pk}/"
    warm(officer, path)
    Organisation.objects.filter(pk=organisation.pk).update(name="Riverside Community Pantry")
    count, page = queries_for(officer, path)
    assert count > SERVED_AS_KEPT
    assert "Riverside Community Pantry" in page


def test_a_change_by_raw_sql_from_another_process_shows_at_once(officer: Client, organisation: Organisation) -> None:
    path = "/organisations/?q=riverside"
    warm(officer, path)
    with other_connection() as other:
        other.execute("UPDATE organisations_organisation SET name = 'Riverside Allotments' WHERE id = %s", [organisation.pk])
    assert "Riverside Allotments" in officer.get(path).content.decode()


def test_a_page_built_while_a_change_was_uncommitted_is_not_served_after_the_commit(officer: Client, organisation: Organisation) -> None:
    """The race a counter read apart from the page would lose: the page would be kept under the count that already included the change."""
    path = f"/organisations/{organisation.pk}/"
    with other_connection() as other:
        other.execute("UPDATE organisations_organisation SET name = 'Riverside Larder' WHERE id = %s", [organisation.pk])
        # The writer has counted itself, but not committed: the page is built without its change.
        assert "Riverside Larder" not in officer.get(path).content.decode()
        assert "Riverside Larder" not in officer.get(path).content.decode()
        other.commit()
    assert "Riverside Larder" in officer.get(path).content.decode()


def test_writers_take_different_counters_and_do_not_wait_for_each_other(db) -> None:
    first, second = OrganisationFactory(), OrganisationFactory()
    before = page_cache.generation()
    with other_connection() as one, other_connection() as two:
        one.execute("UPDATE organisations_organisation SET name = 'One' WHERE id = %s", [first.pk])
        two.execute("SET lock_timeout = '2s'")
        two.execute("UPDATE organisations_organisation SET name = 'Two' WHERE id = %s", [second.pk])
        two.execute("UPDATE organisations_organisation SET name = 'Two again' WHERE id = %s", [second.pk])
        one.commit()
        two.commit()
    # Each writing transaction counted once, however many statements it ran.
    assert page_cache.generation() == before + 2


def test_each_response_carries_its_own_nonce(officer: Client, organisation: Organisation) -> None:
    path = f"/organisations/{organisation.pk}/"
    warm(officer, path)
    nonces = []
    for _ in range(2):
        response = officer.get(path)
        header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert header is not None
        in_page = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
        assert in_page == {header.group(1)}
        nonces.append(header.group(1))
    assert nonces[0] != nonces[1]


def csrf_tokens(page: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)


def test_an_officer_is_served_the_page_another_officer_had_built_with_their_own_name_and_token(officer: Client, organisation: Organisation) -> None:
    path = f"/organisations/{organisation.pk}/"
    # Signed in first: signing in writes, and any write makes every kept page stale.
    other = sign_in(Client(enforce_csrf_checks=True), UserFactory(role=Role.OFFICER, full_name="Oscar <Other>"))
    other.get("/")
    warm(officer, path)
    first_secret = officer.cookies["csrftoken"].value
    count, page = queries_for(other, path)
    assert count == SERVED_AS_KEPT
    assert "Oscar &lt;Other&gt;" in page
    assert "Olive Officer" not in page
    assert "lb-kept-" not in page
    tokens = csrf_tokens(page)
    assert tokens
    secret = other.cookies["csrftoken"].value
    assert {page_cache._unmask_cipher_token(token) for token in tokens} == {secret}
    assert first_secret != secret
    # The token in the kept page is this reader's: the page's own sign-out form works.
    assert other.post("/account/sign-out", {"csrfmiddlewaretoken": tokens[0]}).status_code == 302


def test_the_officer_who_built_a_shared_page_gets_a_working_token(db, organisation: Organisation) -> None:
    client = sign_in(Client(enforce_csrf_checks=True), UserFactory(role=Role.OFFICER))
    client.get("/")
    page = client.get(f"/organisations/{organisation.pk}/").content.decode()
    assert {page_cache._unmask_cipher_token(token) for token in csrf_tokens(page)} == {client.cookies["csrftoken"].value}
    assert client.post("/account/sign-out", {"csrfmiddlewaretoken": csrf_tokens(page)[0]}).status_code == 302


def test_readers_of_other_rights_never_share_a_page(officer: Client, organisation: Organisation) -> None:
    path = f"/organisations/{organisation.pk}/"
    readers = {}
    for name, user in {
        "officer": UserFactory(role=Role.OFFICER),
        "councillor": UserFactory(role=Role.COUNCILLOR, full_name="Carla Councillor"),
        "staff": UserFactory(role=Role.OFFICER, is_staff=True),
    }.items():
        readers[name] = sign_in(Client(), user)
        readers[name].get("/")
    warm(officer, path)
    assert queries_for(readers["officer"], path)[0] == SERVED_AS_KEPT
    count, page = queries_for(readers["councillor"], path)
    assert count > SERVED_AS_KEPT
    assert "Carla Councillor" in page
    assert queries_for(readers["staff"], path)[0] > SERVED_AS_KEPT


def test_a_page_that_reads_who_its_reader_is_is_kept_for_their_session_only(db) -> None:
    """The portal's home page is the reader's own organisations: another member's is built for them."""
    organisation = OrganisationFactory(name="Hillside Youth Club")
    members = []
    for name in ("Mina Member", "Max Member"):
        user = UserFactory(role=Role.VCS, full_name=name)
        MembershipFactory(user=user, organisation=organisation)
        members.append(sign_in(Client(), user))
        members[-1].get("/")
    for member in members:
        member.get("/organisations/portal/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT owner FROM lightbulb_page_cache")
        owners = [row[0] for row in cursor.fetchall()]
    # One page each: had the first been shared, the second member would have been served it.
    assert len(owners) == 2
    count, page = queries_for(members[1], "/organisations/portal/")
    assert count == SERVED_AS_KEPT - 1  # no two-factor device to load for a portal user
    assert "Max Member" in page
    assert "Mina Member" not in page


def test_the_reader_notes_what_a_page_reads_of_the_person_beyond_their_rights(db) -> None:
    from lightbulb.accounts.models import User

    user = UserFactory(role=Role.OFFICER)
    reader = page_cache._Reader(user)
    assert isinstance(reader, User)
    assert reader.role == Role.OFFICER
    assert reader.is_authenticated
    assert page_cache._personal_reads(reader) == []
    assert reader.display_name == user.display_name
    assert page_cache._personal_reads(reader) == ["display_name"]
    assert reader == user
    assert str(reader) == str(user)
    MembershipFactory(user=user)
    # The ORM reads the person's id through it, as a query for "my …" would.
    other = page_cache._Reader(user)
    assert Membership.objects.filter(user=other).count() == 1
    assert page_cache._personal_reads(other)
    assert {"display_name", "==", "str"} <= set(page_cache._personal_reads(reader))


def test_the_reader_notes_the_ways_to_the_whole_person_python_finds_on_its_class(db) -> None:
    import copy
    import pickle

    user = UserFactory(role=Role.OFFICER, email="bella@example.org")
    for take in (copy.copy, copy.deepcopy, lambda reader: pickle.loads(pickle.dumps(reader)), lambda reader: reader.__getstate__()):
        reader = page_cache._Reader(user)
        taken = take(reader)
        assert page_cache._personal_reads(reader), take
        if not isinstance(taken, dict):
            assert taken.email == "bella@example.org"
            assert type(taken) is type(user)


def test_a_first_look_at_the_home_page_is_recorded_and_not_kept(db) -> None:
    user = UserFactory(role=Role.OFFICER)
    client = sign_in(Client(), user)
    client.cookies["csrftoken"] = "a" * 32  # as a browser that already has the cookie
    before = page_cache.generation()
    assert client.get("/").status_code == 200
    assert HomeVisit.objects.filter(user=user).exists()  # the first visit is recorded...
    assert kept_rows() == 0  # ...and changed the session, so that page is not kept
    assert page_cache.generation() == before  # nor does it make anyone's kept pages stale
    client.get("/")
    assert kept_rows() == 1  # the next look at it writes nothing and is kept


def test_a_page_that_writes_is_not_kept_and_its_write_stays(officer: Client, organisation: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    from lightbulb.organisations import views

    comparison = views.selectors.register_comparison

    def writing(record: Organisation, register_values: list[Any]) -> Any:
        Organisation.objects.filter(pk=record.pk).update(description="Looked at")
        return comparison(record, register_values)

    monkeypatch.setattr(views.selectors, "register_comparison", writing)
    path = f"/organisations/{organisation.pk}/"
    officer.get(path)
    officer.get(path)
    assert kept_rows() == 0
    assert Organisation.objects.get(pk=organisation.pk).description == "Looked at"


def test_a_page_that_depends_on_the_time_of_day_is_not_kept(db) -> None:
    client = sign_in(Client(), UserFactory(role=Role.ADMIN))
    client.get("/")
    client.get("/")
    count, _page = queries_for(client, "/")
    assert count > SERVED_AS_KEPT
    assert kept_rows() == 0


def test_a_new_day_builds_the_page_again(organisation: Organisation) -> None:
    """Overdue and due-soon are counted from today's date in the council's time zone."""
    with time_machine.travel(datetime.datetime(2026, 12, 2, 23, 50, tzinfo=ZoneInfo("Europe/London")), tick=True) as traveller:
        officer = signed_in_officer()
        path = f"/organisations/{organisation.pk}/"
        warm(officer, path)
        # Minutes later (the session's idle clock is written back, three queries of its own)...
        traveller.shift(datetime.timedelta(minutes=5))
        assert queries_for(officer, path)[0] <= SERVED_AS_KEPT + 3
        traveller.shift(datetime.timedelta(minutes=10))  # ...and past midnight
        assert queries_for(officer, path)[0] > 10


def test_a_rolled_back_build_is_built_again_with_the_session_as_it_was(officer: Client, organisation: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that writes a row another transaction changed since its snapshot fails with a serialization failure."""
    build = page_cache._build
    calls = []

    def conflicting(view: Any, request: Any, args: Any, kwargs: Any) -> Any:
        calls.append(1)
        request.session["half_done"] = True
        error = OperationalError("could not serialize access due to concurrent update")
        error.__cause__ = psycopg.errors.SerializationFailure()
        raise error

    monkeypatch.setattr(page_cache, "_build", conflicting)
    response = officer.get(f"/organisations/{organisation.pk}/")
    assert response.status_code == 200
    assert calls == [1]
    assert "half_done" not in officer.session
    monkeypatch.setattr(page_cache, "_build", build)


def test_concurrent_first_visits_do_not_fail(db) -> None:
    """Many requests of one session building the same page that writes: none fails."""
    user = UserFactory(role=Role.OFFICER)
    client = sign_in(Client(), user)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    statuses: list[int] = []

    def visit() -> None:
        own = Client()
        for name, value in cookies.items():
            own.cookies[name] = value
        own.cookies["csrftoken"] = "b" * 32
        statuses.append(own.get("/").status_code)
        connection.close()

    threads = [threading.Thread(target=visit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6


def test_every_table_is_watched_but_the_sessions_and_its_own(db) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
            WHERE s.nspname = current_schema() AND c.relkind = 'r'
              AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'lightbulb_data_changed')"""
        )
        unwatched = {row[0] for row in cursor.fetchall()}
    assert unwatched == set(page_cache.UNWATCHED)
    assert page_cache.install() == []  # nothing left to do a second time


def test_turned_off_every_page_is_built(officer: Client, organisation: Organisation, settings: Any) -> None:
    settings.PAGE_CACHE = False
    path = f"/organisations/{organisation.pk}/"
    officer.get(path)
    count, _page = queries_for(officer, path)
    assert count > SERVED_AS_KEPT
    assert kept_rows() == 0


def test_the_purge_deletes_what_can_no_longer_be_served(officer: Client, organisation: Organisation) -> None:
    path = f"/organisations/{organisation.pk}/"
    warm(officer, path)
    kept = kept_rows()
    assert kept >= 1
    assert page_cache.purge() == 0  # still servable
    Organisation.objects.filter(pk=organisation.pk).update(name="Renamed")
    assert page_cache.purge() == kept
    assert kept_rows() == 0
    assert registry.daily_duties["kept_pages_purge"] is page_cache.purge


def test_the_person_as_loaded_is_in_the_key(officer: Client, organisation: Organisation) -> None:
    """A page built from the record loaded before a role change, in a snapshot after it, is not served to the changed person."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    user = UserFactory(role=Role.OFFICER)
    request = RequestFactory().get(f"/organisations/{organisation.pk}/")
    request.session = SessionStore()
    request.session["x"] = 1
    request.session.create()
    request.META["CSRF_COOKIE"] = "c" * 32
    request.user = user
    as_officer = page_cache._keys(request)
    user.role = Role.COUNCILLOR
    as_councillor = page_cache._keys(request)
    assert as_officer is not None
    assert as_councillor is not None
    # Neither this session's key nor the key shared by readers of the same rights.
    assert as_officer[0] != as_councillor[0]
    assert as_officer[1] != as_councillor[1]


def test_a_session_keeps_only_its_latest_pages(officer: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_cache, "PER_SESSION", 2)
    monkeypatch.setattr(page_cache, "RIGHTS", ())  # every page personal: each kept for the session
    for word in ("alpha", "bravo", "charlie", "delta"):
        officer.get(f"/organisations/?q={word}")
    assert kept_rows() == 2


def test_shared_pages_count_against_the_session_that_had_them_built(officer: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """Varying a query string cannot fill the disk with shared pages either."""
    monkeypatch.setattr(page_cache, "PER_SESSION", 2)
    monkeypatch.setattr(page_cache, "PURGE_EVERY", 10_000)
    other = sign_in(Client(), UserFactory(role=Role.OFFICER))
    other.get("/")
    for word in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot"):
        officer.get(f"/organisations/?q={word}")
    assert kept_rows() == 2
    # The latest are still shared.
    assert queries_for(other, "/organisations/?q=foxtrot")[0] == SERVED_AS_KEPT


def test_writes_are_counted_whatever_the_writers_search_path_or_settings(db) -> None:
    before = page_cache.generation()
    with other_connection() as other:
        # A statement counts even when it changes no row (a DELETE of nothing here).
        other.execute("SET search_path = pg_catalog")
        other.execute("DELETE FROM public.core_dutyrun WHERE false")
        other.commit()
        # A session-wide setting of the trigger's flag does not stop the count.
        other.execute("SET lightbulb.data_changed = '1'")
        other.execute("DELETE FROM public.core_dutyrun WHERE false")
        other.commit()
    assert page_cache.generation() == before + 2


def test_a_failing_cache_never_fails_the_page(officer: Client, organisation: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import DatabaseError

    def broken(*args: Any) -> None:
        raise DatabaseError("the kept pages' table is gone")

    monkeypatch.setattr(page_cache, "_serve", broken)
    response = officer.get(f"/organisations/{organisation.pk}/")
    assert response.status_code == 200
    assert "Riverside Food Bank" in response.content.decode()


def test_a_migration_and_an_erasure_leave_no_kept_pages_behind(officer: Client, organisation: Organisation) -> None:
    from lightbulb.organisations.models import Contact
    from lightbulb.organisations.services import contact_erase
    from tests.factories import ContactFactory

    contact = ContactFactory(organisation=organisation, name="Priya Patel")
    path = f"/organisations/{organisation.pk}/"
    warm(officer, path)
    page_cache.install()  # what every migrate runs, a release's or a restore's
    assert kept_rows() == 0
    warm(officer, path)
    assert "Priya Patel" in officer.get(path).content.decode()
    contact_erase(acting_user=UserFactory(role=Role.OFFICER), contact=Contact.objects.get(pk=contact.pk), reason="Asked to be forgotten")
    assert kept_rows() == 0


@pytest.mark.parametrize(
    ("path", "shared"),
    [
        ("/organisations/?q=riverside", True),
        ("/funding/agreements/", True),
        ("/funding/returns/", True),
        ("/funding/payments/", True),
        ("/places/wards/", True),
        # "My returns" are the officer's own: read by their id, so kept for their session only.
        ("/funding/returns/?mine=on", False),
    ],
)
def test_an_officers_lists_are_shared_unless_they_are_the_officers_own(officer: Client, organisation: Organisation, path: str, shared: bool) -> None:
    other = sign_in(Client(), UserFactory(role=Role.OFFICER))
    other.get("/")
    warm(officer, path)
    count, _page = queries_for(other, path)
    assert (count == SERVED_AS_KEPT) is shared
