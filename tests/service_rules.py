"""What the `test_service_rules` modules share: who a service must refuse, and proof that a refusal wrote nothing.

Each module calls its app's write services directly (as a task, a command or
the shell would), never through a view, so a rule that lived only in a form or
a view would fail there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor

# Every kind of caller: no one, a signed-out visitor, the service itself, each role, and a
# `vcs` user of another organisation ("outsider"). "vcs" is a member of `own_organisation`.
IDENTITIES = ("none", "anonymous", "system", *[role.value for role in Role], "outsider")


def identity(who: str, users: dict[str, Any], outsider: Any) -> Any:
    """The acting user called `who` in IDENTITIES."""
    special = {"none": None, "anonymous": AnonymousUser(), "system": SystemActor(label="Test duty"), "outsider": outsider}
    return special[who] if who in special else users[who]


def wrong_identities(*allowed: str) -> list[str]:
    """Everyone in IDENTITIES but `allowed`."""
    unknown = set(allowed) - set(IDENTITIES)
    assert not unknown, unknown
    return [who for who in IDENTITIES if who not in allowed]


def cases(table: dict[str, tuple[Callable[..., Any], Iterable[str]]]) -> list[Any]:
    """(service, who) pairs for every service in `table` and every identity it must refuse."""
    return [pytest.param(name, who, id=f"{name}-{who}") for name, (_call, allowed) in table.items() for who in wrong_identities(*allowed)]


def database_state(watched: Iterable[type[models.Model]]) -> dict[str, list[dict[str, Any]]]:
    """Every row of the watched models and of the audit trail, to compare before and after."""
    state = {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in watched}
    state["audit"] = list(AuditEvent.objects.order_by("pk").values("pk", "action"))
    return state


def assert_refused(call: Callable[[], Any], watched: Iterable[type[models.Model]]) -> None:
    """`call` raises PermissionDenied, and no watched row nor audit event was added, changed or removed."""
    watched = list(watched)
    before = database_state(watched)
    with pytest.raises(PermissionDenied):
        call()
    assert database_state(watched) == before


def assert_invalid(call: Callable[[], Any], field: str | None, message: str, watched: Iterable[type[models.Model]]) -> None:
    """`call` raises ValidationError with `message` on `field` (None: not tied to a field), and writes nothing."""
    watched = list(watched)
    before = database_state(watched)
    with pytest.raises(ValidationError) as raised:
        call()
    error = raised.value
    if field is None:
        assert message in error.messages, error.messages
    else:
        assert hasattr(error, "error_dict"), f"expected {message!r} on {field!r}, got {error.messages}"
        assert message in error.message_dict.get(field, []), error.message_dict
    assert database_state(watched) == before
