"""What opendata adds to shared pages; called once from OpendataConfig.ready()."""

from __future__ import annotations


def register() -> None:
    """Nothing registered yet."""
