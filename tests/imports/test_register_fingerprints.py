"""The register's JSON extract read a block at a time: unchanged charities known by their bytes, and splits never trusted unread."""

from __future__ import annotations

import io
import json

import pytest

from lightbulb.imports import register_json, register_load
from lightbulb.imports.models import CharityRecord, ImportRun
from tests.imports.test_charity_register import MONTH, charity, extract, run_file


def _read(data: bytes, known: dict[bytes, int] | None = None) -> tuple[register_load.Staged, list[str]]:
    staged = register_load.Staged()
    reader = register_json.BlockReader(io.BytesIO(data))
    lines = [line for block in reader(staged, known or {}, lambda rows, share: None, lambda: 0.0) for line in block]
    return staged, lines


@pytest.mark.parametrize(
    "activities",
    ['Food},{"registered_charity_number": 9', 'Quotes \\" and }, { and a backslash \\\\', "Nested {braces} },{ and ] ["],
)
def test_a_string_holding_the_split_between_objects_is_read_whole(activities):
    rows = [charity(1, charity_activities=activities), charity(2), charity(3, latest_income="lots")]
    staged, lines = _read(extract(*rows))
    assert (staged.rows, staged.rejected, len(lines)) == (3, 1, 2)
    assert staged.rejected_rows[0]["row"] == 3
    assert [line.split("\t")[0] for line in lines] == ["1", "2"]
    assert register_load._unescape(lines[0].split("\t")[8]) == activities


def test_every_row_is_read_whatever_the_blocks_and_the_spacing(monkeypatch):
    monkeypatch.setattr(register_json, "BLOCK_BYTES", 64)
    rows = [charity(number) for number in range(1, 40)]
    pretty = json.dumps(rows, indent=2).encode()
    staged, lines = _read(pretty)
    assert (staged.rows, staged.rejected) == (39, 0)
    assert [int(line.split("\t")[0]) for line in lines] == list(range(1, 40))


def test_an_object_inside_an_object_is_read_by_ijson_with_the_same_row_numbers():
    rows = [charity(1), charity(2, charity_type={"a": [{"b": 1}, {"c": 2}]}), charity(2)]
    staged, _lines = _read(extract(*rows))
    assert staged.rows == 3
    assert [(row["row"], row["reason"]) for row in staged.rejected_rows] == [(3, "Charity 2 is listed more than once")]


def test_a_known_fingerprint_is_counted_not_staged_and_a_second_listing_is_still_refused():
    _first, first_lines = _read(extract(charity(1)))
    fingerprint = bytes.fromhex(first_lines[0].split("\t")[-1])
    later = [dict(charity(1), date_of_extract="2026-12-01T00:00:00"), charity(2), dict(charity(1), date_of_extract="2026-12-01T00:00:00")]
    staged, lines = _read(extract(*later), {fingerprint: register_load.charity_key(1, 0)})
    assert (staged.rows, staged.known, len(lines)) == (3, 1, 1)
    assert [(row["row"], row["reason"]) for row in staged.rejected_rows] == [(3, "Charity 1 is listed more than once")]
    assert staged.rejected_rows[0]["data"]["registered_charity_number"] == "1"


def test_a_bad_extract_date_is_never_taken_for_an_unchanged_row():
    _staged, first_lines = _read(extract(charity(1)))
    fingerprint = bytes.fromhex(first_lines[0].split("\t")[-1])
    staged, _lines = _read(extract(dict(charity(1), date_of_extract="2026-13-45T00:00:00")), {fingerprint: register_load.charity_key(1, 0)})
    assert (staged.known, staged.rejected) == (0, 1)
    assert staged.rejected_rows[0]["reason"].startswith("The date_of_extract")


@pytest.mark.django_db
def test_an_unchanged_month_is_known_by_its_bytes_and_a_month_written_differently_only_refreshes_them():
    run_file(extract(*MONTH))
    kept = set(CharityRecord.objects.values_list("raw_hash", flat=True))
    assert len(kept) == 3 and "" not in kept
    before = list(CharityRecord.objects.order_by("pk").values())
    # The same values written another way (keys in another order): checked again, unchanged, and their new fingerprints kept.
    reordered = b"[" + b",".join(json.dumps(dict(reversed(list(row.items())))).encode() for row in MONTH) + b"]"
    run = run_file(reordered)
    assert (run.status, run.created, run.updated, run.unchanged) == (ImportRun.Status.SUCCEEDED, 0, 0, 3)
    after = list(CharityRecord.objects.order_by("pk").values())
    assert [{**row, "raw_hash": ""} for row in after] == [{**row, "raw_hash": ""} for row in before]
    assert set(CharityRecord.objects.values_list("raw_hash", flat=True)).isdisjoint(kept)
    # A charity that changes loses its old fingerprint, so its old bytes next month are read again, not taken as unchanged.
    changed = run_file(extract(dict(MONTH[0], latest_income=1), *MONTH[1:]))
    assert (changed.updated, changed.unchanged) == (1, 2)
    back = run_file(extract(*MONTH))
    assert (back.updated, back.unchanged) == (1, 2)
    assert str(CharityRecord.objects.get(registered_charity_number=1100001).latest_income) == "125000.00"


@pytest.mark.django_db
def test_a_file_cut_short_after_good_blocks_changes_nothing(monkeypatch):
    monkeypatch.setattr(register_json, "BLOCK_BYTES", 256)
    data = extract(*[charity(number) for number in range(1, 30)])
    run = run_file(data[:-100])
    assert run.status == ImportRun.Status.FAILED
    assert "The file is not valid JSON" in run.log
    assert not CharityRecord.objects.exists()
