"""Reading the register's JSON extract a block at a time, and knowing an unchanged charity by its bytes.

The extract is one array of flat objects. It is read a megabyte or so at a time and split where
one object ends and the next begins (`}`, a comma, `{`). Each object's bytes, less its leading
`date_of_extract`, have a fingerprint (SHA-1): an object whose fingerprint is that of a charity
kept last month is unchanged, and is only counted. The other objects of the block are parsed
together by orjson and checked together (register_columns).

A split is never trusted unread: an object whose fingerprint is known has exactly the bytes of an
object that was read, whole, before; the others are parsed as one array of exactly as many objects
as there are pieces, which only holds if every split was between objects (a string holding `},{`
joins two pieces into one object). If a block does not hold (a string with `},{` in it, an object
in an object, a damaged or cut-short file), the rest of the file from that block on is read by
ijson a row at a time, with the same row numbers, checks and messages.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from typing import IO, Any

import orjson

from lightbulb.imports import register_columns
from lightbulb.imports import register_load as load

BLOCK_BYTES = 1 << 20
# An object longer than this without a split in sight is left to ijson (memory stays bounded).
LONGEST_OBJECT = 16 << 20
_SPACE = b" \t\r\n"
_WS = rb"[ \t\r\n]*"
_OPEN = re.compile(rb"(?:\xef\xbb\xbf)?" + _WS + rb"\[" + _WS + rb"\{")
_BETWEEN = re.compile(rb"\}" + _WS + rb"," + _WS + rb"\{")
_EXTRACT_DATE = re.compile(_WS + rb'"date_of_extract"' + _WS + rb":" + _WS + rb'(?:"([0-9T:. -]{10,26})"|null)' + _WS + rb",")


class NotWhole(Exception):
    """The file from `offset` (the first byte of an object, or 0 for the whole file) is read by ijson instead."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def _blocks(handle: IO[bytes]) -> Any:
    """(file offset of the block's first object's `{`, the bytes inside each object's braces), a block at a time."""
    buffer = handle.read(BLOCK_BYTES)
    opened = _OPEN.match(buffer)
    if opened is None:
        raise NotWhole(0)
    start = opened.end() - 1
    buffer = buffer[opened.end() :]
    while more := handle.read(BLOCK_BYTES):
        buffer += more
        pieces = _BETWEEN.split(buffer)
        if len(pieces) == 1:
            if len(buffer) > LONGEST_OBJECT:
                raise NotWhole(start)
            continue
        rest = pieces.pop()
        yield start, pieces
        start += len(buffer) - len(rest)
        buffer = rest
    yield start, _BETWEEN.split(_closed(buffer, start))


def _closed(buffer: bytes, start: int) -> bytes:
    """The last objects' bytes without the closing `}` and `]` (a file cut short has none)."""
    tail = buffer.rstrip(_SPACE)
    if not tail.endswith(b"]"):
        raise NotWhole(start)
    tail = tail[:-1].rstrip(_SPACE)
    if not tail.endswith(b"}"):
        raise NotWhole(start)
    return tail[:-1]


class Fingerprints:
    """SHA-1 of an object's bytes without a leading, valid `date_of_extract` (it changes every month; nothing else may)."""

    def __init__(self) -> None:
        self.head = b""
        self.dates: dict[bytes, bool] = {}

    def of(self, pieces: list[bytes]) -> list[bytes]:
        sha1 = hashlib.sha1
        head = self.head
        size = len(head)
        prints = []
        for piece in pieces:
            if not (size and piece.startswith(head)):
                head = self.head_of(piece)
                size = len(head)
            prints.append(sha1(piece[size:] if size else piece, usedforsecurity=False).digest())
        return prints

    def head_of(self, piece: bytes) -> bytes:
        """The leading `"date_of_extract": "…",` (kept for the next objects, which mostly share it), or b"" if there is none."""
        found = _EXTRACT_DATE.match(piece)
        if found is None:
            return b""
        date = found.group(1)
        if date is not None and not self.dates.setdefault(date, _is_date(date)):
            return b""
        self.head = piece[: found.end()]
        return self.head


def _is_date(text: bytes) -> bool:
    try:
        datetime.date.fromisoformat(text[:10].decode())
    except ValueError:
        return False
    return True


def _parsed(pieces: list[bytes], start: int) -> tuple[list[Any], bool]:
    """The pieces parsed as objects (or NotWhole unless each is exactly one object), and whether their bytes hold no backslash.

    JSON writes a tab, a line break or a backslash in a string only as an escape (orjson refuses them
    bare), so objects without a backslash hold no text that COPY needs escaped."""
    if not pieces:
        return [], True
    data = b"[{" + b"},{".join(pieces) + b"}]"
    try:
        rows = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise NotWhole(start) from None
    if len(rows) != len(pieces):
        raise NotWhole(start)
    return rows, b"\\" not in data


class BlockReader:
    """The register's JSON extract as blocks of staging lines; rows with a known fingerprint are counted, not staged."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.fingerprints = Fingerprints()
        self.seen: set[int] = set()

    def __call__(self, staged: load.Staged, known: dict[bytes, int], progress: load.Progress, position: Callable[[], float]) -> load.Lines:
        tick = load.Ticker(progress, position)
        try:
            for start, pieces in _blocks(self.handle):
                yield self.block(pieces, start, staged, known)
                tick(staged.rows)
        except NotWhole as rest:
            yield from register_columns.row_lines(load.json_items(_From(self.handle, rest.offset)), staged, progress, position, self.seen)

    def block(self, pieces: list[bytes], start: int, staged: load.Staged, known: dict[bytes, int]) -> list[str]:
        """One block's lines: nothing is counted, kept or rejected until every piece in it is known to be one whole object."""
        prints = self.fingerprints.of(pieces)
        keys = [known.get(fingerprint) for fingerprint in prints]
        rows, plain = _parsed([piece for piece, key in zip(pieces, keys, strict=True) if key is None], start)
        return register_columns.block_lines(rows, prints, keys, staged, self.seen, lambda index: orjson.loads(b"{" + pieces[index] + b"}"), plain=plain)


class _From:
    """The file from an object's `{` on, read as a JSON array by ijson (or the whole file, byte-order mark and all, from 0)."""

    def __init__(self, handle: IO[bytes], offset: int) -> None:
        handle.seek(offset)
        if offset == 0 and handle.read(3) != b"\xef\xbb\xbf":
            handle.seek(0)
        self.handle = handle
        self.opening = b"[" if offset else b""

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if self.opening:
            opening, self.opening = self.opening, b""
            return opening
        return self.handle.read(size)
