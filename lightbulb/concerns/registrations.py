"""What concerns adds to shared pages; called once from ConcernsConfig.ready()."""

from __future__ import annotations


def register() -> None:
    """Nothing registered yet."""
