"""The same purpose funded twice: two of an organisation's agreements, running at the same time, for the same purpose.

Agreements that are planned, approved, awarded or running, whose terms overlap and whose purpose
(or title), compared letters and digits only, is the same. Other funders' grants are not compared yet.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict

from lightbulb.engagement.flags import Finding, Scope, agreement_link, day, scoped

ACTIVE = ("planned", "approved", "awarded", "live", "under_review", "extended")


def normalised(text: str) -> str:
    """Letters and digits only, lower case, accents dropped ("Café!" and "cafe" are the same)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def find(scope: Scope, today: datetime.date) -> list[Finding]:
    from lightbulb.funding.models import Agreement

    agreements = scoped(Agreement.objects.filter(status__in=ACTIVE, end_date__gte=today, archived_at__isnull=True), scope)
    by_organisation: dict[int, list[tuple[int, str, str, str, datetime.date, datetime.date]]] = defaultdict(list)
    rows = agreements.order_by("start_date", "pk").values_list("pk", "organisation_id", "reference", "title", "purpose", "start_date", "end_date")
    for pk, organisation_id, reference, title, purpose, start, end in rows:
        by_organisation[organisation_id].append((pk, reference, normalised(title), normalised(purpose), start, end))
    findings = []
    for organisation_id, items in by_organisation.items():
        for index, first in enumerate(items):
            for second in items[index + 1 :]:
                same = (first[3] and first[3] == second[3]) or (first[2] and first[2] == second[2])
                if not same or second[4] > first[5]:
                    continue
                reason = (
                    f"Agreements {first[1]} and {second[1]} fund the same purpose at the same time "
                    f"({day(second[4])} to {day(min(first[5], second[5]))}): check the work is not paid for twice."
                )
                evidence = [agreement_link(first[0], first[1]), agreement_link(second[0], second[1])]
                findings.append(
                    Finding(organisation_id, "same_purpose", reason, evidence, key=f"agreements:{first[0]}-{second[0]}", facts=[first[0], second[0]])
                )
    return findings
