"""Which organisation on the register a funder's recipient is.

By identifier first (the recipient's Org-ID, charity number or company number held by one live
organisation): certain, so linked at once. Otherwise by name: the most alike live organisation,
if alike enough, is proposed for an officer to confirm or reject.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from lightbulb.grants.models import Grant, MatchMethod, MatchStatus
from lightbulb.organisations.models import Organisation, OrganisationIdentifier, OrganisationStatus
from lightbulb.organisations.normalise import name_key

# Names at least this alike (0-100, word order aside) are proposed; below it a grant stays unmatched.
PROPOSE_AT = 88
# At the recipient's own postcode a slightly less alike name is still worth an officer's look.
PROPOSE_AT_SAME_POSTCODE = 80


@dataclass(frozen=True)
class Match:
    organisation_id: int
    status: str
    method: str
    score: int | None = None


def _live() -> Iterable[Organisation]:
    return Organisation.objects.filter(archived_at__isnull=True).exclude(status=OrganisationStatus.MERGED)


def recipient_identifiers(grant: Grant) -> list[tuple[str, str, str]]:
    """(scheme, value, method) the recipient gave, most certain first."""
    found: list[tuple[str, str, str]] = []
    org_id = (grant.recipient_org_id or "").strip().upper()
    for scheme in ("GB-CHC", "GB-COH", "GB-SC", "GB-NIC", "GB-MPR"):
        if org_id.startswith(scheme + "-"):
            value = org_id[len(scheme) + 1 :].replace(" ", "")
            found.append((scheme, value.zfill(8) if scheme == "GB-COH" and value.isdigit() else value, MatchMethod.ORG_ID))
    charity = (grant.recipient_charity_number or "").strip().replace(" ", "")
    if charity:
        found.append(("GB-CHC", charity, MatchMethod.CHARITY_NUMBER))
    company = (grant.recipient_company_number or "").strip().replace(" ", "").upper()
    if company:
        found.append(("GB-COH", company.zfill(8) if company.isdigit() else company, MatchMethod.COMPANY_NUMBER))
    return found


def _holders(grants: list[Grant]) -> dict[tuple[str, str], set[int]]:
    values = {value for grant in grants for _, value, _ in recipient_identifiers(grant)}
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    live_ids = _live().values("pk")  # type: ignore[attr-defined]
    rows = OrganisationIdentifier.objects.filter(value__in=values, organisation_id__in=live_ids).values_list("scheme", "value", "organisation_id")
    for scheme, value, organisation_id in rows:
        holders[(scheme, value)].add(organisation_id)
    return holders


class NameIndex:
    """Live organisations' name keys, for proposing a match by name."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.keys: list[str] = []
        self.postcodes: list[str] = []
        for pk, name, postcode in _live().values_list("pk", "name", "postcode"):  # type: ignore[attr-defined]
            self.ids.append(pk)
            self.keys.append(name_key(name))
            self.postcodes.append((postcode or "").replace(" ", "").upper())

    def best(self, name: str, postcode: str = "", limit: int = 1) -> list[tuple[int, int]]:
        """(organisation id, score) for the most alike names, best first."""
        key = name_key(name)
        if not key or not self.keys:
            return []
        found = process.extract(key, self.keys, scorer=fuzz.token_sort_ratio, limit=max(limit, 5), score_cutoff=50)
        wanted = postcode.replace(" ", "").upper()
        scored = []
        for _, score, index in found:
            bonus = 8 if wanted and self.postcodes[index] == wanted else 0
            scored.append((self.ids[index], min(100, round(score) + bonus)))
        return sorted(scored, key=lambda pair: -pair[1])[:limit]


def _by_identifier(grant: Grant, holders: dict[tuple[str, str], set[int]]) -> Match | None:
    for scheme, value, method in recipient_identifiers(grant):
        ids = holders.get((scheme, value), set())
        if len(ids) == 1:
            return Match(organisation_id=next(iter(ids)), status=MatchStatus.CONFIRMED, method=method)
    return None


def _by_name(grant: Grant, names: NameIndex) -> Match | None:
    if not grant.recipient_name or grant.to_individual:
        return None
    best = names.best(grant.recipient_name, grant.recipient_postcode)
    if not best:
        return None
    organisation_id, score = best[0]
    threshold = PROPOSE_AT_SAME_POSTCODE if grant.recipient_postcode else PROPOSE_AT
    if score < threshold:
        return None
    return Match(organisation_id=organisation_id, status=MatchStatus.PROPOSED, method=MatchMethod.NAME, score=score)


def match_grants(grants: list[Grant]) -> list[Grant]:
    """Set each grant's match from the register as it is; returns the grants whose match changed."""
    if not grants:
        return []
    holders = _holders(grants)
    names: NameIndex | None = None
    changed = []
    for grant in grants:
        if grant.to_individual:
            continue
        match = _by_identifier(grant, holders)
        if match is None:
            names = names or NameIndex()
            match = _by_name(grant, names)
        before = (grant.organisation_id, grant.match_status, grant.match_method, grant.match_score)
        if match is None:
            grant.organisation_id, grant.match_status, grant.match_method, grant.match_score = None, MatchStatus.UNMATCHED, MatchMethod.NONE, None
        else:
            grant.organisation_id, grant.match_status, grant.match_method, grant.match_score = match.organisation_id, match.status, match.method, match.score
        if before != (grant.organisation_id, grant.match_status, grant.match_method, grant.match_score):
            changed.append(grant)
    return changed
