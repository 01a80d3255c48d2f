"""What api adds to shared pages; called once from ApiConfig.ready()."""

from __future__ import annotations


def register() -> None:
    """Nothing registered yet."""
