"""Register search: what a typed text matches, and in what order (ranked best first).

A text finds a record by
- its name or other names: every word, in any order, as the start of a word of the name ("comm cent"
  finds "Anytown Community Centre"), accents, case and punctuation ignored (`search_key`);
- a near-miss of the name ("comunity centre"): trigram word similarity at least `NEAR_MISS`;
- an identifier in any common spelling ("1 234 567", "GB-CHC-1234567", "01234567", "1234567" for a
  company number);
- a postcode or the start of one, with or without its space, in any case.

Ranked: an exact identifier first, then an exact name, then the closest name (word similarity), then
by name. On PostgreSQL the words use the full-text index and the near-misses the trigram index that
migration 0004 creates (pg_trgm); SQLite has the same matches through `LIKE` and a registered
`lightbulb_word_similarity` function computing the same kind of trigram similarity in Python.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, Case, F, FloatField, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.lookups import GreaterThanOrEqual

from lightbulb.organisations.identifiers import looks_like_identifier, parse_identifier
from lightbulb.organisations.models import IdentifierScheme, Organisation, OrganisationIdentifier
from lightbulb.organisations.normalise import name_key, postcode_prefix

# pg_trgm's default word_similarity_threshold: a near-miss must share this much of its trigrams.
NEAR_MISS = 0.6
# Shorter texts are too loose for near-misses ("at1" is like half the register).
NEAR_MISS_MIN_LENGTH = 4
# Records one identifier can name at most (duplicates hold the same one; more is a data problem).
IDENTIFIER_MATCHES = 100
SQLITE_SIMILARITY = "lightbulb_word_similarity"


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _text_trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        grams |= _trigrams(word)
    return grams


def word_similarity(query: str | None, text: str | None) -> float:
    """How alike the query is to the most alike run of whole words in the text (0-1), like pg_trgm's word_similarity."""
    wanted = _text_trigrams(query or "")
    words = (text or "").split()
    if not wanted or not words:
        return 0.0
    width = len((query or "").split()) + 1
    best = 0.0
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + width) + 1):
            grams = _text_trigrams(" ".join(words[start:end]))
            best = max(best, len(wanted & grams) / len(wanted | grams))
    return best


def _register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_SIMILARITY, 2, word_similarity, deterministic=True)


def connect() -> None:
    """Give every new SQLite connection the similarity function (called from registrations.register())."""
    connection_created.connect(_register_sqlite_functions, dispatch_uid="organisations.search.sqlite")
    if connection.vendor == "sqlite" and connection.connection is not None:
        _register_sqlite_functions(None, connection)


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


class _MatchesWords(Func):
    """PostgreSQL full-text match of the search key against a prefix query, as the index org_search_fts reads it."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    arg_joiner = ") @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()


class _NearMiss(Func):
    """pg_trgm's `<%`: the query's word similarity to the search key is over the threshold (the trigram index answers it)."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


class _WordSimilarity(Func):
    """How alike the query is to the closest run of words of the search key (0-1)."""

    function = "word_similarity"
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_SIMILARITY, **extra_context)


def _words_q(key: str) -> Q:
    """Every word of the key as the start of a word of the search key."""
    words = key.split()
    if _postgres():
        return Q(_MatchesWords(F("search_key"), Value(" & ".join(f"{word}:*" for word in words))))
    condition = Q()
    for word in words:
        condition &= Q(search_key__startswith=word) | Q(search_key__contains=" " + word)
    return condition


def _similarity(key: str) -> _WordSimilarity:
    return _WordSimilarity(Value(key), F("search_key"))


def _near_miss_q(key: str) -> Q:
    if _postgres():
        return Q(_NearMiss(Value(key), F("search_key")))
    return Q(GreaterThanOrEqual(_similarity(key), NEAR_MISS))


def search_condition(text: str, identifier_ids: list[int]) -> Q:
    """What a record must match to be found by the text (the identifier matches looked up beforehand)."""
    key = name_key(text)
    condition = Q(pk__in=identifier_ids) if identifier_ids else Q(pk__in=[])
    if key:
        condition |= _words_q(key)
        if len(key.replace(" ", "")) >= NEAR_MISS_MIN_LENGTH and postcode_prefix(text) is None:
            condition |= _near_miss_q(key)
    prefix = postcode_prefix(text)
    if prefix:
        condition |= Q(postcode__startswith=prefix)
    return condition


def search(organisations: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """The records the text finds, best first: exact identifier, exact name, closest name, then by name."""
    identifier_ids = identifier_matches(text)
    key = name_key(text)
    found = organisations.filter(search_condition(text, identifier_ids))
    rank = Case(
        When(pk__in=identifier_ids, then=Value(0)),
        When(name_key=key, then=Value(1)) if key else When(pk__in=[], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    similarity = _similarity(key) if key else Value(0.0, output_field=FloatField())
    return found.annotate(search_rank=rank, search_similarity=similarity).order_by("search_rank", "-search_similarity", "name", "pk")
