"""Every Python requirement is pinned exactly, and the lock the Makefile installs from agrees, with hashes."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]+\])?==([0-9][0-9A-Za-z.\-+]*)$")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(files: tuple[str, ...] = ("requirements.txt", "requirements-dev.txt")) -> dict[str, str]:
    pins: dict[str, str] = {}
    for file in files:
        for line in (ROOT / file).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-r "):
                continue
            match = PIN.match(line)
            assert match, f"{file}: '{line}' is not pinned to one exact version (name==1.2.3)"
            pins[_normal(match.group(1))] = match.group(3)
    return pins


def _locked(lock: str = "requirements.lock") -> dict[str, tuple[str, int]]:
    """Each package in the lock: its version and how many hashes it carries."""
    packages: dict[str, tuple[str, int]] = {}
    current = ""
    for line in (ROOT / lock).read_text().splitlines():
        match = PIN.match(line.rstrip(" \\"))
        if match:
            current = _normal(match.group(1))
            packages[current] = (match.group(3), 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = packages[current]
            packages[current] = (version, hashes + 1)
    return packages


def test_every_requirement_is_pinned_exactly_and_locked_with_hashes():
    declared = _declared()
    locked = _locked()
    assert locked, "requirements.lock lists no packages"
    missing = {name: version for name, version in declared.items() if locked.get(name, ("", 0))[0] != version}
    assert not missing, f"requirements.lock is out of date for {missing}: run `make lock`"
    unhashed = sorted(name for name, (_, hashes) in locked.items() if hashes == 0)
    assert not unhashed, f"packages in requirements.lock without a hash: {unhashed}"


def test_the_servers_lock_holds_the_runtime_requirements_only_with_hashes():
    declared = _declared(("requirements.txt",))
    locked = _locked("requirements-runtime.lock")
    missing = {name: version for name, version in declared.items() if locked.get(name, ("", 0))[0] != version}
    assert not missing, f"requirements-runtime.lock is out of date for {missing}: run `make lock`"
    assert "pytest" not in locked, "the server's lock carries the developers' tools"
    assert all(hashes for _, hashes in locked.values())
