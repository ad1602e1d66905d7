"""A :class:`RegionForecast` as bytes and back: the stored statistical forecast's format.

The format is NumPy's ``.npz`` (a zip of ``.npy`` arrays, read with ``allow_pickle=False``, so
loading never runs code) with one extra member ``meta``: UTF-8 JSON of the non-array fields
and the format version. Paths stay float32, so a stored forecast reads back bit for bit.

Versions (``meta.format``):

- 1: every field of :class:`RegionForecast` as of program 0.x (this module's first format).

A newer format than :data:`FORMAT_VERSION` is refused with a Swedish message; older formats
keep loading (add a reader per version here when the format changes).
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast

FORMAT_VERSION = 1
ARRAYS = ("paths", "point", "ytd_outcome", "annual_budget", "prior_ytd_outcome",
          "prior_year_outcome", "backtest_ape")
KEY_COLUMNS = ("unit", "account", "division", "account_type", "category")


class FormatError(ValueError):
    """Stored bytes that are not a forecast this program can read (Swedish message)."""


def _meta(rf: RegionForecast) -> dict[str, Any]:
    keys = rf.keys.reset_index(drop=True)
    return {
        "format": FORMAT_VERSION,
        "as_of": str(rf.as_of),
        "months": [str(m) for m in rf.months],
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
    """``rf`` as ``.npz`` bytes.

    Uncompressed: float32 paths barely compress (zlib on byte-shuffled paths saves 24 % at
    about three times the writing time, measured on the embedded region), and every path is
    kept bit for bit because every consumer reads them (joint totals, scenario draws). The
    zip is written to a temporary file and read back once, so memory holds the paths and
    the bytes, not the doubling buffer of an in-memory zip and its copy as well.
    """
    meta = np.frombuffer(json.dumps(_meta(rf), ensure_ascii=False).encode("utf-8"),
                         dtype=np.uint8)
    arrays: dict[str, Any] = {name: np.ascontiguousarray(getattr(rf, name)) for name in ARRAYS}
    with tempfile.TemporaryFile() as f:
        np.savez(f, meta=meta, **arrays)
        f.seek(0)
        return f.read()


def _read(data: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
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
            a.setflags(write=False)
        return RegionForecast(
            as_of=pd.Period(meta["as_of"], freq="M"), keys=keys,
            months=pd.PeriodIndex([pd.Period(m, freq="M") for m in meta["months"]]),
            **{name: arrays[name] for name in ARRAYS},
            method=tuple(meta["method"]), notes=tuple(meta["notes"]),
            input_hash=str(meta["input_hash"]), seed=int(meta["seed"]),
            level_correction=tuple((str(a), float(b), int(c))
                                   for a, b, c in meta["level_correction"]),
            totals_width=tuple((str(a), float(b)) for a, b in meta["totals_width"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"den lagrade prognosen är skadad ({type(exc).__name__})") from None
