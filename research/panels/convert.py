"""What every panel converter shares: the checked read, the command line and the write.

A converter names its input's sha256 and rule and a ``build`` that turns the checked file into
the long panel (``series_id,category,start,t,value``); :func:`run` parses ``SOURCE OUT``,
refuses a file that is too large or has another sha256, and writes the panel. A converter
whose input is a file of a public repository names it as ``ORIGIN`` (repository, path);
``--help`` then prints the command that copies it out of the local mirror
(:func:`fetch_command`).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

MAX_BYTES = 5_000_000
MIRROR = "/work/.mirror"
"""Where the public repositories are mirrored (``owner+name/repo``, a bare git directory)."""

Build = Callable[[Path, bytes], tuple[pd.DataFrame, str]]
"""(source path, its checked bytes) → (long panel, extra text for the summary line)."""


def read_checked(path: Path, sha256: str, rule: str) -> bytes:
    """The file's bytes, if it is at most MAX_BYTES and has the rule's sha256."""
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(f"större än {MAX_BYTES} byte")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        raise ValueError(f"sha256 {digest}, väntade {sha256} ({rule})")
    return raw


def fetch_command(repo: str, path: str, target: str = "FIL") -> str:
    """The command that copies ``path`` of the mirrored ``repo`` (``owner/name``) to ``target``."""
    return f"git -C {MIRROR}/{repo.replace('/', '+')}/repo show HEAD:{path} > {target}"


def write(long: pd.DataFrame, out: Path, extra: str = "") -> int:
    """Write the long panel and print its size (exit code 0)."""
    long.to_csv(out, index=False)
    print(f"{long.series_id.nunique()} serier, {len(long)} rader → {out}{extra}")
    return 0


def run(argv: list[str] | None, doc: str, source: str, sha256: str, rule: str,
        build: Build, origin: tuple[str, str] | None = None) -> int:
    """Parse ``SOURCE OUT``, check the source and write what ``build`` makes of it.

    ``origin`` (repository, path) puts the command that fetches the source in ``--help``. Exit
    code 2 and a message naming the file when the file or its content is refused.
    """
    epilog = None if origin is None else f"Filen hämtas med: {fetch_command(*origin)}"
    p = argparse.ArgumentParser(description=doc.splitlines()[0], epilog=epilog,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(source, type=Path)
    p.add_argument("out", type=Path)
    a = p.parse_args(argv)
    path: Path = getattr(a, source)
    try:
        long, extra = build(path, read_checked(path, sha256, rule))
    except (ValueError, KeyError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    return write(long, a.out, extra)
