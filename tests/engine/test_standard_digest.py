"""The standard's per-series pass gives the numbers it gave before the speed work, bit for bit.

The digest below was computed on main at fd842df on every 20th series of the embedded example:
each series' backtest choice (alias, APE, earlier years' errors, note) and its ``combo``
forecast (point, 200 float32 paths, method, note). A change that is meant to be only faster
must leave it as it is; a change of the standard's numbers changes it and says so. (The digest
is of this machine's floating point: another CPU or libm may differ in the last bit.)
"""

from __future__ import annotations

import hashlib

import numpy as np

STORED = "cadb7c0d7ef6bd96ef4b6dfd3a9645cbbc2515f708932cb1434cd0e9ea33b607"


def standard_pass_digest(every: int = 20, n_paths: int = 200) -> str:
    """sha256 of the standard's per-series outputs on every ``every``-th example series."""
    from forecast.engine import region as E
    from forecast.ledger.dataset import load_default

    ds = load_default()
    as_of = ds.last_outcome
    inp = E._prepare(ds, as_of)
    h = len(E.forecast_months(as_of))
    tasks = E._series_inputs(inp, as_of, h, ["combo"] * len(inp.uids))[::every]
    out = E._choose_forecast_chunk(tasks, as_of.month % 12, ("combo",), h, n_paths, 0,
                                   E.METHODS)
    d = hashlib.sha256()
    for choice, o in out:
        d.update(repr((choice.alias, choice.backtest_ape, choice.errors, choice.note,
                       o.uid, o.alias, o.note)).encode())
        d.update(np.ascontiguousarray(o.point, dtype=np.float64).tobytes())
        d.update(np.ascontiguousarray(o.paths).tobytes())
    return d.hexdigest()


def test_standard_numbers_unchanged() -> None:
    assert standard_pass_digest() == STORED


if __name__ == "__main__":
    print(standard_pass_digest())
