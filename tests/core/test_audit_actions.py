"""Audit actions are one declared list, each named after the service that writes it, shown in words.

The source scan reads every `audit_event_record(action=...)` in lightbulb: a
string, an `AuditAction` member, either of two (`a if … else b`), or a helper's
parameter (then every call of the helper in that module is read instead).
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

import lightbulb
from lightbulb.core.audit import AuditAction, audit_event_record
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.funding.models import AgreementStatus
from lightbulb.funding.services.lifecycle import agreement_transition
from lightbulb.organisations.services import organisation_update
from tests.factories import AgreementFactory, OrganisationFactory
from tests.helpers import visible_text

SOURCE = Path(lightbulb.__file__).parent


@dataclass(frozen=True)
class Written:
    """One action a call site writes: where, from which function, and whether that function is its only writer."""

    where: str
    function: str
    action: str
    direct: bool


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), filename=str(path))


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _calls_with_function(tree: ast.AST, function: ast.FunctionDef | None = None) -> Iterator[tuple[ast.FunctionDef, ast.Call]]:
    """Each call made inside a function, with the innermost function it is made in."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Call) and function is not None:
            yield function, node
        yield from _calls_with_function(node, node if isinstance(node, ast.FunctionDef) else function)


def _parameter_index(function: ast.FunctionDef, name: str) -> tuple[int | None, bool]:
    """Where `name` sits among `function`'s parameters: its position (None if keyword-only), and whether it is one."""
    positional = [arg.arg for arg in function.args.posonlyargs + function.args.args]
    if name in positional:
        return positional.index(name), True
    return None, name in [arg.arg for arg in function.args.kwonlyargs]


def _argument(call: ast.Call, position: int | None, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if position is not None and position < len(call.args):
        return call.args[position]
    return None


def _values(expr: ast.expr, where: str) -> list[tuple[str, bool]]:
    """The actions an expression can be, each with whether it is the only one (not one branch of several)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [(expr.value, True)]
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "AuditAction":
        assert expr.attr in AuditAction.names, f"{where}: AuditAction has no member {expr.attr}"
        return [(AuditAction[expr.attr].value, True)]
    if isinstance(expr, ast.IfExp):
        return [(value, False) for value, _ in _values(expr.body, where) + _values(expr.orelse, where)]
    raise AssertionError(f"{where}: write the action as an AuditAction member or a string, not {ast.unparse(expr)!r}")


def _written_through_helper(path: Path, tree: ast.Module, helper: ast.FunctionDef, parameter: str, where: str) -> list[Written]:
    position, found = _parameter_index(helper, parameter)
    assert found, f"{where}: the action {parameter!r} is neither a string, an AuditAction member nor a parameter of {helper.name}"
    written = []
    for function, call in _calls_with_function(tree):
        if _called(call) == helper.name:
            call_site = f"{path.relative_to(SOURCE.parent)}:{call.lineno}"
            expr = _argument(call, position, parameter)
            assert expr is not None, f"{call_site}: {helper.name}() called without an action"
            written += [Written(call_site, function.name, value, direct) for value, direct in _values(expr, call_site)]
    assert written, f"{where}: {helper.name} passes on an action but nothing in its module calls it"
    return written


def _written() -> list[Written]:
    written: list[Written] = []
    for path, tree in _modules():
        for function, call in _calls_with_function(tree):
            if _called(call) != "audit_event_record" or function.name == "audit_event_record":
                continue
            where = f"{path.relative_to(SOURCE.parent)}:{call.lineno}"
            expr = _argument(call, None, "action")
            assert expr is not None, f"{where}: audit_event_record without an action"
            if isinstance(expr, ast.Name):
                written += _written_through_helper(path, tree, function, expr.id, where)
            else:
                written += [Written(where, function.name, value, direct) for value, direct in _values(expr, where)]
    return written


def _service_names() -> set[str]:
    """Functions in services modules and packages, and any other function that writes an audit event."""
    names: set[str] = set()
    for path, tree in _modules():
        is_services = path.stem.startswith("services") or "services" in path.parent.parts[len(SOURCE.parts) :]
        writes = any(_called(node) == "audit_event_record" for node in ast.walk(tree) if isinstance(node, ast.Call))
        if is_services or writes:
            names |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    return names


WRITTEN = _written()


def test_the_scan_finds_the_services_that_write_events():
    functions = {item.function for item in WRITTEN}
    assert {"agreement_transition", "decommissioning_issue_notice", "payment_hold", "_review", "council_update"} <= functions


def test_every_action_written_is_declared():
    undeclared = [f"{item.where} writes {item.action!r}" for item in WRITTEN if item.action not in AuditAction.values]
    assert not undeclared, "Add these to AuditAction (named after the service that writes them):\n" + "\n".join(undeclared)


def test_an_action_written_by_a_service_is_that_service_name():
    misnamed = [
        f"{item.where}: {item.function} writes {item.action!r}"
        for item in WRITTEN
        if item.direct and not item.function.startswith("_") and item.action != item.function
    ]
    assert not misnamed, "An action is named after the service that writes it:\n" + "\n".join(misnamed)


def test_every_member_is_named_after_an_existing_service_and_written():
    services = _service_names()
    assert [member.value for member in AuditAction if member.value not in services] == []
    assert [member.name for member in AuditAction if member.name != member.value.upper()] == []
    assert sorted(set(AuditAction.values) - {item.action for item in WRITTEN}) == [], "Members nothing writes any more"


@pytest.mark.parametrize("member", list(AuditAction), ids=lambda member: member.value)
def test_every_member_has_a_label_in_words(member):
    label = str(member.label)
    assert "_" not in label, label
    assert label.lstrip('"')[0].isupper(), label
    assert label.lower() != member.value.replace("_", " "), f"{member.value}: say what happened, not the code name"


def test_stored_actions_are_renamed_to_members():
    migration = importlib.import_module("lightbulb.core.migrations.0003_audit_action_choices")
    assert set(migration.RENAMED.values()) <= set(AuditAction.values)
    assert not set(migration.RENAMED) & set(AuditAction.values)


@pytest.mark.django_db
def test_an_unknown_action_is_refused_and_nothing_is_written():
    organisation = OrganisationFactory()
    with pytest.raises(ValueError, match="not an audit action"):
        audit_event_record(actor=None, action="organisation_teleport", obj=organisation)
    with pytest.raises(ValueError):
        audit_event_record(actor=None, action="decommissioning_notice_issued", obj=organisation)
    assert not AuditEvent.objects.filter(object_id=str(organisation.pk), object_type="organisations.organisation").exists()
    event = audit_event_record(actor=None, action=AuditAction.ORGANISATION_ARCHIVE, obj=organisation)
    assert (event.action, event.get_action_display()) == ("organisation_archive", "Organisation archived")


@pytest.mark.django_db
def test_history_and_timeline_show_the_action_and_choices_in_words(client_for, users):
    organisation = OrganisationFactory(name="Riverside Pantry", status="active")
    organisation_update(acting_user=users[Role.OFFICER], organisation=organisation, changes={"status": "removed"})
    officer = client_for(Role.OFFICER)

    history = visible_text(officer.get(reverse("organisations:history", kwargs={"pk": organisation.pk})).content)
    assert "Organisation details changed" in history
    assert "Removed from register" in history
    assert "organisation_update" not in history and "Organisation update" not in history

    detail = visible_text(officer.get(reverse("organisations:detail", kwargs={"pk": organisation.pk})).content)
    assert "Organisation details changed" in detail
    assert "organisation_update" not in detail


@pytest.mark.django_db
def test_agreement_history_says_under_review_not_its_code(client_for, users):
    agreement = AgreementFactory(status=AgreementStatus.LIVE, accountable_officer=users[Role.OFFICER])
    agreement_transition(agreement=agreement, to_status=AgreementStatus.UNDER_REVIEW, acting_user=users[Role.OFFICER], reason="Annual review")
    text = visible_text(client_for(Role.OFFICER).get(reverse("funding:agreement_history", kwargs={"pk": agreement.pk})).content)
    assert "Agreement status changed" in text
    assert "Under review" in text
    assert "under_review" not in text and "agreement_transition" not in text and "Agreement transition" not in text
