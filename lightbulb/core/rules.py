"""The shared permission vocabulary: role predicates every module's `rules.py` builds on.

Predicates are `rules` predicates over `(user)` or `(user, obj)`. Each module names
its own in its `rules.py` (`can_read_agreement`, `can_manage_returns`, …) by
combining these; views, selectors, services, navigation and the permission
matrix ask those named predicates and nothing else. `require()` is how a
service asks: it raises `PermissionDenied` whoever the caller is (a view, a
task, a command, the shell or the API).

Scheduled duties, commands and imports act as a `SystemActor`: it is no user,
holds no role, and passes only the predicates that name `is_system`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from lightbulb.core.roles import Role, role_of


@dataclass(frozen=True)
class SystemActor:
    """The service itself acting: the daily duties, a command-line import, a background task."""

    label: str = "System"
    is_authenticated: bool = False
    is_active: bool = False
    pk: None = None

    def __str__(self) -> str:
        return self.label


def _role_predicate(role: str) -> Any:
    def check(user: Any) -> bool:
        return role_of(user) == role

    check.__name__ = f"is_{role}"
    return rules.predicate(check, name=f"is_{role}")


is_officer = _role_predicate(Role.OFFICER)
is_councillor = _role_predicate(Role.COUNCILLOR)
is_investigator = _role_predicate(Role.INVESTIGATOR)
is_admin = _role_predicate(Role.ADMIN)
is_council_staff = _role_predicate(Role.STAFF)
is_vcs = _role_predicate(Role.VCS)


@rules.predicate
def is_system(user: Any) -> bool:
    return isinstance(user, SystemActor)


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return role_of(user) is not None


# Roles that must use two-factor authentication (PRODUCT.md §1: officer, investigator, admin).
needs_two_factor = is_officer | is_investigator | is_admin
# Officers print the letters for organisations that have no e-mail address, and post them.
can_print_letters = is_officer


@rules.predicate
def is_export_requester(user: Any, job: Any) -> bool:
    return job is not None and getattr(user, "pk", None) is not None and job.requested_by_id == user.pk


# A list's file is followed and downloaded only by the person who asked for it (core.exports).
can_follow_own_export = is_export_requester
# An officer's calendar holds their own records' deadlines, or every record's if they choose.
can_see_every_deadline = is_officer
# Everyone who works for the council, whatever their job.
is_council_user = is_officer | is_councillor | is_investigator | is_admin | is_council_staff


def allowed(predicate: Any, user: Any, obj: Any = None) -> bool:
    """Whether `predicate` holds for `user` (and `obj`); never raises."""
    return bool(predicate.test(user, obj))


def require(predicate: Any, user: Any, obj: Any = None, *, message: str = "") -> None:
    """Raise PermissionDenied unless `predicate` holds: the first line of every write service."""
    if not allowed(predicate, user, obj):
        raise PermissionDenied(message or f"You may not do this ({predicate.name.replace('_', ' ')}).")


def roles_allowed(predicate: Any) -> frozenset[str]:
    """The roles a role-only predicate lets in (for documentation and the permission matrix)."""
    from types import SimpleNamespace

    return frozenset(role for role in Role.values if allowed(predicate, SimpleNamespace(is_authenticated=True, is_active=True, role=role)))


# The same predicates as role sets, for database filters ("every officer with an e-mail address").
TWO_FACTOR_ROLES = roles_allowed(needs_two_factor)
COUNCIL_ROLES = roles_allowed(is_council_user)


def expose(app_label: str, module: Any) -> None:
    """Name a module's `can_…` predicates in the shared rule set as "<app>.<name>", for templates.

    Called from each app's `registrations.register()`; templates then ask
    `can(request.user, "places.can_manage_council_settings")` instead of comparing roles.
    """
    for name, value in vars(module).items():
        if name.startswith("can_") and isinstance(value, rules.Predicate):
            rules.set_rule(f"{app_label}.{name}", value)


def can(user: Any, name: str, obj: Any = None) -> bool:
    """A template's question: does the named predicate hold for `user` (and `obj`)? Unknown names raise."""
    if not rules.rule_exists(name):
        raise KeyError(f"No predicate named {name!r}: expose it from its app's registrations")
    return bool(rules.test_rule(name, user, obj))
