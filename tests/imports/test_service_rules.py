"""The import services, called directly: only administrators, council officers and the service itself (a SystemActor) run imports,
and a run is refused for what the upload form refuses. A run acts as whoever started it, all the way down.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.forms import UploadForm
from lightbulb.imports.models import ImportRun
from lightbulb.imports.runner import import_run_execute
from lightbulb.places.models import Locality, Postcode, Ward
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [ImportRun, Ward, Locality, Postcode]
WARDS = (Path(__file__).parent / "fixtures" / "wards.csv").read_bytes()
RUNNERS = ("admin", "officer", "system")


def csv_upload(data: bytes = WARDS, name: str = "wards.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "text/csv")


@pytest.fixture
def w(users, other_organisation):
    admin = users[Role.ADMIN]
    return SimpleNamespace(
        users=users,
        admin=admin,
        outsider=other_organisation.memberships.get().user,
        run=services.import_run_create(acting_user=admin, source="wards", filename="wards.csv", upload=csv_upload(), start=False),
        mapping_run=services.import_run_create(acting_user=admin, source="wards", filename="wards.csv", upload=csv_upload(), map_columns=True),
    )


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "import_run_create": (
        lambda w, a: services.import_run_create(acting_user=a, source="wards", filename="wards.csv", upload=csv_upload(), start=False),
        RUNNERS,
    ),
    "import_run_progress": (lambda w, a: services.import_run_progress(acting_user=a, run=w.run, rows_done=2, rows_total=3), RUNNERS),
    "import_run_mark_running": (lambda w, a: services.import_run_mark_running(acting_user=a, run=w.run), RUNNERS),
    "import_run_finish": (lambda w, a: services.import_run_finish(acting_user=a, run=w.run, succeeded=True, summary="Finished"), RUNNERS),
    "import_run_map": (
        lambda w, a: services.import_run_map(
            acting_user=a, run=w.mapping_run, headers=["Ward Code", "Ward Name"], mapping={"gss_code": "Ward Code", "name": "Ward Name"}
        ),
        RUNNERS,
    ),
    "LiveProgress": (lambda w, a: services.LiveProgress(acting_user=a, run=w.run)(2, 0.5), RUNNERS),
    "import_runs_sweep": (lambda w, a: services.import_runs_sweep(acting_user=a), RUNNERS),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
@pytest.mark.parametrize("who", RUNNERS)
def test_administrators_and_the_service_itself_get_through(w, service, who):
    SERVICES[service][0](w, identity(who, w.users, w.outsider))


# --- UploadForm ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "upload", "filename", "field", "message"),
    [
        ("", csv_upload(), "wards.csv", "source", "Choose what the file contains"),
        ("<script>", csv_upload(), "wards.csv", "source", "Choose what the file contains from the list"),
        ("wards", None, "wards.csv", "file", "Choose a file to upload"),
        ("wards", csv_upload(b""), "wards.csv", "file", "The file you chose is empty"),
        ("wards", csv_upload(b"PK\x03\x04", "wards.xls"), "wards.xls", "file", services.NOT_CSV_MESSAGE),
        ("wards", csv_upload(b"%PDF-1.4", "wards.pdf"), "wards.pdf", "file", services.NOT_CSV_MESSAGE),
    ],
)
def test_a_run_is_refused_as_the_upload_form_refuses_it(w, source, upload, filename, field, message):
    if upload is not None:
        upload.seek(0)
    assert_invalid(lambda: services.import_run_create(acting_user=w.admin, source=source, filename=filename, upload=upload), field, message, WATCHED)
    if upload is not None:
        upload.seek(0)
    form = UploadForm({"source": source}, {"file": upload} if upload is not None else {})
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field])


def test_a_file_over_the_limit_is_refused_as_the_form_refuses_it(w, settings):
    settings.IMPORT_MAX_BYTES = 10
    message = services.too_big_message(len(WARDS))
    assert_invalid(lambda: services.import_run_create(acting_user=w.admin, source="wards", filename="wards.csv", upload=csv_upload()), "file", message, WATCHED)
    form = UploadForm({"source": "wards"}, {"file": csv_upload()})
    assert not form.is_valid()
    assert message in form.errors["file"]


# --- Who a run acts as -----------------------------------------------------------------------------


def test_a_run_started_by_an_administrator_acts_as_them_all_the_way_down(w):
    run = import_run_execute(run=w.run)
    assert run.status == ImportRun.Status.SUCCEEDED
    wards_loaded = AuditEvent.objects.get(action="ward_bulk_upsert")
    finished = AuditEvent.objects.get(action="import_run_finish")
    assert wards_loaded.actor == w.admin and finished.actor == w.admin


def test_a_run_whose_starter_may_no_longer_run_imports_changes_nothing(w):
    w.admin.role = Role.COUNCILLOR
    w.admin.save()
    run = import_run_execute(run_id=w.run.pk)
    assert run.status == ImportRun.Status.FAILED
    assert "may no longer run imports" in run.log
    assert not Ward.objects.exists()
    finished = AuditEvent.objects.get(action="import_run_finish")
    assert (finished.actor, finished.actor_label) == (None, "Import runner")


def test_the_command_line_acts_as_the_service_itself_and_says_so_in_the_audit_trail(tmp_path):
    path = tmp_path / "wards.csv"
    path.write_bytes(WARDS)
    call_command("import_file", "wards", str(path))
    assert Ward.objects.count() == 3
    labels = set(AuditEvent.objects.filter(action__in=["import_run_create", "ward_bulk_upsert", "import_run_finish"]).values_list("actor", "actor_label"))
    assert labels == {(None, "Command line import of wards.csv")}


def test_the_command_line_refuses_what_the_upload_form_refuses(tmp_path):
    path = tmp_path / "wards.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CommandError, match="The file must be a CSV file"):
        call_command("import_file", "wards", str(path))
    assert not ImportRun.objects.exists()


def test_a_system_actors_label_is_what_the_audit_trail_records(w):
    services.import_run_finish(acting_user=SystemActor(label="Nightly ONS refresh"), run=w.run, succeeded=True, summary="Finished")
    event = AuditEvent.objects.get(action="import_run_finish")
    assert (event.actor, event.actor_label) == (None, "Nightly ONS refresh")


# --- ColumnMappingForm's rules, in the service ------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "field", "message"),
    [
        ({"name": "Ward Name"}, "gss_code", "Choose the column that holds the ward code"),
        ({"gss_code": "Nope", "name": "Ward Name"}, "gss_code", "Choose a column from the file for the ward code"),
        ({"gss_code": "Ward Code", "name": "Ward Code"}, "name", "The column 'Ward Code' is already chosen for the ward code"),
    ],
)
def test_a_mapping_is_refused_as_the_mapping_form_refuses_it(w, mapping, field, message):
    headers = ["Ward Code", "Ward Name"]
    assert_invalid(lambda: services.import_run_map(acting_user=w.admin, run=w.mapping_run, headers=headers, mapping=mapping), field, message, WATCHED)
