"""A :class:`RegionForecast` as bytes and back: the stored statistical forecast's format.

Paths stay float32 and every array is kept bit for bit, so a stored forecast reads back
exactly (every consumer reads the paths: joint totals, scenario draws, fans).

Versions (``meta.format``):

- 1: NumPy's ``.npz`` (a zip of ``.npy`` arrays, read with ``allow_pickle=False``) with one
  extra member ``meta``: UTF-8 JSON of the non-array fields and the format version.
- 2 (written now): :data:`MAGIC`, the header's length (uint32, little-endian), the header
  (UTF-8 JSON: the fields of version 1's ``meta`` plus ``arrays``: name, dtype, shape and
  offset of each array from the data start), then the arrays' raw little-endian bytes,
  each starting on a 64-byte boundary. Reading makes no copy: each array is a read-only
  view of the stored bytes (at 5 000 series × 1 000 paths × 32 months the paths are 610 MB;
  version 1 needed a zip's CRC pass and a copy of them, about 15 s on a loaded 2-core
  machine). Not compressed: zlib on byte-shuffled float32 paths saved 24 % at about three
  times the writing time (embedded region), and ~1 s per 100 MB reading them back.

A newer format than :data:`FORMAT_VERSION` is refused with a Swedish message; older formats
keep loading (add a reader per version here when the format changes).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast
from forecast.ledger.month import month_from_text, month_text

FORMAT_VERSION = 2
MAGIC = b"BPRF"
"""The first bytes of a version-2 forecast (version 1 is a zip: ``PK``)."""
ALIGN = 64
ARRAYS = ("paths", "point", "ytd_outcome", "annual_budget", "prior_ytd_outcome",
          "prior_year_outcome", "backtest_ape")


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

    Memory holds the arrays and the one result: the arrays are joined as views.
    """
    arrays = [(name, np.ascontiguousarray(getattr(rf, name))) for name in ARRAYS]
    table, offset = [], 0
    for name, a in arrays:
        table.append({"name": name, "dtype": a.dtype.newbyteorder("<").str,
                      "shape": list(a.shape), "offset": offset})
        offset += _padded(a.nbytes)
    header = json.dumps({**_meta(rf), "arrays": table}, ensure_ascii=False).encode("utf-8")
    parts: list[Any] = [MAGIC, struct.pack("<I", len(header)), header,
                        b"\0" * (_padded(8 + len(header)) - 8 - len(header))]
    for _, a in arrays:
        little = a if a.dtype.byteorder in "<=|" else a.astype(a.dtype.newbyteorder("<"))
        parts += [little.data.cast("B"), b"\0" * (_padded(a.nbytes) - a.nbytes)]
    return b"".join(parts)


def _padded(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def _read_v2(data: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Version 2: header and read-only views of the arrays (no copy)."""
    (size,) = struct.unpack_from("<I", data, len(MAGIC))
    meta = json.loads(bytes(data[8: 8 + size]).decode("utf-8"))
    start = _padded(8 + size)
    arrays = {}
    for t in meta.pop("arrays"):
        shape = tuple(int(d) for d in t["shape"])
        count = int(np.prod(shape, dtype=np.int64))
        arrays[str(t["name"])] = np.frombuffer(data, dtype=np.dtype(t["dtype"]), count=count,
                                               offset=start + int(t["offset"])).reshape(shape)
    return meta, arrays


def _read_v1(data: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Version 1: the ``.npz`` zip."""
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        arrays = {name: z[name] for name in z.files}
    return json.loads(arrays.pop("meta").tobytes().decode("utf-8")), arrays


def _read(data: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    try:
        read = _read_v2 if bytes(data[: len(MAGIC)]) == MAGIC else _read_v1
        meta, arrays = read(data)
    except (OSError, ValueError, KeyError, TypeError, struct.error, zipfile.BadZipFile,
            UnicodeDecodeError) as exc:
        raise FormatError(f"den lagrade prognosen kan inte läsas ({type(exc).__name__})") \
            from None
    version = meta.get("format")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise FormatError(f"den lagrade prognosen har formatversion {version!r}, nyare än "
                          f"programmets ({FORMAT_VERSION}); uppgradera budgetprognos")
    return meta, arrays


def from_bytes(data: bytes) -> RegionForecast:
    """The forecast stored by :func:`to_bytes` (arrays made read-only).

    Raises:
        FormatError: not such bytes, damaged, or a newer format.
    """
    meta, arrays = _read(data)
    try:
        keys = pd.DataFrame({c: meta["keys"][c] for c in meta["key_order"]})
        for a in arrays.values():
            if a.flags.writeable:
                a.setflags(write=False)
        return RegionForecast(
            as_of=month_from_text(meta["as_of"]), keys=keys,
            months=pd.PeriodIndex([month_from_text(m) for m in meta["months"]]),
            **{name: arrays[name] for name in ARRAYS},
            method=tuple(meta["method"]), notes=tuple(meta["notes"]),
            input_hash=str(meta["input_hash"]), seed=int(meta["seed"]),
            level_correction=tuple((str(a), float(b), int(c))
                                   for a, b, c in meta["level_correction"]),
            totals_width=tuple((str(a), float(b)) for a, b in meta["totals_width"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"den lagrade prognosen är skadad ({type(exc).__name__})") from None
