"""The ward page's parts, the briefing pack (printable page, PDF, every ward's zip) and loading ward boundaries."""

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
from lightbulb.engagement.models import PackBuild
from lightbulb.engagement.services.boundaries import ward_boundaries_import
from lightbulb.engagement.services.packs import packs_build_all
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


def test_boundaries_load_from_geojson(users):
    ward = WardFactory(gss_code="E05000201")
    report = ward_boundaries_import(acting_user=users[Role.ADMIN], content=collection(feature("E05000201"), feature("E05999999")))
    assert report == {"updated": 1, "unknown": ["E05999999"]}
    ward.refresh_from_db()
    ring = ward.boundary["coordinates"][0][0]
    assert ward.boundary["type"] == "MultiPolygon" and len(ring) == 5  # the near-straight point simplified away


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "The file is not GeoJSON: it could not be read as JSON"),
        (json.dumps({"type": "Feature"}).encode(), "The file must be a GeoJSON FeatureCollection"),
        (collection({"type": "Feature", "properties": {}, "geometry": None}), "Feature 1 has no ward code (a property such as WD24CD or gss_code)"),
        (collection(feature("E05000201", geometry_type="LineString")), "Feature 1 (E05000201): the shape must be a Polygon or MultiPolygon"),
        (collection(feature("E05000201", SQUARE[:-1])), "Feature 1 (E05000201): a ring does not close (its last point must be its first)"),
        (
            collection(feature("E05000201", [[430000, 290000], [431000, 290000], [431000, 291000], [430000, 290000]])),
            "Feature 1 (E05000201): a point is outside longitude and latitude (is the file in British National Grid? Save it as WGS 84)",
        ),
        (collection(feature("E05000201", [["a", "b"], [1, 2], [3, 4], ["a", "b"]])), "Feature 1 (E05000201): a point is not a pair of numbers"),
    ],
)
def test_a_bad_boundary_file_is_refused_whole(users, content, message):
    WardFactory(gss_code="E05000201")
    assert_invalid(lambda: ward_boundaries_import(acting_user=users[Role.OFFICER], content=content), "file", message, [Ward])


def test_the_boundary_page_reports_problems(client, users):
    sign_in(client, users[Role.ADMIN])
    upload = SimpleUploadedFile("wards.geojson", b"{", content_type="application/geo+json")
    text = visible_text(client.post(reverse("engagement:boundaries_import"), {"file": upload}).content)
    assert "The file is not GeoJSON: it could not be read as JSON" in text


def test_a_boundary_file_over_the_limit_is_refused_by_its_size_before_it_is_read(client, users, monkeypatch):
    from lightbulb.engagement import geo
    from lightbulb.engagement.services import boundaries

    def never_read(**_kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(geo, "MAX_FILE_BYTES", 1024 * 1024)
    monkeypatch.setattr(boundaries, "ward_boundaries_import", never_read)
    ward = WardFactory(gss_code="E05000201")
    sign_in(client, users[Role.OFFICER])
    upload = SimpleUploadedFile("wards.geojson", collection(feature("E05000201")).ljust(1024 * 1024 + 1), content_type="application/geo+json")
    response = client.post(reverse("engagement:boundaries_import"), {"file": upload})
    assert response.status_code == 200
    assert "The file must be 1 MB or smaller" in visible_text(response.content)
    ward.refresh_from_db()
    assert ward.boundary is None


@pytest.mark.parametrize("who", ["none", "anonymous", "councillor", "investigator", "staff", "vcs", "outsider"])
def test_only_officers_administrators_and_imports_load_boundaries(users, other_organisation, who):
    outsider = other_organisation.memberships.get().user
    assert_refused(lambda: ward_boundaries_import(acting_user=identity(who, users, outsider), content=collection(feature("E05000201"))), [Ward])


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
