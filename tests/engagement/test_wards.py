"""The ward page's parts, the briefing pack (printable page, PDF, every ward's zip) and storing ward boundaries (the file is an import)."""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.roles import Role
from lightbulb.engagement.flags.engine import flags_refresh
from lightbulb.engagement.geo import checked_geometry
from lightbulb.engagement.models import PackBuild
from lightbulb.engagement.services.boundaries import ward_boundaries_upsert
from lightbulb.engagement.services.packs import packs_build_all
from lightbulb.imports.models import ImportRun
from lightbulb.places.models import Ward
from tests.conftest import sign_in
from tests.engagement.factories import EngagementFactory, ThemeFactory
from tests.factories import AgreementFactory, CouncillorFactory, OrganisationFactory, WardFactory
from tests.helpers import visible_text
from tests.service_rules import assert_invalid, assert_refused, identity

pytestmark = pytest.mark.django_db

SQUARE = [[-1.50, 52.60], [-1.48, 52.60], [-1.48, 52.61], [-1.49, 52.6100001], [-1.50, 52.61], [-1.50, 52.60]]


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(code, coordinates=None, geometry_type="Polygon"):
    return {"type": "Feature", "properties": {"WD24CD": code, "WD24NM": "A ward"}, "geometry": {"type": geometry_type, "coordinates": [coordinates or SQUARE]}}


@pytest.fixture
def ward(db):
    ward = WardFactory(name="Riverside", gss_code="E05000101")
    ward.boundary = {"type": "MultiPolygon", "coordinates": [[SQUARE]]}
    ward.save()
    CouncillorFactory(ward=ward, name="Cllr Ada Byrne", party="Green")
    organisation = OrganisationFactory(name="Riverside Food Bank", ward=ward, latest_income=Decimal("10000"))
    today = timezone.localdate()
    AgreementFactory(
        organisation=organisation,
        status="live",
        kind="grant",
        amount=Decimal("12500"),
        start_date=today - datetime.timedelta(days=20),
        end_date=today + datetime.timedelta(days=300),
    )
    engagement = EngagementFactory(title="Riverside forum", ward=ward, held_on=today - datetime.timedelta(days=5))
    engagement.themes.add(ThemeFactory(name="Premises costs"))
    flags_refresh({organisation.pk})
    return ward


def test_a_councillor_reads_the_ward_page(client, users, ward):
    sign_in(client, users[Role.COUNCILLOR])
    response = client.get(reverse("places:ward_detail", kwargs={"pk": ward.pk}))
    text = visible_text(response.content)
    year = timezone.localdate().year - (1 if timezone.localdate().timetuple().tm_yday <= 20 else 0)
    assert "Briefing pack" in text and "download the PDF" in text
    assert "Outline of Riverside ward" in text and b'<path d="M' in response.content
    assert f"{year} £12,500 £12,500" in text and "1 organisation funded for work here now: Riverside Food Bank" in text
    assert "Premises costs: 1 engagement" in text and "Riverside forum" in text
    assert "Riverside Food Bank: depends on council funding" in text


def test_an_administrator_sees_the_ward_but_not_the_funding_record(client, users, ward):
    sign_in(client, users[Role.ADMIN])
    text = visible_text(client.get(reverse("places:ward_detail", kwargs={"pk": ward.pk})).content)
    assert "Outline of Riverside ward" in text and "Money in" not in text and "Flags" not in text and "Briefing pack" in text


def test_the_pdf_is_dated_tagged_and_says_what_the_page_says(client, users, ward, tmp_path):
    sign_in(client, users[Role.COUNCILLOR])
    response = client.get(reverse("engagement:ward_pack_pdf", kwargs={"pk": ward.pk}))
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    assert f'filename="briefing-riverside-{today:%Y-%m-%d}.pdf"' in response["Content-Disposition"]
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info and "Briefing pack: Riverside" in info
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Briefing pack: Riverside" in text and f"Dated {today.day} {today:%B %Y}" in text
    assert "Cllr Ada Byrne (Green)" in text and "£12,500" in text and "Premises costs: 1 engagement" in text and "Riverside Food Bank" in text


def test_the_printable_page(client, users, ward):
    sign_in(client, users[Role.INVESTIGATOR])
    text = visible_text(client.get(reverse("engagement:ward_pack", kwargs={"pk": ward.pk})).content)
    assert "Briefing pack Riverside" in text and "Download this pack as a PDF" in text and "Premises costs" in text


def test_every_wards_pack_is_built_in_the_background(client, users, ward, django_capture_on_commit_callbacks):
    WardFactory(name="Hilltop")
    sign_in(client, users[Role.COUNCILLOR])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("engagement:pack_all"))
    build = PackBuild.objects.get()
    assert build.status == "done" and build.wards_done == build.wards_total == 2
    text = visible_text(client.get(reverse("engagement:pack_all")).content)
    assert "Ready: 2 of 2 wards (100%)" in text and "Download every ward's pack (zip)" in text
    download = client.get(reverse("engagement:pack_download", kwargs={"pk": build.pk}))
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert sorted(name.split("-")[1] for name in names) == ["hilltop", "riverside"]
    sign_in(client, users[Role.OFFICER])
    assert client.get(reverse("engagement:pack_download", kwargs={"pk": build.pk})).status_code == 404


def test_boundaries_are_stored_only_when_they_differ(users):
    ward = WardFactory(gss_code="E05000201", name="Riverside")
    shape = checked_geometry(feature("E05000201")["geometry"])
    stored = ward_boundaries_upsert(acting_user=users[Role.ADMIN], shapes={"E05000201": shape, "E05999999": shape})
    assert (stored.updated, stored.unchanged, stored.unknown) == (1, 0, ["E05999999"])
    assert stored.changes == [{"record": "Riverside (E05000201)", "changes": {"boundary": ["", "1 polygon, 5 points"]}}]
    ward.refresh_from_db()
    assert ward.boundary == shape
    history = ward.history.count()
    again = ward_boundaries_upsert(acting_user=users[Role.OFFICER], shapes={"E05000201": shape})
    assert (again.updated, again.unchanged) == (0, 1) and ward.history.count() == history


def test_a_shape_that_was_not_checked_is_refused(users):
    WardFactory(gss_code="E05000201")
    unchecked = feature("E05000201")["geometry"]
    assert_invalid(
        lambda: ward_boundaries_upsert(acting_user=users[Role.OFFICER], shapes={"E05000201": unchecked}),
        None,
        "The boundary for E05000201 is not a checked MultiPolygon",
        [Ward],
    )


def test_the_boundary_page_hands_the_file_to_the_imports(client, users, django_capture_on_commit_callbacks):
    ward = WardFactory(gss_code="E05000201")
    sign_in(client, users[Role.OFFICER])
    page = client.get(reverse("engagement:boundaries_import"))
    html = page.content.decode()
    assert f'action="{reverse("imports:upload")}"' in html and 'name="source" value="ward-boundaries"' in html
    upload = SimpleUploadedFile("wards.geojson", collection(feature("E05000201"), feature("E05999999")), content_type="application/geo+json")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:upload"), {"source": "ward-boundaries", "file": upload})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run_detail", kwargs={"pk": run.pk})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED and run.updated == 1, run.log
    ward.refresh_from_db()
    assert ward.boundary["type"] == "MultiPolygon"
    text = visible_text(client.get(response["Location"]).content)
    assert "Features for wards outside the council's: 1 (skipped)" in text and "1 polygon, 5 points" in text


def test_a_boundary_file_that_is_not_geojson_is_refused_with_the_reason(client, users, django_capture_on_commit_callbacks):
    sign_in(client, users[Role.ADMIN])
    upload = SimpleUploadedFile("wards.geojson", b"{", content_type="application/geo+json")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:upload"), {"source": "ward-boundaries", "file": upload})
    text = visible_text(client.get(response["Location"]).content)
    assert "The file is not GeoJSON: it could not be read as JSON" in text and "Nothing was changed." in text


def test_a_boundary_file_over_the_limit_is_refused_by_its_size_before_it_is_read(client, users, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    ward = WardFactory(gss_code="E05000201")
    sign_in(client, users[Role.OFFICER])
    upload = SimpleUploadedFile("wards.geojson", collection(feature("E05000201")).ljust(1024 * 1024 + 1), content_type="application/geo+json")
    response = client.post(reverse("imports:upload"), {"source": "ward-boundaries", "file": upload})
    assert response.status_code == 200
    assert "The largest file you can import is 1 MB" in visible_text(response.content)
    assert not ImportRun.objects.exists()
    ward.refresh_from_db()
    assert ward.boundary is None


def test_the_boundary_page_only_shows_the_form(client, users):
    sign_in(client, users[Role.ADMIN])
    assert client.post(reverse("engagement:boundaries_import")).status_code == 405


@pytest.mark.parametrize("who", ["none", "anonymous", "councillor", "investigator", "staff", "vcs", "outsider"])
def test_only_officers_administrators_and_imports_load_boundaries(users, other_organisation, who):
    outsider = other_organisation.memberships.get().user
    shape = checked_geometry(feature("E05000201")["geometry"])
    WardFactory(gss_code="E05000201")
    assert_refused(lambda: ward_boundaries_upsert(acting_user=identity(who, users, outsider), shapes={"E05000201": shape}), [Ward])


@pytest.mark.parametrize("who", ["none", "anonymous", "system", "admin", "staff", "vcs", "outsider"])
def test_only_readers_of_the_funding_record_ask_for_every_wards_pack(users, other_organisation, who):
    outsider = other_organisation.memberships.get().user
    assert_refused(lambda: packs_build_all(acting_user=identity(who, users, outsider)), [PackBuild])


def test_work_in_a_ward_is_what_names_it_or_names_no_ward_from_an_organisation_based_there(ward):
    from lightbulb.engagement.selectors.wards import ward_active_organisations, ward_money

    today = timezone.localdate()
    elsewhere = WardFactory(name="Hilltop")
    based_here = OrganisationFactory(name="Riverside Rowing Club", ward=ward)
    based_elsewhere = OrganisationFactory(name="Hilltop Hall", ward=elsewhere)
    terms = {"status": "live", "kind": "contract", "start_date": today - datetime.timedelta(days=10), "end_date": today + datetime.timedelta(days=100)}
    # Naming this ward (and another): counted once, though its organisation is based elsewhere.
    AgreementFactory(organisation=based_elsewhere, amount=Decimal("1000"), **terms).wards.set([ward, elsewhere])
    # Based here but naming another ward only: work elsewhere.
    AgreementFactory(organisation=based_here, amount=Decimal("700"), **terms).wards.set([elsewhere])
    money = ward_money(ward.pk)
    assert money["total"] == Decimal("13500")  # the fixture's 12,500 grant (no ward named, organisation based here) and the 1,000 contract
    active = ward_active_organisations(ward.pk)
    assert [organisation.name for organisation in active["funded"]] == ["Hilltop Hall", "Riverside Food Bank"] and active["funded_count"] == 2
    assert ward_money(elsewhere.pk)["total"] == Decimal("1700")
