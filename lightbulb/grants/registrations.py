"""What grants adds to shared pages; called once from GrantsConfig.ready()."""

from __future__ import annotations


def register() -> None:
    """Nothing registered yet."""
