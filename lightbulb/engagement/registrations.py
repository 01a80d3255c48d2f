"""What engagement adds to shared pages; called once from EngagementConfig.ready()."""

from __future__ import annotations


def register() -> None:
    """Nothing registered yet."""
