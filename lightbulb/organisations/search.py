"""Register search: what a typed text matches, and in what order (ranked best first).

A text finds a record by
- its name or other names: every word, in any order, as the start of a word of the name ("comm cent"
  finds "Anytown Community Centre") or as a near-miss of a word of the name ("comunity centre",
  "hiltop"), accents, case and punctuation ignored (`search_key`); a word no name holds nor anything
  like it ("bnk") is left out while other words are left, so "riverside food bnk" still finds the food bank;
- an identifier in any common spelling ("1 234 567", "GB-CHC-1234567", "01234567", "1234567" for a
  company number);
- a postcode or the start of one, with or without its space, in any case.

A near-miss of a typed word (of at least `NEAR_MISS_MIN_LENGTH` letters) is a word some name holds
that is at least `NEAR_MISS` alike to it by pg_trgm's `word_similarity` (`word_similarity` here on SQLite). On
PostgreSQL the words names hold are kept in `organisations_search_word` (migration 0008: a trigger
adds the words of every name written, however it is written) and looked up by their trigram index;
on SQLite they are read from the names themselves.

Ranked: an exact identifier first, then an exact name, then names holding the text as typed (its words
in that order, the last perhaps unfinished), then every other match; within each, by name as the
register files it (`core.lists.name_sort_key`), then by number. Every rank is an index's order, so a page
(or a picker's ten) is read rank by rank (`RankedSearch`): a common word's best fifty are the first
fifty names along the name index that hold it, never a scoring of all its 60,000 matches. A search a page
counts (the planner expects few enough) reads its matches' numbers in rank order once instead
(`RankedSearch.ordered_keys`): the count and the page come from them. On
PostgreSQL the words use the full-text index (`to_tsvector('simple', search_key)`, migration 0004).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Case, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.db.models.query import ModelIterable

from lightbulb.core.lists import estimated_count, name_sort_key
from lightbulb.organisations.identifiers import looks_like_identifier, parse_identifier
from lightbulb.organisations.models import IdentifierScheme, Organisation, OrganisationIdentifier
from lightbulb.organisations.normalise import name_key, postcode_prefix

# How alike a word of a name must be to a typed word to count as its near-miss: pg_trgm's word
# similarity, at its default word_similarity_threshold (the `<%` operator's).
NEAR_MISS = 0.6
# Shorter words are too loose for near-misses ("at1" is like half the register).
NEAR_MISS_MIN_LENGTH = 4
# Records one identifier can name at most (duplicates hold the same one; more is a data problem).
IDENTIFIER_MATCHES = 100
# PostgreSQL: the words of the register's names (migration 0008).
WORDS_TABLE = "organisations_search_word"


def _trigrams(word: str) -> list[str]:
    padded = f"  {word} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def word_similarity(typed: str, word: str) -> float:
    """How alike a typed word is to the most alike run of a word's trigrams (0-1), as pg_trgm's `word_similarity`:
    "comm" is 0.8 like "community", "comunity" 0.73."""
    if not typed or not word:
        return 0.0
    wanted, grams = set(_trigrams(typed)), _trigrams(word)
    best = 0.0
    for start in range(len(grams)):
        run: set[str] = set()
        for gram in grams[start:]:
            run.add(gram)
            best = max(best, len(wanted & run) / len(wanted | run))
    return best


def identifier_matches(text: str) -> list[int]:
    """Ids of records holding the identifier the text reads as: the same value in any scheme, or one scheme for an Org-ID."""
    found = looks_like_identifier(text)
    if found is None:
        compact = re.sub(r"[\s.\-_/]", "", text or "")
        found = looks_like_identifier(compact) if compact.isdigit() else None
        text = compact
    if found is None:
        return []
    if text.strip().upper().startswith("GB"):
        matching = OrganisationIdentifier.objects.filter(scheme=found.scheme, value=found.value)
    else:
        values = {found.value}
        for scheme in IdentifierScheme.values:
            try:
                values.add(parse_identifier(text, scheme).value)
            except ValidationError:
                # A value one scheme cannot read is simply not a candidate there.
                continue
        matching = OrganisationIdentifier.objects.filter(value__in=sorted(values))
    return sorted(set(matching.values_list("organisation_id", flat=True)[:IDENTIFIER_MATCHES]))


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _near_pairs_postgres(typed: list[str], every: list[str]) -> list[tuple[str, str | None]]:
    with connection.cursor() as cursor:
        # `<%` is the trigram index's, at pg_trgm's default threshold; the explicit bound keeps NEAR_MISS in charge.
        # The second part names the typed words (of any length) some name holds the start of (`None`): words
        # are [a-z0-9]+ (name_key), so nothing in them is LIKE syntax.
        cursor.execute(
            f"SELECT typed, word FROM unnest(%s::text[]) AS typed JOIN {WORDS_TABLE} ON typed <%% word "  # noqa: S608 - a constant
            "WHERE word_similarity(typed, word) >= %s "
            f"UNION ALL SELECT typed, NULL FROM unnest(%s::text[]) AS typed WHERE EXISTS (SELECT 1 FROM {WORDS_TABLE} WHERE word LIKE typed || '%%') "
            "ORDER BY 1, 2",
            [typed, NEAR_MISS, every],
        )
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _near_pairs_sqlite(typed: list[str], every: list[str]) -> list[tuple[str, str | None]]:
    known = sorted({word for key in Organisation.objects.values_list("search_key", flat=True) for word in key.split()})
    pairs: list[tuple[str, str | None]] = [(word, other) for word in typed for other in known if word_similarity(word, other) >= NEAR_MISS]
    return pairs + [(word, None) for word in every if any(other.startswith(word) for other in known)]


@dataclass(frozen=True)
class NearMisses:
    """What the register holds like each typed word: its near-misses that do not start with it (the start of a
    word is matched anyway), which typed words no name holds at all, even as the start of a word, and which of
    those are not even like a word some name holds (`lost`: a misspelling too far from any word)."""

    words: dict[str, list[str]]
    unheld: frozenset[str]
    lost: frozenset[str] = frozenset()


def near_misses(words: list[str]) -> NearMisses:
    """For each typed word long enough, the words names hold that are near-misses of it (one query)."""
    every = sorted(set(words))
    typed = [word for word in every if len(word) >= NEAR_MISS_MIN_LENGTH]
    found: dict[str, list[str]] = {word: [] for word in typed}
    held: set[str] = set()
    if every:
        # A word that starts with the typed one is always among its near-misses (at least 0.8 alike).
        for word, other in _near_pairs_postgres(typed, every) if _postgres() else _near_pairs_sqlite(typed, every):
            if other is None or other.startswith(word):
                held.add(word)
            else:
                found[word].append(other)
    lost = frozenset(word for word in every if word not in held and not found.get(word))
    return NearMisses(found, frozenset(typed) - held, lost)


class _MatchesWords(Func):
    """PostgreSQL full-text match of the search key against a query, as the index org_search_fts reads it."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    arg_joiner = ") @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()


def _holds_word(word: str) -> Q:
    """The search key holds the word whole (SQLite)."""
    return Q(search_key=word) | Q(search_key__startswith=word + " ") | Q(search_key__endswith=" " + word) | Q(search_key__contains=f" {word} ")


def _words_q(key: str, near: NearMisses) -> Q:
    """Every word of the key as the start of a word of the search key, or as a near-miss of one of its words.

    A word no name holds, nor anything like it ("bnk" in "riverside food bnk"), is left out while a word with
    letters is left to find the name by: it could only empty the search. Numbers alone are not enough ("gb coh
    1123456", an identifier of the wrong register, must not find a name holding 1123456).
    """
    words = key.split()
    kept = [word for word in words if word not in near.lost]
    if any(not word.isdigit() for word in kept):
        words = kept
    if _postgres():
        # Words are [a-z0-9]+ (name_key): nothing in them is tsquery syntax.
        alternatives = ["(" + " | ".join([f"{word}:*", *near.words.get(word, [])]) + ")" for word in words]
        return Q(_MatchesWords("search_key", Value(" & ".join(alternatives))))
    condition = Q()
    for word in words:
        either = Q(search_key__startswith=word) | Q(search_key__contains=" " + word)
        for other in near.words.get(word, []):
            either |= _holds_word(other)
        condition &= either
    return condition


def _as_typed_q(key: str) -> Q:
    """The search key holds the text as typed: its words in that order, from the start of a word."""
    return Q(search_key__startswith=key) | Q(search_key__contains=" " + key)


def search_condition(text: str, identifier_ids: list[int], near: NearMisses | None = None) -> Q:
    """What a record must match to be found by the text (the identifier matches and near-misses looked up beforehand)."""
    key = name_key(text)
    condition = Q(pk__in=identifier_ids) if identifier_ids else Q(pk__in=[])
    if key:
        condition |= _words_q(key, near if near is not None else near_misses(key.split()))
    prefix = postcode_prefix(text)
    if prefix:
        condition |= Q(postcode__startswith=prefix)
    return condition


@dataclass(frozen=True)
class Ranking:
    """The ranks of a search as conditions on its matches, disjoint and best first; the first `small` are
    few records by their own indexes (an identifier's holders, an exact name)."""

    tiers: tuple[Q, ...]
    small: int


def _ranking(key: str, identifier_ids: list[int], near: NearMisses) -> tuple[list[Q], Ranking]:
    """What puts a match in each rank above the last (the last is every other match), and the ranks as tiers."""
    ranks = [Q(pk__in=identifier_ids)] if identifier_ids else []
    if key:
        ranks.append(Q(name_key=key))
    small = len(ranks)
    # A word typed that no name holds (a misspelling) leaves no name holding the text as typed.
    if " " in key and not near.unheld:
        ranks.append(_as_typed_q(key))
    tiers: list[Q] = []
    better: Q | None = None
    for rank in ranks:
        tiers.append(rank & ~better if better is not None else rank)
        better = rank if better is None else better | rank
    tiers.append(~better if better is not None else Q())
    return ranks, Ranking(tuple(tiers), small)


FILING_ORDER = (name_sort_key("name"), "pk")
# The same order, in a form no index gives: a rank with fewer records is sorted rather than walked.
SORTED_FILING_ORDER = (Concat(name_sort_key("name"), Value("")), "pk")
# A rank of about this many records or more is read along the name index (it holds one name in twenty
# or more: fifty of them are a few hundred steps along it); fewer are found by the full-text index and sorted.
WALKED_FROM = 20_000


def _rank_keys(base: QuerySet[Organisation], tier: Q, *, small: bool) -> QuerySet[Any]:
    """A rank's record numbers in filing order, read the way its size calls for."""
    records = base.filter(tier)
    if small:
        return records.order_by(*FILING_ORDER).values_list("pk", flat=True)
    estimate = estimated_count(records)
    order = FILING_ORDER if estimate is not None and estimate >= WALKED_FROM else SORTED_FILING_ORDER
    return records.order_by(*order).values_list("pk", flat=True)


def _tier_ids(base: QuerySet[Organisation], ranking: Ranking, low: int, high: int | None) -> list[int]:
    """The numbers of the records from `low` to `high` in rank order, reading each rank in filing order."""
    ids: list[int] = []
    skip = low
    for number, tier in enumerate(ranking.tiers):
        wanted = None if high is None else high - low - len(ids)
        if wanted is not None and wanted <= 0:
            break
        # The identifier's and the exact name's records are few, by their own indexes; the others may be many.
        keys = _rank_keys(base, tier, small=number < ranking.small)
        found = list(keys[skip : None if wanted is None else skip + wanted])
        if skip and not found:
            # The whole rank comes before the slice: the next starts that much nearer.
            skip -= keys.count()
        else:
            skip = 0
        ids += found
    return ids


class RankedSearch(QuerySet[Organisation, Organisation]):
    """A search's records best first. The SQL order is the reference (downloads read it); a slice (a page, a
    picker's suggestions) is read rank by rank instead, each along the name index, and comes out the same.
    A sort by a column (`order_by`) leaves the ranking behind."""

    ranking: Ranking | None = None
    # Pagination reads its pages as slices of it, never keys first (`core.lists`).
    reads_its_own_slices = True
    # Pagination asks PostgreSQL's estimate first and takes a large one as it is: counting what a common word finds
    # ("community": 66,000 of 400,000) first gathered every match from the index, 14 ms of a 50 ms search.
    estimate_first = True
    # The first numbers of the matches in rank order and whether they are all of them (`ordered_keys`), kept for
    # this search's slices only: a filter or a sort makes another search.
    _keys: tuple[list[int], bool] | None = None

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]  # a private method the stubs leave out
        clone.ranking = self.ranking
        return clone

    def __getitem__(self, k: Any) -> Any:
        found = super().__getitem__(k)
        if isinstance(found, RankedSearch):
            found._keys = self._keys
        return found

    def ordered_keys(self, limit: int) -> list[int] | None:
        """The numbers of the first `limit` matches in rank order, by one query, kept for this search's slices
        (None once sorted by a column). Pagination counts them when the planner expects few enough to count: then
        every match is gathered to be counted and sorted to be ranked anyway, and one sorted read of their numbers
        does both ("comunity centre" at national scale: 19 ms for a count and the ranks' reads, against 9)."""
        if self.ranking is None:
            return None
        everything = self._clone()
        everything.query.clear_limits()
        keys = list(everything.values_list("pk", flat=True)[:limit])
        self._keys = (keys, len(keys) < limit)
        return keys

    def order_by(self, *field_names: Any) -> Any:
        clone = super().order_by(*field_names)
        clone.ranking = None
        return clone

    def _fetch_all(self) -> None:
        if self._result_cache is None and self.ranking is not None and self._iterable_class is ModelIterable:  # type: ignore[has-type]
            self._result_cache = self._fetch_ranked()  # type: ignore[assignment]  # the stubs leave its rows generic here
        super()._fetch_all()  # type: ignore[misc]  # a private method the stubs leave out

    def _fetch_ranked(self) -> list[Organisation]:
        base = self._clone()
        base.ranking = None
        base.query.clear_limits()
        base.query.clear_ordering(force=True)
        assert self.ranking is not None
        low, high = self.query.low_mark, self.query.high_mark
        if self._keys is not None and (self._keys[1] or (high is not None and high <= len(self._keys[0]))):
            ids = self._keys[0][low:high]
        else:
            ids = _tier_ids(base, self.ranking, low, high)
        # The rows themselves by number; what they prefetch is fetched once, for the whole slice, by _fetch_all.
        by_pk = {record.pk: record for record in base.filter(pk__in=ids).prefetch_related(None)}
        return [by_pk[pk] for pk in ids if pk in by_pk]


def search(organisations: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """The records the text finds, best first: exact identifier, exact name, the text as typed, then the rest; each by name."""
    identifier_ids = identifier_matches(text)
    key = name_key(text)
    near = near_misses(key.split())
    condition = search_condition(text, identifier_ids, near)
    ranks, ranking = _ranking(key, identifier_ids, near)
    rank = Case(*[When(rank_q, then=Value(number)) for number, rank_q in enumerate(ranks)], default=Value(len(ranks)), output_field=IntegerField())
    ordered = organisations.filter(condition).annotate(search_rank=rank).order_by("search_rank", *FILING_ORDER)
    found = RankedSearch(model=Organisation, query=ordered.query.chain(), using=ordered.db)
    # What the records given prefetch, the records found prefetch too.
    found._prefetch_related_lookups = getattr(organisations, "_prefetch_related_lookups", ())  # type: ignore[attr-defined]
    found.ranking = ranking
    return found
