"""A user's accepted dataset kept on the server under its hash, so it survives a reload.

The files are stored as they were uploaded (bytes) with a small JSON manifest (format
version, each file's role and name, the reading options); loading reads them again through
:func:`forecast.io.dataset_files.load_dataset`, so a stored dataset is validated exactly as a
fresh one and nothing is unpickled. The key is :func:`~forecast.io.dataset_files.dataset_key`
(64 hex digits); any other text is refused before it touches a path.

The root directory is ``$BUDGETPROGNOS_DATA_DIR``, else ``~/.local/share/budgetprognos/
datamangder``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Final

from forecast.io.dataset_files import (
    DatasetFiles,
    InputFile,
    LoadedDataset,
    dataset_key,
    load_dataset,
)
from forecast.io.readers import ReadOptions

FORMAT_VERSION: Final = 1
ENV_DIR: Final = "BUDGETPROGNOS_DATA_DIR"
_KEY = re.compile(r"[0-9a-f]{64}")
_ROLES: Final = ("organisation", "kontoplan", "agency_fte", "measures", "measure_effects")


class StoreError(ValueError):
    """A stored dataset cannot be found or read (Swedish message)."""


def store_root() -> Path:
    """The directory holding stored datasets."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    return Path.home() / ".local" / "share" / "budgetprognos" / "datamangder"


def is_key(text: object) -> bool:
    """Whether ``text`` has the form of a dataset key (64 lower-case hex digits)."""
    return isinstance(text, str) and _KEY.fullmatch(text) is not None


def save(files: DatasetFiles, options: ReadOptions, root: Path | None = None) -> str:
    """Store an (accepted) dataset's files; returns its key. Storing twice is harmless."""
    root = root or store_root()
    key = dataset_key(files, options)
    target = root / key
    if (target / "manifest.json").is_file():
        return key
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".tmp-"))
    entries = []
    for i, (role, f) in enumerate(files.roles()):
        (tmp / f"{i:03d}.bin").write_bytes(f.data)
        entries.append({"role": role, "name": f.name, "file": f"{i:03d}.bin"})
    manifest = {"version": FORMAT_VERSION, "files": entries,
                "options": {"amount_unit": options.amount_unit, "sign": options.sign,
                            "skip_sum_rows": options.skip_sum_rows, "sheet": options.sheet,
                            **({"gaps_as_zero": True} if options.gaps_as_zero else {})}}
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    try:
        tmp.rename(target)
    except OSError:  # stored meanwhile by another session
        for child in tmp.iterdir():
            child.unlink()
        tmp.rmdir()
    return key


def read(key: str, root: Path | None = None) -> tuple[DatasetFiles, ReadOptions]:
    """The files and options stored under ``key``.

    Raises:
        StoreError: ``key`` is not a key, or nothing (readable) is stored under it.
    """
    if not is_key(key):
        raise StoreError("Ogiltig datamängdsnyckel; tillåtet: 64 hexadecimala tecken")
    folder = (root or store_root()) / key
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("version") != FORMAT_VERSION:
            raise StoreError(f"Den sparade datamängden har okänt format "
                             f"({manifest.get('version')}); tillåtet: {FORMAT_VERSION}")
        ledgers, side = [], {}
        for e in manifest["files"]:
            f = InputFile(str(e["name"]), (folder / Path(str(e["file"])).name).read_bytes())
            if e["role"] == "huvudbok":
                ledgers.append(f)
            elif e["role"] in _ROLES:
                side[e["role"]] = f
        opts = ReadOptions(**manifest["options"])
    except (OSError, KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
        if isinstance(exc, StoreError):
            raise
        raise StoreError("Den sparade datamängden finns inte längre på servern") from None
    return DatasetFiles(ledgers=tuple(ledgers), **side), opts


def load(key: str, root: Path | None = None) -> LoadedDataset:
    """Read and validate the dataset stored under ``key``.

    Raises:
        StoreError: As :func:`read`, or the stored files no longer validate, or their key no
            longer matches (changed on disk).
    """
    files, opts = read(key, root)
    if dataset_key(files, opts) != key:
        raise StoreError("Den sparade datamängden har ändrats på servern och används inte")
    from forecast.io.parsing import ValidationFailed

    try:
        return load_dataset(files, opts)
    except ValidationFailed as exc:
        raise StoreError("Den sparade datamängden godtas inte längre: "
                         + exc.report(limit=3)) from None
