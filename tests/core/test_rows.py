"""The sign-in path's reads by SQL compiled once (lightbulb.core.rows, core.sessions, the backend and DeviceMiddleware): the same records, or none, as the ORM's."""

from __future__ import annotations

import datetime
import gc
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.backends import VerifiedEmailBackend
from lightbulb.accounts.middleware import DeviceMiddleware
from lightbulb.accounts.models import User
from lightbulb.core.rows import UniqueReader
from lightbulb.core.sessions import SessionStore
from lightbulb.organisations.models import Organisation
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def fields(record) -> dict:
    return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}


def test_a_record_read_is_the_orms_own_field_for_field():
    user = UserFactory(job_title="Grants officer")
    read = UniqueReader(User).get(user.pk)
    assert read is not None
    assert fields(read) == fields(User.objects.get(pk=user.pk))
    assert isinstance(read.date_joined, datetime.datetime)
    assert timezone.is_aware(read.date_joined)
    # A record as the ORM makes it: saved, from this database, so saving it again updates it.
    assert read._state.adding is False
    assert read._state.db == "default"


def test_the_fields_converters_are_applied():
    organisation = OrganisationFactory(human_edited_fields=["name", "postcode"], latest_income=Decimal("12500.50"))
    read = UniqueReader(Organisation).get(organisation.pk)
    assert read.human_edited_fields == ["name", "postcode"]
    orm = Organisation.objects.get(pk=organisation.pk)
    assert fields(read) == fields(orm)
    # Not only equal: the same scale and the same time zone.
    assert repr(read.latest_income) == repr(orm.latest_income) == repr(Decimal("12500.50"))
    assert read.created_at.tzinfo == orm.created_at.tzinfo


def test_a_read_by_a_unique_field_other_than_the_key():
    user = UserFactory(email="reader@example.org")
    assert UniqueReader(User, "email").get("reader@example.org").pk == user.pk
    assert UniqueReader(User, "email").get("nobody@example.org") is None


def test_no_record_or_a_value_of_the_wrong_kind_is_none():
    reader = UniqueReader(User)
    person = UserFactory()
    # The first value a reader is given does not decide how it reads the next.
    assert reader.get("not a number") is None
    assert reader.get(None) is None
    assert reader.get(999_999) is None
    assert reader.get(person.pk).pk == person.pk


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 2**31 * 10**12])
def test_a_number_outside_the_columns_range_is_no_record_first_or_later(value):
    # The ORM finds nothing for it (its lookup refuses it); SQLite could not even be sent it.
    assert not User.objects.filter(pk=value).exists()
    fresh = UniqueReader(User)
    assert fresh.get(value) is None
    person = UserFactory()
    assert fresh.get(person.pk).pk == person.pk
    assert fresh.get(value) is None


def test_none_is_no_record_even_where_records_have_no_value():
    UserFactory(oidc_sub=None)
    assert User.objects.filter(oidc_sub=None).exists()
    assert UniqueReader(User, "oidc_sub").get(None) is None
    signed_in_with_the_provider = UserFactory(oidc_sub="subject-1")
    assert UniqueReader(User, "oidc_sub").get("subject-1").pk == signed_in_with_the_provider.pk


def test_a_field_that_is_not_unique_is_refused():
    with pytest.raises(ValueError, match="not unique"):
        UniqueReader(User, "full_name")


def test_one_query_the_orms_own_sql_compiled_once(monkeypatch):
    first, second = UserFactory(), UserFactory()
    reader = UniqueReader(User)
    compiled = []
    original = reader._compile
    monkeypatch.setattr(reader, "_compile", lambda alias, value: compiled.append(value) or original(alias, value))
    with CaptureQueriesContext(connection) as captured:
        assert reader.get(first.pk).pk == first.pk
        assert reader.get(second.pk).pk == second.pk
    assert len(captured) == 2
    assert compiled == [first.pk]
    orm_sql = str(User._default_manager.filter(pk=first.pk).query).replace(str(first.pk), "")
    assert captured[1]["sql"].replace(str(second.pk), "").replace("'", "") == orm_sql.replace("'", "")
    # The compiled read keeps the SQL, columns and converters, nothing of the value it was compiled with.
    kept = reader._compiled["default"]
    assert str(first.pk) not in kept.sql
    assert not hasattr(kept, "compiler")


def test_the_compiled_read_keeps_no_connection():
    # The database's converters (SQLite's for dates and times) are kept unbound: a bound one would keep the compiling
    # thread's connection, and under DEBUG its log of queries, for the life of the process.
    reader = UniqueReader(User)
    person = UserFactory()
    assert reader.get(person.pk).date_joined == User.objects.get(pk=person.pk).date_joined
    for _position, converters, _column in reader._compiled["default"].converters:
        for converter in converters:
            assert not isinstance(getattr(converter.function, "__self__", None), BaseDatabaseOperations)
    assert connection not in gc.get_referents(*gc.get_referents(reader._compiled["default"]))


def test_the_sign_in_reads_are_installed():
    assert settings.SESSION_ENGINE == "lightbulb.core.sessions"
    assert "lightbulb.accounts.middleware.DeviceMiddleware" in settings.MIDDLEWARE
    assert "django_otp.middleware.OTPMiddleware" not in settings.MIDDLEWARE
    assert "lightbulb.accounts.backends.VerifiedEmailBackend" in settings.AUTHENTICATION_BACKENDS


def test_a_signed_in_request_reads_its_device_through_the_override(client: Client, monkeypatch):
    # Fails if a django-otp upgrade stops calling the method DeviceMiddleware overrides.
    read = []
    original = DeviceMiddleware._device_from_persistent_id
    monkeypatch.setattr(DeviceMiddleware, "_device_from_persistent_id", lambda self, persistent_id: read.append(persistent_id) or original(self, persistent_id))
    officer = UserFactory(role="officer")
    sign_in(client, officer)
    assert client.get("/").status_code == 200
    assert read == [TOTPDevice.objects.get(user=officer).persistent_id]


# Sessions


def saved_session(**data) -> SessionStore:
    store = SessionStore()
    for key, value in data.items():
        store[key] = value
    store.create()
    return store


def test_a_session_is_read_as_django_wrote_it():
    key = saved_session(colour="blue", count=3).session_key
    store = SessionStore(key)
    assert store["colour"] == "blue"
    assert store["count"] == 3
    assert store.session_key == key


def test_an_expired_session_is_no_session():
    key = saved_session(colour="blue").session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    store = SessionStore(key)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_a_session_ends_at_its_expiry_time_to_the_microsecond():
    key = saved_session(colour="blue").session_key
    ends = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=ends)
    with time_machine.travel(ends - datetime.timedelta(microseconds=1), tick=False):
        assert SessionStore(key).get("colour") == "blue"
    with time_machine.travel(ends, tick=False):
        assert SessionStore(key).get("colour") is None


def test_an_unknown_session_is_no_session():
    store = SessionStore("x" * 32)
    assert store.get("colour") is None
    assert store.session_key is None


def test_a_signed_in_page_is_read_with_the_session_engine(client: Client):
    user = UserFactory(role="officer")
    sign_in(client, user)
    assert client.get("/").status_code == 200
    assert client.session[SESSION_KEY] == str(user.pk)


# The person


def test_the_backend_reads_only_a_person_who_may_sign_in():
    backend = VerifiedEmailBackend()
    person = UserFactory()
    assert backend.get_user(person.pk).pk == person.pk
    assert backend.get_user(str(person.pk)).pk == person.pk
    assert backend.get_user(999_999) is None
    assert backend.get_user("nonsense") is None
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert backend.get_user(person.pk) is None
    User.objects.filter(pk=person.pk).update(is_active=True, email_verified_at=None)
    assert backend.get_user(person.pk) is None


def test_a_deleted_person_signs_the_session_out(client: Client):
    person = UserFactory(role="vcs")
    client.force_login(person)
    assert client.session[BACKEND_SESSION_KEY] == "lightbulb.accounts.backends.VerifiedEmailBackend"
    assert client.session[HASH_SESSION_KEY]
    assert client.get("/").wsgi_request.user.is_authenticated
    person.delete()
    assert not client.get("/").wsgi_request.user.is_authenticated


# The authenticator


def test_the_sessions_device_is_read_by_its_persistent_id():
    person = UserFactory(role="officer")
    device = TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    read = DeviceMiddleware(lambda request: None)._device_from_persistent_id(device.persistent_id)
    assert isinstance(read, TOTPDevice)
    assert fields(read) == fields(TOTPDevice.objects.get(pk=device.pk))
    static = StaticDevice.objects.create(user=person, name="Backup codes", confirmed=True)
    assert isinstance(DeviceMiddleware(lambda request: None)._device_from_persistent_id(static.persistent_id), StaticDevice)


@pytest.mark.parametrize(
    "persistent_id",
    [
        "nonsense",
        "otp_totp.totpdevice/not-a-number",
        "otp_totp.totpdevice/999999",
        "no_such_app.totpdevice/1",
        "accounts.user/{person}",  # a model that is not a device, naming a record it has
        "otp_totp.totpdevice/99999999999999999999",  # past any column's range
    ],
)
def test_a_persistent_id_naming_no_device_is_none(persistent_id):
    person = UserFactory(role="officer")
    TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    persistent_id = persistent_id.format(person=person.pk)
    assert DeviceMiddleware(lambda request: None)._device_from_persistent_id(persistent_id) is None


def test_a_legacy_persistent_id_of_the_full_import_path_still_reads():
    device = TOTPDevice.objects.create(user=UserFactory(role="officer"), name="Phone", confirmed=True)
    legacy = f"django_otp.plugins.otp_totp.models.TOTPDevice/{device.pk}"
    assert DeviceMiddleware(lambda request: None)._device_from_persistent_id(legacy).pk == device.pk


@pytest.mark.parametrize("whose, confirmed", [("someone else's", True), ("their own, unconfirmed", False)])
def test_a_device_that_is_not_the_persons_confirmed_one_does_not_verify_the_session(client: Client, whose, confirmed):
    officer = UserFactory(role="officer")
    owner = UserFactory(role="officer") if whose == "someone else's" else officer
    device = TOTPDevice.objects.create(user=owner, name="Phone", confirmed=confirmed)
    client.force_login(officer)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert "/account/two-factor" in response["Location"]
    assert "otp_device_id" not in client.session


def test_the_signed_in_persons_own_device_verifies_the_session(client: Client):
    officer = UserFactory(role="officer")
    sign_in(client, officer)
    assert client.get("/").status_code == 200
