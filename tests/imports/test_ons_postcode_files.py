"""The ONS Postcode Directory (ONSPD) and National Statistics Postcode Lookup (NSPL) import as ONS publishes them.

Both cover the whole country and keep postcodes no longer in use: only live postcodes in the
council's wards are kept, and the rest are counted in the notes rather than rejected.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.models import ImportRun
from lightbulb.imports.normalise import Notes
from lightbulb.imports.runner import import_run_execute
from lightbulb.imports.sources.postcodes import PostcodeLookup
from lightbulb.places.models import Postcode, Ward
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
ONSPD = FIXTURES / "onspd_extract.csv"
NSPL = FIXTURES / "nspl_extract.csv"
COUNCIL_WARDS = ("E05009001", "E05009002", "E05009003")


@pytest.fixture
def council_wards():
    return [WardFactory(gss_code=code) for code in COUNCIL_WARDS]


def run_file(data: bytes, **options) -> ImportRun:
    actor = SystemActor(label="Test import")
    run = services.import_run_create(acting_user=actor, source="ons-postcodes", filename="file.csv", start=False, **options)
    return import_run_execute(run=run, data=data, acting_user=actor)


def command(*args: str) -> str:
    out = StringIO()
    call_command("import_file", "ons-postcodes", *args, stdout=out)
    return out.getvalue()


def suggested(headers: list[str]) -> dict[str, str]:
    return PostcodeLookup(acting_user=None, notes=Notes()).suggest_mapping(headers)


def test_onspd_headings_are_found_without_a_mapping():
    headers = ONSPD.read_text().splitlines()[0].replace('"', "").split(",")
    # The ward is osward, not the 2003 and 2005 wards (casward, statsward) the directory also holds.
    assert suggested(headers) == {"postcode": "pcds", "ward_code": "osward", "terminated": "doterm"}


def test_nspl_headings_are_found_without_a_mapping_in_any_case():
    headers = NSPL.read_text().splitlines()[0].split(",")
    assert suggested(headers) == {"postcode": "pcds", "ward_code": "ward", "terminated": "doterm"}
    assert suggested([header.upper() for header in headers]) == {"postcode": "PCDS", "ward_code": "WARD", "terminated": "DOTERM"}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["pcd", "pcd2", "osward"], {"postcode": "pcd", "ward_code": "osward"}),
        (["pcd2", "ward"], {"postcode": "pcd2", "ward_code": "ward"}),
        # ONS's smaller lookups name the ward after its boundary year.
        (["PCD7", "PCD8", "PCDS", "WD24CD", "WD24NM", "LAD24CD"], {"postcode": "PCDS", "ward_code": "WD24CD", "ward_name": "WD24NM"}),
        (["pcds", "wd19cd"], {"postcode": "pcds", "ward_code": "wd19cd"}),
        # A lookup with last year's wards beside this year's is read by this year's, wherever the columns stand.
        (["pcds", "WD24CD", "WD24NM", "WD23CD", "WD23NM"], {"postcode": "pcds", "ward_code": "WD24CD", "ward_name": "WD24NM"}),
        (["pcds", "wd22cd", "wd22nm", "wd24cd", "wd24nm", "wd23cd"], {"postcode": "pcds", "ward_code": "wd24cd", "ward_name": "wd24nm"}),
        # A ward's name is read from its code's year or not at all: never last year's name for this year's code.
        (["pcds", "WD23CD", "WD23NM", "WD24CD"], {"postcode": "pcds", "ward_code": "WD24CD"}),
        (["pcds", "WD23CD", "WD24NM"], {"postcode": "pcds", "ward_code": "WD23CD"}),
        # A file's own ward code column is preferred to a column called just "ward".
        (["Postcode", "Ward", "Ward code"], {"postcode": "Postcode", "ward_code": "Ward code"}),
    ],
)
def test_other_ons_postcode_headings(headers, expected):
    assert suggested(headers) == expected


def test_onspd_keeps_live_postcodes_in_the_councils_wards(council_wards):
    run = run_file(ONSPD.read_bytes())
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.created, run.updated, run.unchanged, run.rejected) == (4, 0, 0, 0)
    assert run.rejected_rows == []
    assert dict(Postcode.objects.values_list("postcode", "ward__gss_code")) == {
        "AT1 1AA": "E05009001",
        "AT1 1AB": "E05009001",
        "AT10 2BD": "E05009002",
        "AT3 1AA": "E05009003",
    }
    assert run.log.startswith("Finished: 4 added, 0 changed, 0 unchanged, 0 rejected.")
    # Out of the area: another council's ward (live and terminated), Scotland, Wales and the Channel Islands.
    assert (
        "5 postcodes in wards that are not the council's were left out, as the file covers more than the council's area "
        "(for example BB1 1AA, ward E05001234). If a ward is the council's but not loaded yet, import the wards, then this file again."
    ) in run.notes
    assert "1 postcode in the council's wards was left out because ONS lists it as no longer in use (for example AT1 9ZZ, terminated in May 2021)" in run.notes
    assert "The column 'osward' was read as ward code" in run.notes
    # A whole-country file adds no wards.
    assert set(Ward.objects.values_list("gss_code", flat=True)) == set(COUNCIL_WARDS)


def test_nspl_imports_the_same_way(council_wards):
    run = run_file(NSPL.read_bytes())
    assert (run.created, run.rejected) == (2, 0)
    assert set(Postcode.objects.values_list("postcode", flat=True)) == {"AT1 1AA", "AT2 3BD"}
    assert any(note.startswith("1 postcode in wards that are not the council's was left out") for note in run.notes)
    assert any("AT2 3BZ, terminated in August 2016" in note for note in run.notes)


def test_upper_case_nspl_headings_import(council_wards):
    lines = NSPL.read_text().splitlines(keepends=True)
    run = run_file((lines[0].upper() + "".join(lines[1:])).encode())
    assert (run.created, run.rejected) == (2, 0)


def test_import_file_command_reads_onspd_and_nspl_without_columns(council_wards):
    out = command(str(ONSPD), "--dry-run")
    assert "Dry run, nothing was changed. A real run would make these changes: 4 would be added" in out
    assert "Normalised: 5 postcodes in wards that are not the council's were left out" in out
    assert "rejected:" not in out and not Postcode.objects.exists()
    # Nothing left out is an error, so strict mode takes the file.
    out = command(str(ONSPD), "--strict")
    assert out.startswith("Finished: 4 added, 0 changed, 0 unchanged, 0 rejected.")
    assert command(str(ONSPD)).startswith("Finished: 0 added, 0 changed, 4 unchanged, 0 rejected.")
    assert command(str(NSPL)).startswith("Finished: 1 added, 0 changed, 1 unchanged, 0 rejected.")
    assert Postcode.objects.count() == 5


def test_a_whole_country_file_needs_the_councils_wards_first():
    with pytest.raises(CommandError, match="nothing was changed"):
        command(str(ONSPD))
    run = ImportRun.objects.get()
    assert "no wards are loaded yet. Import the council's wards first" in run.log
    assert not Postcode.objects.exists() and not Ward.objects.exists()


def test_a_file_mostly_outside_the_area_keeps_a_short_report(council_wards):
    header = "pcd,pcd2,pcds,dointr,doterm,oslaua,osward\n"
    inside = [f"AT1 1{letters},AT1  1{letters},AT1 1{letters},198001,,E06000999,E05009001\n" for letters in ("AA", "AB", "AD", "AE", "AF")]
    outside = [
        f"BB1 {digit}{letters},BB1  {digit}{letters},BB1 {digit}{letters},198001,,E06000008,E05001234\n"
        for digit in range(10)
        for letters in ("AA", "AB", "AD", "AE", "AF")
    ]
    run = run_file((header + "".join(inside + outside[:45])).encode(), strict=True)
    assert run.status == ImportRun.Status.SUCCEEDED
    assert (run.created, run.rejected) == (5, 0)
    assert [note for note in run.notes if "left out" in note] == [
        "45 postcodes in wards that are not the council's were left out, as the file covers more than the council's area "
        "(for example BB1 0AA, ward E05001234). If a ward is the council's but not loaded yet, import the wards, then this file again."
    ]


def test_a_file_for_another_area_says_so(council_wards):
    run = run_file(b"pcds,doterm,ward\nBB1 1AA,,E05001234\nBB1 1AB,,E05001234\n")
    assert run.status == ImportRun.Status.SUCCEEDED and run.created == 0
    assert "None of the file's postcodes is in the council's wards: check that the file covers the council's area." in run.notes


def test_blank_or_malformed_ward_codes_in_a_whole_country_file_are_still_rejected(council_wards):
    run = run_file(b"pcds,doterm,osward\nAT1 1AA,,\nAT1 1AB,,E0500901\nAT1 1AD,, e05009001 \nNOT A POSTCODE,,E05009001\n")
    assert [row["reason"] for row in run.rejected_rows] == [
        "The ward code is missing",
        "'E0500901' is not a ward GSS code (E05 then 6 numbers)",
        "'NOT A POSTCODE' is not a UK postcode",
    ]
    assert Postcode.objects.get().postcode == "AT1 1AD"


def test_a_whole_country_file_with_ward_names_adds_no_wards(council_wards):
    data = b"PCDS,DOTERM,WD24CD,WD24NM\nAT1 1AA,,E05009001,Riverside\nBB1 1AA,,E05001234,Elsewhere\n"
    run = run_file(data)
    assert (run.created, run.rejected) == (1, 0)
    assert not Ward.objects.filter(gss_code="E05001234").exists()


def test_odd_termination_dates_are_shown_as_written(council_wards):
    run = run_file(b"pcds,doterm,osward\nAT1 1AA,2021-05,E05009001\nAT1 1AB,202113,E05009001\n")
    assert run.created == 0
    assert any("(for example AT1 1AA, terminated in 2021-05)" in note for note in run.notes)


def test_the_upload_page_suggests_the_onspd_columns(client_for, council_wards, django_capture_on_commit_callbacks):
    client = client_for("admin")
    client.post(reverse("imports:upload"), {"source": "ons-postcodes", "file": SimpleUploadedFile("ONSPD_NOV_2024_UK_AT.csv", ONSPD.read_bytes(), "text/csv")})
    run = ImportRun.objects.get()
    page = client.get(reverse("imports:run_mapping", kwargs={"pk": run.pk})).content.decode()
    for heading in ("pcds", "osward", "doterm"):
        assert f'<option value="{heading}" selected>' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run_mapping", kwargs={"pk": run.pk}), {"postcode": "pcds", "ward_code": "osward", "terminated": "doterm"})
    run.refresh_from_db()
    assert (run.status, run.created, run.rejected) == (ImportRun.Status.SUCCEEDED, 4, 0)
