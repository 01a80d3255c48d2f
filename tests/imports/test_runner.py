"""The importer framework through its two sources: messy files, strictness, dry runs, crashes and re-runs."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.models import ImportRun
from lightbulb.imports.runner import import_run_execute
from lightbulb.places.models import Locality, Postcode, Ward
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
ONS = (FIXTURES / "ons_postcodes.csv").read_bytes()


def run_file(data: bytes, *, source: str = "ons-postcodes", user=None, **options) -> ImportRun:
    """Run `data` as `user`, or as the command line does: a SystemActor."""
    actor = user or SystemActor(label="Test import")
    run = services.import_run_create(acting_user=actor, source=source, filename="file.csv", start=False, **options)
    return import_run_execute(run=run, data=data, acting_user=actor)


def test_ons_fixture_loads_postcodes_adds_named_wards_and_rejects_bad_rows():
    run = run_file(ONS)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.created, run.updated, run.unchanged, run.rejected) == (6, 0, 0, 3)
    assert Postcode.objects.count() == 6
    assert set(Ward.objects.values_list("gss_code", flat=True)) == {"E05009001", "E05009002", "E05009003"}
    assert Postcode.objects.get(postcode="AT1 1AD").ward.name == "Riverside"
    reasons = {row["row"]: row["reason"] for row in run.rejected_rows}
    assert reasons == {
        8: "'NOT A POSTCODE' is not a UK postcode",
        9: "S13002999 is a ward outside England (English ward codes start E05)",
        10: "There is no ward with the code E05999999, and the file gives no ward name to add it with",
    }
    assert run.rejected_rows[0]["data"]["pcds"] == "NOT A POSTCODE"
    assert any("3 wards not known before were added" in note for note in run.notes)
    assert any(note.startswith("Postcodes re-spaced or upper-cased: 2 values") for note in run.notes)
    assert run.rows_done == run.rows_total == 9


def test_rerunning_the_same_file_changes_nothing():
    run_file(ONS)
    wards_before = list(Ward.objects.values_list("pk", "name", "updated_at"))
    again = run_file(ONS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert list(Ward.objects.values_list("pk", "name", "updated_at")) == wards_before


def test_bom_and_header_case_and_spacing():
    data = b"\xef\xbb\xbf  PCDS ,WD23CD\r\nAT1 1AA,E05000001\r\n"
    WardFactory(gss_code="E05000001")
    run = run_file(data)
    assert run.created == 1
    assert "The byte-order mark at the start of the file was removed" in run.notes
    assert "The column 'PCDS' was read as postcode" in run.notes


def test_windows_1252_ward_names():
    data = "postcode,ward_code,ward_name\nAT1 1AA,E05000001,Ynys Môn – Caf\xe9\n".encode("cp1252")
    run = run_file(data)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert Ward.objects.get().name == "Ynys Môn – Café"
    assert any("Windows-1252" in note for note in run.notes)


def test_missing_column_refuses_the_file():
    run = run_file(b"postcode,district\nAT1 1AA,Anytown\n")
    assert run.status == ImportRun.Status.FAILED
    assert run.log.startswith("The file has no column for ward code.")
    assert "wdNNcd" in run.log and "Nothing was changed" in run.log


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"pcds,wd24cd\n", "The file has column headings but no rows of data."),
        (b"\x00\x01\x02\x03garbage\xff\xfe", "This file contains binary data"),
        (b"PK\x03\x04\x14\x00\x06\x00", "The workbook could not be opened"),
        (b"\n\n", "column headings, but it is empty"),
    ],
)
def test_unreadable_files_are_refused(data, message):
    run = run_file(data)
    assert run.status == ImportRun.Status.FAILED
    assert message in run.log
    assert not Postcode.objects.exists()


def test_oversized_file_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    run = run_file(ONS)
    assert run.status == ImportRun.Status.FAILED
    assert "The largest file you can import" in run.log
    assert not Postcode.objects.exists()


def test_hostile_ward_names_are_rejected_with_a_reason():
    data = b"postcode,ward_code,ward_name\nAT1 1AA,E05000001,<script>alert(1)</script>\nAT1 1AB,E05000002,=cmd|' /C calc'!A0\nAT1 1AD,E05000003,Fine\n"
    run = run_file(data)
    assert run.rejected == 2
    assert [row["reason"] for row in run.rejected_rows] == [
        "The ward name contains HTML tags",
        "The ward name starts with =, which spreadsheets treat as a formula",
    ]
    assert list(Ward.objects.values_list("name", flat=True)) == ["Fine"]


def test_bad_ward_codes_are_rejected():
    data = b"postcode,ward_code\nAT1 1AA,E0500001\nAT1 1AB,\nAT1 1AD,W05000001\n"
    run = run_file(data)
    assert [row["reason"] for row in run.rejected_rows] == [
        "'E0500001' is not a ward GSS code (E05 then 6 numbers)",
        "The ward code is missing",
        "W05000001 is a ward outside England (English ward codes start E05)",
    ]


def test_strict_mode_leaves_nothing_written():
    run = run_file(ONS, strict=True)
    assert run.status == ImportRun.Status.FAILED
    assert "Strict mode: 3 rows could not be used" in run.log
    assert run.rejected == 3
    assert not Postcode.objects.exists() and not Ward.objects.exists()


def test_dry_run_reports_without_writing():
    run = run_file(ONS, dry_run=True)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.created, run.rejected) == (6, 3)
    assert run.log.startswith("Dry run, nothing was changed.")
    assert not Postcode.objects.exists() and not Ward.objects.exists()


def test_a_crash_mid_apply_leaves_nothing_written(monkeypatch):
    from lightbulb.places import services as places_services

    def crash(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(places_services, "postcode_bulk_upsert", crash)
    run = run_file(ONS)
    assert run.status == ImportRun.Status.FAILED
    assert "unexpected error" in run.log and "RuntimeError: disk on fire" in run.log
    # The wards the file named were added before the crash, and rolled back with it.
    assert not Ward.objects.exists() and not Postcode.objects.exists()


def test_wards_source_with_localities(users):
    run = run_file((FIXTURES / "wards.csv").read_bytes(), source="wards", user=users["admin"])
    assert (run.created, run.updated, run.unchanged) == (3, 0, 0)
    assert set(Locality.objects.values_list("name", flat=True)) == {"North", "South"}
    assert Ward.objects.get(gss_code="E05009003").locality.name == "South"
    again = run_file((FIXTURES / "wards.csv").read_bytes(), source="wards", user=users["admin"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_wards_source_requires_a_name_column():
    run = run_file(b"ward_code\nE05000001\n", source="wards")
    assert run.status == ImportRun.Status.FAILED
    assert "no column for ward name" in run.log


def test_unknown_source_is_refused():
    with pytest.raises(ValidationError) as refused:
        services.import_run_create(acting_user=SystemActor(label="Test import"), source="nope", filename="x.csv", start=False)
    assert refused.value.message_dict == {"source": ["Choose what the file contains from the list"]}
    assert not ImportRun.objects.exists()
