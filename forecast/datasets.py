"""A user's accepted dataset kept on the server: owned, shared with groups, under a random id.

The files are stored as they were uploaded (bytes) with a small JSON manifest (format
version, owner, the groups it is shared with, the data's key, each file's role and name, the
reading options); loading reads them again through
:func:`forecast.io.dataset_files.load_dataset`, so a stored dataset is validated exactly as a
fresh one and nothing is unpickled.

- The id (in the app's URL, and the identity laid forecasts, adjustments and scenarios are
  stored under) is ``ds-`` and 32 random hex digits: unguessable, and *not* the data hash
  printed in reports (:func:`~forecast.io.dataset_files.dataset_key`, kept in the manifest and
  in the provenance). Any other text is refused before it touches a path.
- Every read names who reads (:class:`forecast.access.Policy`); a dataset the reader may not
  see is answered exactly as a missing one (:data:`forecast.access.NOT_FOUND`).
- The same owner storing the same data again gets the same id back (an index file per owner
  and data key); another owner gets a dataset of their own.
- Format 1 (a folder named by the data hash, no owner) is never served: its owner is unknown.
- :func:`listing` lists the datasets a user sees (own and shared with their groups);
  :func:`share` changes the groups one is shared with (its owner or a controller, audited in
  the store's audit trail in the same transaction as the manifest is replaced).

The root directory is ``$BUDGETPROGNOS_DATA_DIR``, else ``~/.local/share/budgetprognos/
datamangder``. It holds a region's ledger: readable by the server's account only (0700).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from forecast.access import NOT_FOUND, DatasetOwner
from forecast.cycle.roles import norm
from forecast.io.dataset_files import (
    DatasetFiles,
    InputFile,
    LoadedDataset,
    dataset_key,
    load_dataset,
)
from forecast.io.readers import ReadOptions

if TYPE_CHECKING:
    from forecast.access import Policy

FORMAT_VERSION: Final = 2
ENV_DIR: Final = "BUDGETPROGNOS_DATA_DIR"
PREFIX: Final = "ds-"
_ID = re.compile(r"ds-[0-9a-f]{32}")
_ROLES: Final = ("organisation", "kontoplan", "agency_fte", "measures", "measure_effects")
_INDEX: Final = ".index"
MAX_LISTED: Final = 500
"""At most this many datasets are listed for one user (the newest first)."""
SHARE_AUDIT: Final = "dela datamängd"


class StoreError(ValueError):
    """A stored dataset cannot be found, seen or read (Swedish message)."""


@dataclass(frozen=True)
class StoredInfo:
    """What the manifest says about a stored dataset (no file read)."""

    id: str
    owner: DatasetOwner
    data_key: str
    names: tuple[str, ...]
    created: str = ""


def store_root() -> Path:
    """The directory holding stored datasets."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    return Path.home() / ".local" / "share" / "budgetprognos" / "datamangder"


def is_key(text: object) -> bool:
    """Whether ``text`` has the form of a dataset id (``ds-`` and 32 lower-case hex digits)."""
    return isinstance(text, str) and _ID.fullmatch(text) is not None


def _index_file(root: Path, owner: str, data_key: str) -> Path:
    digest = hashlib.sha256(f"{owner}\n{data_key}".encode()).hexdigest()
    return root / _INDEX / digest


def _existing(root: Path, owner: DatasetOwner, data_key: str) -> str | None:
    try:
        found = _index_file(root, owner.owner, data_key).read_text(encoding="ascii").strip()
    except OSError:
        return None
    return found if is_key(found) and (root / found / "manifest.json").is_file() else None


def save(files: DatasetFiles, options: ReadOptions, owner: DatasetOwner,
         root: Path | None = None) -> str:
    """Store an (accepted) dataset's files for ``owner``; returns its id.

    The same owner storing the same data again gets the same id (nothing is written).
    """
    root = root or store_root()
    key = dataset_key(files, options)
    found = _existing(root, owner, key)
    if found is not None:
        return found
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    (root / _INDEX).mkdir(mode=0o700, exist_ok=True)
    new_id = PREFIX + secrets.token_hex(16)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".tmp-"))
    entries = []
    for i, (role, f) in enumerate(files.roles()):
        (tmp / f"{i:03d}.bin").write_bytes(f.data)
        entries.append({"role": role, "name": f.name, "file": f"{i:03d}.bin"})
    from forecast.store.base import now

    manifest = {"version": FORMAT_VERSION, "owner": owner.owner, "created": now(),
                "groups": sorted(owner.groups), "data_key": key, "files": entries,
                "options": {"amount_unit": options.amount_unit, "sign": options.sign,
                            "skip_sum_rows": options.skip_sum_rows, "sheet": options.sheet,
                            **({"gaps_as_zero": True} if options.gaps_as_zero else {})}}
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    tmp.rename(root / new_id)
    _index_file(root, owner.owner, key).write_text(new_id, encoding="ascii")
    return new_id


def _manifest(key: str, root: Path) -> dict:
    if not is_key(key):
        raise StoreError("Ogiltig datamängdsnyckel; tillåtet: ds- och 32 hexadecimala tecken")
    try:
        manifest = json.loads((root / key / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise StoreError(NOT_FOUND) from None
    if not isinstance(manifest, dict) or manifest.get("version") != FORMAT_VERSION:
        raise StoreError(NOT_FOUND)
    return manifest


def info(key: str, root: Path | None = None) -> StoredInfo:
    """Owner, groups and data key of the dataset ``key`` (for the access check).

    Raises:
        StoreError: ``key`` is not an id, or nothing readable is stored under it.
    """
    m = _manifest(key, root or store_root())
    try:
        owner = DatasetOwner(str(m["owner"]), frozenset(str(g) for g in m["groups"]))
        return StoredInfo(key, owner, str(m["data_key"]),
                          tuple(str(e["name"]) for e in m["files"]), str(m.get("created", "")))
    except (KeyError, TypeError):
        raise StoreError(NOT_FOUND) from None


def visible(key: str, viewer: Policy, root: Path | None = None) -> StoredInfo:
    """:func:`info` if ``viewer`` may see the dataset, else :data:`NOT_FOUND` as if missing."""
    found = info(key, root)
    if not viewer.sees(found.owner):
        raise StoreError(NOT_FOUND)
    return found


def read(key: str, viewer: Policy, root: Path | None = None
         ) -> tuple[DatasetFiles, ReadOptions]:
    """The files and options stored under ``key``, if ``viewer`` may see them.

    Raises:
        StoreError: ``key`` is not an id, or nothing (readable) is stored under it, or
            ``viewer`` may not see it (the same message as missing).
    """
    root = root or store_root()
    visible(key, viewer, root)
    folder = root / key
    try:
        manifest = _manifest(key, root)
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
        raise StoreError(NOT_FOUND) from None
    return DatasetFiles(ledgers=tuple(ledgers), **side), opts


def load(key: str, viewer: Policy, root: Path | None = None) -> LoadedDataset:
    """Read and validate the dataset stored under ``key`` (if ``viewer`` may see it).

    Raises:
        StoreError: As :func:`read`, or the stored files no longer validate, or their key no
            longer matches (changed on disk).
    """
    files, opts = read(key, viewer, root)
    if dataset_key(files, opts) != info(key, root).data_key:
        raise StoreError("Den sparade datamängden har ändrats på servern och används inte")
    from forecast.io.parsing import ValidationFailed

    try:
        return load_dataset(files, opts)
    except ValidationFailed as exc:
        raise StoreError("Den sparade datamängden godtas inte längre: "
                         + exc.report(limit=3)) from None


def listing(viewer: Policy, root: Path | None = None) -> tuple[list[StoredInfo], int]:
    """The datasets ``viewer`` sees (own first, then shared; newest first), and how many.

    At most :data:`MAX_LISTED` are returned; the count is of all the viewer sees. Datasets
    that cannot be read are left out (as missing).
    """
    root = root or store_root()
    try:
        keys = [p.name for p in root.iterdir() if is_key(p.name)]
    except OSError:
        return [], 0
    seen = []
    for key in keys:
        try:
            found = info(key, root)
        except StoreError:
            continue
        if viewer.sees(found.owner):
            seen.append(found)
    seen.sort(key=lambda i: i.created, reverse=True)
    seen.sort(key=lambda i: i.owner.owner != viewer.identity.key)
    return seen[:MAX_LISTED], len(seen)


def share(key: str, groups: frozenset[str], actor: Policy, db: Any,
          root: Path | None = None) -> StoredInfo:
    """Share the dataset ``key`` with exactly ``groups`` (replacing the earlier ones).

    Only its owner or a controller who sees it may (:meth:`forecast.access.Policy.require_share`);
    every group must be one of the roles file's ``[grupper]``. The change is appended to the
    audit trail of ``db`` (a :class:`forecast.store.core.Database`: who, when, the groups before
    and after) in the transaction that replaces the manifest, so neither happens alone.

    Raises:
        StoreError: not an id, missing or not visible (:data:`NOT_FOUND`), or an unknown group.
        forecast.access.AccessDenied: visible, but the actor may not share it.
    """
    from forecast.access import NotFound
    from forecast.store import core as C

    root = root or store_root()
    found = info(key, root)
    try:
        actor.require_share(found.owner)
    except NotFound:
        raise StoreError(NOT_FOUND) from None
    known = frozenset(actor.roles.groups)
    wanted = frozenset(norm(g) for g in groups)
    unknown = sorted(wanted - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "inga (rollfilen har ingen [grupper])"
        raise StoreError(f"Okänd grupp '{unknown[0]}'; tillåtna: {allowed}")
    manifest = _manifest(key, root)
    manifest["groups"] = sorted(wanted)
    before = ", ".join(sorted(found.owner.groups)) or "ingen"
    after = ", ".join(sorted(wanted)) or "ingen"

    def write(conn: Any) -> None:
        C.audit(conn, actor.identity.user, SHARE_AUDIT,
                f"{key} (ägare {found.owner.owner}): grupper {before} → {after}")
        _replace_manifest(root / key, manifest)

    try:
        db.write(write)
    except OSError as exc:
        raise StoreError(f"Delningen kunde inte sparas: {exc.strerror or exc}") from None
    return info(key, root)


def _replace_manifest(folder: Path, manifest: dict) -> None:
    """Write ``manifest`` beside the old one and swap it in atomically."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".manifest-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, folder / "manifest.json")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
