"""The permission matrix: every named route × every role → the expected outcome.

A route added to the URLconf without a row here fails `test_every_route_has_a_row`.
Outcomes: a status code, or LOGIN (redirect to sign-in). Keys of `expect`:
"anon", each role in lightbulb.core.roles.Role, and "vcs_other" (a `vcs` user
who is a member of a different organisation). GET requests only; POST-only
routes list 405 for those allowed in and are probed separately in their
modules' tests.

`kwargs` takes the World (tests/security/world.py) and returns URL kwargs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"
ALL = ("anon", "officer", "councillor", "investigator", "admin", "staff", "vcs", "vcs_other")


@dataclass(frozen=True)
class Route:
    expect: dict[str, Any]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    query: str = ""


def everyone(status: int = 200) -> dict[str, Any]:
    return dict.fromkeys(ALL, status)


def only(*roles: str, ok: int = 200, others: int = 403) -> dict[str, Any]:
    """Signed-out users go to sign-in; `roles` get `ok`; other signed-in users get `others`."""
    expected: dict[str, Any] = {"anon": LOGIN}
    for who in ALL[1:]:
        role = "vcs" if who == "vcs_other" else who
        expected[who] = ok if role in roles else others
    return expected


def signed_in(status: int = 200) -> dict[str, Any]:
    return {"anon": LOGIN, **dict.fromkeys(ALL[1:], status)}


REGISTER_READERS = ("officer", "councillor", "investigator", "admin")
# Administrators keep settings, users and imports, not the funding relationship (lightbulb/funding/rules.py).
FUNDING_READERS = ("officer", "councillor", "investigator")

ROUTES: dict[str, Route] = {
    # core
    "core:home": Route(everyone()),
    "core:healthz": Route(everyone()),
    "core:accessibility": Route(everyone()),
    "core:privacy": Route(everyone()),
    "core:message_letter": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["message"].pk}),
    # core: everyone's deadlines calendar, gathered from every module's deadline sources
    "core:calendar": Route(signed_in()),
    "core:calendar_reset": Route(signed_in(405)),
    # The token is the credential: anyone holding it reads the feed.
    "core:calendar_feed": Route(everyone(), kwargs=lambda w: {"token": w.extra["calendar_token"]}),
    # The addresses from when the calendar lived in funding: the page redirects, the subscribed feed still answers.
    "core:legacy_calendar": Route(everyone(301)),
    "core:legacy_calendar_feed": Route(everyone(), kwargs=lambda w: {"token": w.extra["calendar_token"]}),
    # accounts
    "accounts:sign_in": Route({"anon": 200, **dict.fromkeys(ALL[1:], 302)}),
    "accounts:sign_out": Route(everyone(405)),
    "accounts:sign_up": Route({"anon": 200, **dict.fromkeys(ALL[1:], 302)}),
    "accounts:two_factor": Route(signed_in()),
    "accounts:password_reset": Route(everyone()),
    "accounts:password_reset_confirm": Route(everyone(400), kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}),
    "accounts:account": Route(signed_in()),
    "accounts:user_list": Route(only("admin")),
    "accounts:user_create": Route(only("admin")),
    "accounts:user_detail": Route(only("admin"), kwargs=lambda w: {"pk": w.users["staff"].pk}),
    "accounts:user_edit": Route(only("admin"), kwargs=lambda w: {"pk": w.users["staff"].pk}),
    "accounts:user_two_factor_reset": Route(only("admin"), kwargs=lambda w: {"pk": w.users["staff"].pk}),
    "accounts:user_history": Route(only("admin"), kwargs=lambda w: {"pk": w.users["staff"].pk}),
    # organisations: the register
    "organisations:list": Route(only(*REGISTER_READERS)),
    "organisations:create": Route(only("officer")),
    "organisations:detail": Route(only(*REGISTER_READERS), kwargs=lambda w: {"pk": w.organisation.pk}),
    "organisations:edit": Route(only("officer"), kwargs=lambda w: {"pk": w.organisation.pk}),
    "organisations:history": Route(only(*REGISTER_READERS), kwargs=lambda w: {"pk": w.organisation.pk}),
    "organisations:archive": Route(only("officer"), kwargs=lambda w: {"pk": w.organisation.pk}),
    "organisations:identifier_add": Route(only("officer"), kwargs=lambda w: {"pk": w.organisation.pk}),
    "organisations:identifier_remove": Route(only("officer"), kwargs=lambda w: {"pk": w.organisation.pk, "identifier_pk": w.extra["identifier"].pk}),
    "organisations:contact_add": Route(only("officer"), kwargs=lambda w: {"pk": w.organisation.pk}),
    "organisations:contact_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.organisation.pk, "contact_pk": w.extra["contact"].pk}),
    # Erasing personal data is also an administrator's duty (PRODUCT.md §3).
    "organisations:contact_erase": Route(only("officer", "admin"), kwargs=lambda w: {"pk": w.organisation.pk, "contact_pk": w.extra["contact"].pk}),
    "organisations:duplicates": Route(only("officer")),
    "organisations:duplicate_dismiss": Route(only("officer"), kwargs=lambda w: {"first": w.organisation.pk, "second": w.other_organisation.pk}),
    "organisations:merge": Route(only("officer"), kwargs=lambda w: {"first": w.organisation.pk, "second": w.other_organisation.pk}),
    "organisations:merge_undo": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["merge"].pk}),
    "organisations:areas": Route(only("officer")),
    "organisations:area_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["area"].pk}),
    # organisations: the VCS portal and the claims officers verify
    "organisations:portal_home": Route(only("vcs")),
    "organisations:portal_claim_start": Route(only("vcs")),
    "organisations:portal_claim": Route(only("vcs"), kwargs=lambda w: {"pk": w.extra["unclaimed_organisation"].pk}),
    "organisations:portal_propose": Route(only("vcs")),
    # Nothing to check yet, so back to the proposal form.
    "organisations:portal_propose_check": Route(only("vcs", ok=302)),
    "organisations:portal_organisation": Route({**only("vcs"), "vcs_other": 404}, kwargs=lambda w: {"pk": w.organisation.pk}),
    "organisations:portal_profile_edit": Route({**only("vcs"), "vcs_other": 404}, kwargs=lambda w: {"pk": w.organisation.pk}),
    "organisations:claims_list": Route(only("officer")),
    "organisations:claims_detail": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["claim"].pk}),
    "organisations:claims_decide": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["claim"].pk}),
    "organisations:profile_changes": Route(only("officer")),
    "organisations:profile_change_review": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["profile_change"].pk}),
    # places
    "places:ward_list": Route(only(*REGISTER_READERS)),
    "places:ward_create": Route(only("officer", "admin")),
    "places:ward_detail": Route(only(*REGISTER_READERS), kwargs=lambda w: {"pk": w.extra["ward"].pk}),
    "places:ward_edit": Route(only("officer", "admin"), kwargs=lambda w: {"pk": w.extra["ward"].pk}),
    "places:ward_history": Route(only(*REGISTER_READERS), kwargs=lambda w: {"pk": w.extra["ward"].pk}),
    "places:councillor_list": Route(only(*REGISTER_READERS)),
    "places:councillor_create": Route(only("officer", "admin")),
    "places:councillor_edit": Route(only("officer", "admin"), kwargs=lambda w: {"pk": w.extra["councillor"].pk}),
    "places:councillor_history": Route(only(*REGISTER_READERS), kwargs=lambda w: {"pk": w.extra["councillor"].pk}),
    "places:locality_list": Route(only(*REGISTER_READERS)),
    "places:locality_create": Route(only("officer", "admin")),
    "places:locality_edit": Route(only("officer", "admin"), kwargs=lambda w: {"pk": w.extra["locality"].pk}),
    "places:locality_history": Route(only(*REGISTER_READERS), kwargs=lambda w: {"pk": w.extra["locality"].pk}),
    "places:council_settings": Route(only("admin")),
    "places:postcode_lookup": Route(only(*REGISTER_READERS)),
    # imports: tests/security/routes_imports.py
    # funding: agreements and proportionality tiers
    "funding:agreement_list": Route(only(*FUNDING_READERS)),
    "funding:spend": Route(only(*FUNDING_READERS)),
    "funding:agreement_create": Route(only("officer")),
    "funding:agreement_detail": Route(only(*FUNDING_READERS), kwargs=lambda w: {"pk": w.extra["agreement"].pk}),
    "funding:agreement_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["agreement"].pk}),
    "funding:agreement_history": Route(only(*FUNDING_READERS), kwargs=lambda w: {"pk": w.extra["agreement"].pk}),
    "funding:agreement_vary": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["returns_agreement"].pk}),
    "funding:agreement_transition": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["other_agreement"].pk}),
    "funding:condition_add": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["agreement"].pk}),
    "funding:condition_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["agreement"].pk, "condition_pk": w.extra["condition"].pk}),
    "funding:condition_remove": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["agreement"].pk, "condition_pk": w.extra["condition"].pk}),
    "funding:due_diligence": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["agreement"].pk}),
    "funding:tier_list": Route(only("admin")),
    "funding:tier_create": Route(only("admin")),
    "funding:tier_edit": Route(only("admin"), kwargs=lambda w: {"pk": w.extra["tier"].pk}),
    # funding: monitoring returns, payments and the portal's returns
    "funding:return_list": Route(only(*FUNDING_READERS)),
    "funding:return_detail": Route(only(*FUNDING_READERS), kwargs=lambda w: {"pk": w.extra["due_return"].pk}),
    "funding:return_review": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["submitted_return"].pk}),
    "funding:return_record": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["due_return"].pk}),
    "funding:return_attachment": Route(
        only("officer", "investigator"), kwargs=lambda w: {"pk": w.extra["submitted_return"].pk, "attachment_pk": w.extra["return_attachment"].pk}
    ),
    "funding:agreement_returns": Route(only(*FUNDING_READERS), kwargs=lambda w: {"pk": w.extra["returns_agreement"].pk}),
    "funding:agreement_returns_schedule": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["returns_agreement"].pk}),
    "funding:portal_returns": Route(only("vcs")),
    "funding:portal_return": Route({**only("vcs"), "vcs_other": 404}, kwargs=lambda w: {"pk": w.extra["due_return"].pk}),
    "funding:portal_attachment": Route(
        {**only("vcs"), "vcs_other": 404}, kwargs=lambda w: {"pk": w.extra["submitted_return"].pk, "attachment_pk": w.extra["return_attachment"].pk}
    ),
    "funding:payment_list": Route(only(*FUNDING_READERS)),
    "funding:payment_detail": Route(only(*FUNDING_READERS), kwargs=lambda w: {"pk": w.extra["scheduled_payment"].pk}),
    "funding:payment_paid": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["scheduled_payment"].pk}),
    "funding:payment_hold": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["scheduled_payment"].pk}),
    "funding:payment_invoice": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["scheduled_payment"].pk}),
    "funding:payment_release": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["scheduled_payment"].pk}),
    "funding:payment_claw_back": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["paid_payment"].pk}),
    "funding:agreement_payments": Route(only(*FUNDING_READERS), kwargs=lambda w: {"pk": w.extra["returns_agreement"].pk}),
    "funding:agreement_payments_schedule": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["returns_agreement"].pk}),
    "funding:agreement_milestone_add": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["returns_agreement"].pk}),
    # funding: decommissioning and the organisation's notice
    "funding:decommission_reasons": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["decommission_agreement"].pk}),
    "funding:decommission_impact": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["decommission_agreement"].pk}),
    "funding:decommission_exit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["decommission_agreement"].pk}),
    "funding:decommission_notice": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["decommission_agreement"].pk}),
    # With no answers yet, the check page sends the officer back to the first page.
    "funding:decommission_check": Route(only("officer", ok=302), kwargs=lambda w: {"pk": w.extra["decommission_agreement"].pk}),
    "funding:decommissioning_detail": Route(only(*FUNDING_READERS), kwargs=lambda w: {"pk": w.extra["decommissioning"].pk}),
    "funding:decommissioning_record_response": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["decommissioning"].pk}),
    # The world's notice has no response letter: those allowed get 404, the rest 403.
    "funding:decommissioning_response_letter": Route(only("officer", "investigator", ok=404), kwargs=lambda w: {"pk": w.extra["decommissioning"].pk}),
    "funding:decommissioning_consider": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["decommissioning"].pk}),
    "funding:decommissioning_complete": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["decommissioning"].pk}),
    "funding:decommissioning_history": Route(only(*FUNDING_READERS), kwargs=lambda w: {"pk": w.extra["decommissioning"].pk}),
    "funding:decommissioning_notice_pdf": Route({**only(*FUNDING_READERS, "vcs"), "vcs_other": 404}, kwargs=lambda w: {"pk": w.extra["decommissioning"].pk}),
    "funding:portal_notices": Route(only("vcs")),
    "funding:portal_notice": Route({**only("vcs"), "vcs_other": 404}, kwargs=lambda w: {"pk": w.extra["decommissioning"].pk}),
    # compact: the Compact and consultations
    "compact:compact": Route(only(*FUNDING_READERS)),
    "compact:create_default": Route(only("officer", ok=405)),
    "compact:manage": Route(only("officer")),
    "compact:commitment_add": Route(only("officer")),
    "compact:commitment_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["commitment"].pk}),
    "compact:commitment_move": Route(only("officer", ok=405), kwargs=lambda w: {"pk": w.extra["commitment"].pk}),
    "compact:commitment_remove": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["commitment"].pk}),
    "compact:consultation_list": Route(only(*REGISTER_READERS)),
    "compact:consultation_create": Route(only("officer")),
    "compact:consultation_detail": Route(only(*REGISTER_READERS), kwargs=lambda w: {"pk": w.extra["consultation"].pk}),
    "compact:consultation_edit": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["consultation"].pk}),
    "compact:consultation_invite": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["consultation"].pk}),
    "compact:consultation_summary": Route(only("officer"), kwargs=lambda w: {"pk": w.extra["consultation"].pk}),
    "compact:public_consultations": Route(everyone()),
    "compact:public_consultation": Route(everyone(), kwargs=lambda w: {"pk": w.extra["consultation"].pk}),
    "compact:portal_consultations": Route(only("vcs")),
    "compact:portal_consultation_respond": Route(
        {**only("vcs"), "vcs_other": 404}, kwargs=lambda w: {"pk": w.extra["consultation"].pk, "organisation_pk": w.organisation.pk}
    ),
}


def _module_routes() -> None:
    """Each later module keeps its rows in `tests/security/routes_<module>.py` (a `ROUTES` dict).

    Modules built side by side then never edit this file; a name in two files is an error.
    """
    import importlib
    import pkgutil

    import tests.security as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
        if not info.name.startswith("routes_"):
            continue
        rows = importlib.import_module(f"tests.security.{info.name}").ROUTES
        clash = set(rows) & set(ROUTES)
        if clash:
            raise ValueError(f"{info.name} repeats rows already listed: {sorted(clash)}")
        ROUTES.update(rows)


_module_routes()
