"""A :class:`RegionForecast` as bytes and back: the stored statistical forecast's format.

Paths stay float32 and every array is kept bit for bit, so a stored forecast reads back
exactly. From version 3 the summaries that pages, reports and exports read are stored too,
and the paths are read only by a consumer that needs them (scenario draws, adjustments, a
unit's fan).

Versions (``meta.format``):

- 1: NumPy's ``.npz`` (a zip of ``.npy`` arrays, read with ``allow_pickle=False``) with one
  extra member ``meta``: UTF-8 JSON of the non-array fields and the format version.
- 2: :data:`MAGIC`, the header's length (uint32, little-endian), the header
  (UTF-8 JSON: the fields of version 1's ``meta`` plus ``arrays``: name, dtype, shape and
  offset of each array from the data start), then the arrays' raw little-endian bytes,
  each starting on a 64-byte boundary. Reading makes no copy: each array is a read-only
  view of the stored bytes (at 5 000 series × 1 000 paths × 32 months the paths are 610 MB;
  version 1 needed a zip's CRC pass and a copy of them, about 15 s on a loaded 2-core
  machine). Not compressed: zlib on byte-shuffled float32 paths saved 24 % at about three
  times the writing time (embedded region), and ~1 s per 100 MB reading them back.

- 3 (written now): version 2's layout with the summaries a page, report or export reads
  (``forecast.engine.result.summaries``: the mean per series and month, each series' year
  total per path of every forecast year, the region's total per path and month; float64,
  computed at write time by the forecast's own methods) before the arrays, and ``paths``
  last, from ``paths_at`` (its offset from the data start) to the end. :func:`read_lazily`
  reads the header and everything before the paths, and the paths only when a consumer
  uses them; versions 1 and 2 are read whole, and their summaries computed on first use as
  before (nothing to migrate: the numbers are the same, only slower to open).
  Written since issue 27's group totals (still version 3: a reader without them ignores
  them, and a forecast stored without them computes them on first use): the year totals
  per path of the groups of ``forecast.engine.hierarchy.GROUP_LEVELS`` (region, division,
  revenue / gross cost, kostnadsslag) and each series' mean year total, every summary
  year (``hierarchy.group_summaries``, read with the other summaries: a few hundred kB).

A newer format than :data:`FORMAT_VERSION` is refused with a Swedish message; older formats
keep loading (add a reader per version here when the format changes).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.hierarchy import (
    GROUP_SUMMARY,
    SERIES_MEAN_SUMMARY,
    group_summaries,
    with_group_summaries,
)
from forecast.engine.result import (
    SUMMARY_YEAR_REST,
    LazyArray,
    LazyPaths,
    RegionForecast,
    lazy,
    summaries,
    with_summaries,
)
from forecast.ledger.month import month_from_text, month_text

FORMAT_VERSION = 3
MAGIC = b"BPRF"
"""The first bytes of a version-2 forecast (version 1 is a zip: ``PK``)."""
ALIGN = 64
ARRAYS = ("paths", "point", "ytd_outcome", "annual_budget", "prior_ytd_outcome",
          "prior_year_outcome", "backtest_ape")
SMALL = ARRAYS[1:]
"""The arrays other than the paths (written before them from version 3)."""
SUMMARY_PREFIX = "summary:"
"""Array name prefix of a summary in version 3."""
Stored = bytes | memoryview
"""Stored bytes as read: ``bytes``, or a read-only view of a buffer filled from several parts."""


class FormatError(ValueError):
    """Stored bytes that are not a forecast this program can read (Swedish message)."""


def _meta(rf: RegionForecast) -> dict[str, Any]:
    keys = rf.keys.reset_index(drop=True)
    return {
        "format": FORMAT_VERSION,
        "as_of": month_text(rf.as_of),
        "months": [month_text(m) for m in rf.months],
        "keys": {c: [str(v) for v in keys[c]] for c in keys.columns},
        "key_order": list(keys.columns),
        "method": list(rf.method),
        "notes": list(rf.notes),
        "input_hash": rf.input_hash,
        "seed": int(rf.seed),
        "level_correction": [list(t) for t in rf.level_correction],
        "totals_width": [list(t) for t in rf.totals_width],
    }


def to_bytes(rf: RegionForecast) -> bytes:
    """``rf`` in the current format (:data:`FORMAT_VERSION`; layout in the module doc).

    Memory holds the arrays and the one result: the arrays are joined as views. The
    summaries are the forecast's own (computed here if not yet computed).
    """
    return pack(*_contents(rf))


def to_parts(rf: RegionForecast, part_bytes: int) -> Iterator[bytes]:
    """:func:`to_bytes` cut into consecutive parts of ``part_bytes`` (the last may be shorter).

    Joined, the parts are :func:`to_bytes`; memory holds the arrays and one part at a time
    (a store writes each part as it comes, so no single value grows with the region). The
    summaries are computed on the call, the parts as they are taken.
    """
    if part_bytes < 1:
        raise ValueError(f"part_bytes måste vara minst 1, inte {part_bytes}")
    return _cut(_pieces(*_contents(rf)), part_bytes)


def _cut(pieces: Iterator[bytes | memoryview], part_bytes: int) -> Iterator[bytes]:
    buf = bytearray()
    for piece in pieces:
        view = memoryview(piece)
        while len(view):
            take = min(part_bytes - len(buf), len(view))
            buf += view[:take]
            view = view[take:]
            if len(buf) == part_bytes:
                yield bytes(buf)
                buf.clear()
    if buf:
        yield bytes(buf)


def _contents(rf: RegionForecast) -> tuple[dict[str, Any], list[tuple[str, np.ndarray]]]:
    """The header fields and the named arrays of ``rf``, in the stored order."""
    summary = [(f"{SUMMARY_PREFIX}{k}", v)
               for k, v in {**summaries(rf), **group_summaries(rf)}.items()]
    years = [(k, v) for k, v in summary if _by_year(k)]
    arrays = [(k, v) for k, v in summary if not _by_year(k)]
    arrays += [(name, getattr(rf, name)) for name in SMALL] + years + [("paths", rf.paths)]
    return _meta(rf), arrays


def _is_group(name: str) -> bool:
    """A group summary (``forecast.engine.hierarchy.group_summaries``; without the prefix)."""
    return name.startswith((GROUP_SUMMARY, SERIES_MEAN_SUMMARY))


def _by_year(name: str) -> bool:
    """A year's totals per series and path: stored after the small arrays, read when used."""
    return name.startswith(f"{SUMMARY_PREFIX}{SUMMARY_YEAR_REST}")


def pack(meta: dict[str, Any], named: list[tuple[str, np.ndarray]]) -> bytes:
    """The layout of versions 2 and 3: ``meta``, the arrays' table and the arrays in order.

    The last array's offset is the header's ``paths_at`` (version 3 puts the paths last).
    """
    return b"".join(_pieces(meta, named))


def _pieces(meta: dict[str, Any], named: list[tuple[str, np.ndarray]]
            ) -> Iterator[bytes | memoryview]:
    """:func:`pack`'s bytes as consecutive pieces (the arrays as views, not copies)."""
    arrays = [(name, np.ascontiguousarray(a)) for name, a in named]
    table, offset = [], 0
    for name, a in arrays:
        table.append({"name": name, "dtype": a.dtype.newbyteorder("<").str,
                      "shape": list(a.shape), "offset": offset})
        offset += _padded(a.nbytes)
    paths_at = offset - _padded(arrays[-1][1].nbytes)
    header = json.dumps({**meta, "arrays": table, "paths_at": paths_at},
                        ensure_ascii=False).encode("utf-8")
    yield from (MAGIC, struct.pack("<I", len(header)), header,
                b"\0" * (_padded(8 + len(header)) - 8 - len(header)))
    for _, a in arrays:
        little = a if a.dtype.byteorder in "<=|" else a.astype(a.dtype.newbyteorder("<"))
        yield little.data.cast("B")
        yield b"\0" * (_padded(a.nbytes) - a.nbytes)


def _padded(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def _header(data: Stored) -> tuple[dict[str, Any], int]:
    """Versions 2 and 3: the header and the data start (``data`` may end after the header)."""
    (size,) = struct.unpack_from("<I", data, len(MAGIC))
    if len(data) < 8 + size:
        raise ValueError("kort huvud")
    return json.loads(bytes(data[8: 8 + size]).decode("utf-8")), _padded(8 + size)


def _array(data: Stored, t: dict[str, Any], at: int) -> np.ndarray:
    shape = tuple(int(d) for d in t["shape"])
    count = int(np.prod(shape, dtype=np.int64))
    return np.frombuffer(data, dtype=np.dtype(t["dtype"]), count=count,
                         offset=at).reshape(shape)


def _read_v2(data: Stored, *, skip: frozenset[str] = frozenset()
             ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Versions 2 and 3: header and read-only views of the arrays (no copy).

    ``skip``: arrays left out (``data`` may end before them: version 3 read lazily).
    """
    meta, start = _header(data)
    arrays = {}
    for t in meta.pop("arrays"):
        if t["name"] in skip:
            continue
        arrays[str(t["name"])] = _array(data, t, start + int(t["offset"]))
    return meta, arrays


def _read_v1(data: Stored) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Version 1: the ``.npz`` zip."""
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        arrays = {name: z[name] for name in z.files}
    return json.loads(arrays.pop("meta").tobytes().decode("utf-8")), arrays


_UNREADABLE = (OSError, ValueError, KeyError, TypeError, struct.error, zipfile.BadZipFile,
               UnicodeDecodeError)


def _read(data: Stored) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    try:
        read = _read_v2 if bytes(data[: len(MAGIC)]) == MAGIC else _read_v1
        meta, arrays = read(data)
    except _UNREADABLE as exc:
        raise FormatError(f"den lagrade prognosen kan inte läsas ({type(exc).__name__})") \
            from None
    _check_version(meta)
    return meta, arrays


def _check_version(meta: dict[str, Any]) -> None:
    version = meta.get("format")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise FormatError(f"den lagrade prognosen har formatversion {version!r}, nyare än "
                          f"programmets ({FORMAT_VERSION}); uppgradera budgetprognos")


def from_bytes(data: Stored) -> RegionForecast:
    """The forecast stored by :func:`to_bytes` (arrays made read-only).

    Raises:
        FormatError: not such bytes, damaged, or a newer format.
    """
    meta, arrays = _read(data)
    return _build(meta, arrays, arrays.pop("paths"))


ReadRange = Callable[[int, int | None], Stored]
"""``read(start, length)``: that many stored bytes from ``start`` (None: to the end)."""
ReadRanges = Callable[[list[tuple[int, int]]], list[Stored]]
"""``read_many([(start, length), …])``: several ranges in one go (one open of the row)."""


def read_lazily(read: ReadRange, read_many: ReadRanges | None = None) -> RegionForecast:
    """The stored forecast, its paths read only when first used (version 3).

    Reads the header and the summaries and small arrays before the paths; the paths are
    :class:`forecast.engine.result.LazyPaths` reading the rest. Versions 1 and 2 (no
    summaries, paths not last) are read whole.

    Raises:
        FormatError: not such bytes, damaged, or a newer format (the paths: when read).
    """
    try:
        first = read(0, 8)
        if bytes(first[: len(MAGIC)]) != MAGIC:
            return from_bytes(read(0, None))
        (size,) = struct.unpack_from("<I", first, len(MAGIC))
        meta, start = _header(bytes(first) + bytes(read(8, size)))
        _check_version(meta)
        if int(meta["format"]) < 3:
            return from_bytes(read(0, None))
        at = start + int(meta["paths_at"])
        many = read_many or (lambda rs: [read(a, n) for a, n in rs])
        paths = _lazy_paths(read, many, meta, at)
        later = {str(t["name"]): t for t in meta["arrays"] if _by_year(str(t["name"]))}
        eager = min([start + int(t["offset"]) for t in later.values()] + [at])
        meta, arrays = _read_v2(read(0, eager), skip=frozenset({*later, "paths"}))
        read_later = {name: _lazy_array(read, many, t, start) for name, t in later.items()}
    except FormatError:
        raise
    except _UNREADABLE as exc:
        raise FormatError(f"den lagrade prognosen kan inte läsas ({type(exc).__name__})") \
            from None
    return _build(meta, {**arrays, **read_later}, paths)


def _lazy_array(read: ReadRange, read_many: ReadRanges, t: dict[str, Any],
                start: int) -> LazyArray:
    shape = tuple(int(d) for d in t["shape"])
    nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(t["dtype"]).itemsize
    at = start + int(t["offset"])

    def array() -> np.ndarray:
        data = read(at, nbytes)
        if len(data) != nbytes:
            raise FormatError("den lagrade prognosens sammanfattning är avkortad")
        return _array(data, t, 0)

    return LazyArray(shape, array, _row_reader(
        read_many, shape, np.dtype(t["dtype"]), at,
        "den lagrade prognosens sammanfattning är avkortad"))


def _row_reader(read_many: ReadRanges, shape: tuple[int, ...], dtype: np.dtype[Any],
                at: int, cut: str) -> Callable[[np.ndarray], np.ndarray]:
    """Reads some rows (first axis) of the array stored at ``at``.

    One range per run of consecutive rows; ``cut`` is the message when the bytes end early.
    """
    row_bytes = int(np.prod(shape[1:], dtype=np.int64)) * dtype.itemsize

    def rows(which: np.ndarray) -> np.ndarray:
        out = np.empty((len(which), *shape[1:]), dtype=dtype.newbyteorder("="))
        order = np.argsort(which, kind="stable")
        ordered = which[order]
        breaks = np.flatnonzero(np.diff(ordered) != 1) + 1
        runs = [r for r in np.split(np.arange(len(ordered)), breaks) if len(r)]
        if len(ordered) and (ordered[0] < 0 or ordered[-1] >= shape[0]):
            raise FormatError(f"serierna {ordered[0]}–{ordered[-1]} finns inte bland {shape[0]}")
        ranges = [(at + int(ordered[r[0]]) * row_bytes, len(r) * row_bytes) for r in runs]
        for run, (_, size), data in zip(runs, ranges, read_many(ranges), strict=True):
            if len(data) != size:
                raise FormatError(cut)
            out[order[run]] = np.frombuffer(data, dtype=dtype).reshape(len(run), *shape[1:])
        return out

    return rows


def _lazy_paths(read: ReadRange, read_many: ReadRanges, meta: dict[str, Any],
                at: int) -> LazyPaths:
    table = next(t for t in meta["arrays"] if t["name"] == "paths")
    shape = tuple(int(d) for d in table["shape"])

    def paths() -> np.ndarray:
        count = int(np.prod(shape, dtype=np.int64))
        nbytes = count * np.dtype(table["dtype"]).itemsize
        data = read(at, nbytes)
        if len(data) != nbytes:
            raise FormatError("den lagrade prognosens banor är avkortade")
        return _array(data, table, 0)

    rows = _row_reader(read_many, shape, np.dtype(table["dtype"]), at,
                       "den lagrade prognosens banor är avkortade")
    return LazyPaths((shape[0], shape[1], shape[2]), paths, rows)


def _eager(a: np.ndarray | LazyArray) -> np.ndarray:
    if isinstance(a, LazyArray):
        raise ValueError("ett fält som ska vara läst är det inte")
    return a


def _build(meta: dict[str, Any], arrays: Mapping[str, np.ndarray | LazyArray],
           paths: np.ndarray | LazyPaths) -> RegionForecast:
    try:
        keys = pd.DataFrame({c: meta["keys"][c] for c in meta["key_order"]})
        for a in arrays.values():
            if isinstance(a, np.ndarray) and a.flags.writeable:
                a.setflags(write=False)
        if isinstance(paths, np.ndarray) and paths.flags.writeable:
            paths.setflags(write=False)
        rf = RegionForecast(
            as_of=month_from_text(meta["as_of"]), keys=keys,
            months=pd.PeriodIndex([month_from_text(m) for m in meta["months"]]),
            paths=lazy(paths) if isinstance(paths, LazyPaths) else paths,
            **{name: _eager(arrays[name]) for name in SMALL},
            method=tuple(meta["method"]), notes=tuple(meta["notes"]),
            input_hash=str(meta["input_hash"]), seed=int(meta["seed"]),
            level_correction=tuple((str(a), float(b), int(c))
                                   for a, b, c in meta["level_correction"]),
            totals_width=tuple((str(a), float(b)) for a, b in meta["totals_width"]))
        stored = {k[len(SUMMARY_PREFIX):]: v for k, v in arrays.items()
                  if k.startswith(SUMMARY_PREFIX)}
        if not stored:
            return rf
        groups = {k: v for k, v in stored.items() if _is_group(k)}
        if any(isinstance(v, LazyArray) for v in groups.values()):
            raise ValueError("gruppernas sammanfattningar ska vara lästa")
        rf = with_summaries(rf, {k: v for k, v in stored.items() if not _is_group(k)})
        return with_group_summaries(rf, groups)
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"den lagrade prognosen är skadad ({type(exc).__name__})") from None
