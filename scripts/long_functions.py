"""List functions longer than a limit (default 60 lines), measured with ``ast``.

A function's length is from its ``def`` line (decorators excluded) to its last line,
docstring included. Tests, bench and research scripts and ``data/generate.py`` are outside the
rule and are skipped unless ``--all`` is given.

Usage::

    python scripts/long_functions.py            # forecast scenarios cli ui app.py data
    python scripts/long_functions.py --limit 50 forecast

Exit code 1 when any function is over the limit (so ``make lint`` can run it).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = ("forecast", "scenarios", "cli", "ui", "app.py", "data")
EXEMPT = ("tests/", "bench/", "research/", "data/generate.py")


def python_files(paths: list[str]) -> list[Path]:
    """Every ``.py`` file under ``paths`` (relative to the repository root), sorted."""
    out: list[Path] = []
    for p in paths:
        path = ROOT / p
        out.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return out


def long_functions(path: Path, limit: int) -> list[tuple[str, int, int]]:
    """``(qualified name, first line, length)`` of every function in ``path`` over ``limit``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, int, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                length = (child.end_lineno or child.lineno) - child.lineno + 1
                if length > limit:
                    found.append((name, child.lineno, length))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return found


def main(argv: list[str] | None = None) -> int:
    """Print the long functions and their count; exit 1 if there are any."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    p.add_argument("--limit", type=int, default=60)
    p.add_argument("--all", action="store_true",
                   help="include tests, bench, research, data/generate.py")
    args = p.parse_args(argv)
    count = 0
    for f in python_files(args.paths):
        rel = f.relative_to(ROOT).as_posix()
        if not args.all and rel.startswith(EXEMPT):
            continue
        for name, line, length in long_functions(f, args.limit):
            print(f"{rel}:{line} {name} {length} lines")
            count += 1
    print(f"{count} functions over {args.limit} lines")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
