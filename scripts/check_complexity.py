"""Fail when a function or method is more complex than a reviewer should have to read.

ruff's McCabe check (C901) counts branches but not boolean operators, so a condition such as
`a and b or c and d` costs nothing there. radon's cyclomatic complexity counts each `and`/`or`,
each conditional expression and each `if` in a comprehension as a decision, as a reviewer does.
See docs/adr/0005-complexity-gate.md.

Usage: python scripts/check_complexity.py [--max N] [PATH ...]   (default: lightbulb config, N = 12)
Prints each offender as `file:line name score` and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from radon.complexity import add_inner_blocks, cc_visit
from radon.visitors import Function

MAX_COMPLEXITY = 12
DEFAULT_PATHS = ("lightbulb", "config")
# Generated schema changes are not read as code; everything else is.
EXCLUDED_DIRECTORIES = frozenset({"migrations", "node_modules", "__pycache__"})


def python_files(paths: Iterable[str]) -> Iterator[Path]:
    for name in paths:
        root = Path(name)
        candidates = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in candidates:
            if not EXCLUDED_DIRECTORIES.intersection(path.parts):
                yield path


def functions(source: str) -> Iterator[Function]:
    """Every function, method, closure and inner class's method (a class is scored by its methods, not as a whole)."""
    for block in add_inner_blocks(cc_visit(source)):
        if isinstance(block, Function):
            yield block


def offenders(path: Path, limit: int) -> Iterator[tuple[int, str, int]]:
    for function in functions(path.read_text(encoding="utf-8")):
        if function.complexity > limit:
            yield function.lineno, function.fullname, function.complexity


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=MAX_COMPLEXITY, help=f"highest complexity allowed (default {MAX_COMPLEXITY})")
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    args = parser.parse_args(argv)
    found = sorted((str(path), line, name, score) for path in python_files(args.paths) for line, name, score in offenders(path, args.max))
    for path, line, name, score in found:
        print(f"{path}:{line} {name} {score}")
    if found:
        print(f"{len(found)} function(s) over cyclomatic complexity {args.max} (radon, counting and/or): split them into smaller well-named functions.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
