"""The roles of PRODUCT.md §1. Every user has exactly one.

Who may do what is said once, as named predicates: lightbulb/core/rules.py and each app's rules.py.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Council officer"
    COUNCILLOR = "councillor", "Ward councillor"
    INVESTIGATOR = "investigator", "Investigator"
    ADMIN = "admin", "System administrator"
    STAFF = "staff", "Council staff"
    VCS = "vcs", "Voluntary or community organisation member"


def role_of(user: Any) -> str | None:
    """The role of a signed-in, active user; None for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "role", None)


def has_role(user: Any, *roles: str) -> bool:
    return role_of(user) in roles
