"""What directory adds to shared pages; called once from DirectoryConfig.ready()."""

from __future__ import annotations


def register() -> None:
    """Nothing registered yet."""
