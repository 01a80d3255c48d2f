"""The objects the permission matrix probes: one of each kind, with an owner, a member and an outsider."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lightbulb.core.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@dataclass
class World:
    users: dict[str, Any]
    organisation: Any  # the `vcs` user's own organisation
    other_organisation: Any  # belongs to `vcs_other`
    extra: dict[str, Any] = field(default_factory=dict)


# Modules add builders here: callable(world) -> None, filling world.extra.
BUILDERS: list[Any] = []


def build_world() -> World:
    users = {role.value: UserFactory(role=role, email=f"{role.value}@matrix.example", full_name=f"Matrix {role.label}") for role in Role}
    users["vcs_other"] = UserFactory(role=Role.VCS, email="vcs-other@matrix.example", full_name="Matrix Outsider")
    organisation = OrganisationFactory(name="Matrix Own Organisation")
    other = OrganisationFactory(name="Matrix Other Organisation")
    MembershipFactory(user=users["vcs"], organisation=organisation)
    MembershipFactory(user=users["vcs_other"], organisation=other)
    world = World(users=users, organisation=organisation, other_organisation=other)
    for builder in BUILDERS:
        builder(world)
    return world
