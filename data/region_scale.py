"""Generate a region-scale example ledger: 2 000, 5 000 or 20 000 unit × account series.

The embedded example (``data/generate.py``) has 443 series. A mid-size region books on
1 000–2 000 responsibility units, and a real ledger gives 2 000–20 000 unit × account series,
many short or sparse. This generator makes such a ledger, synthetic and seeded, for the
benchmarks (``bench/bench_scale.py``) and the slow tests; it is never committed as data.

Shape (fixed by the seed; every figure is invented):

- outcome (``utfall``) January 2020 – April 2024 and a monthly budget for every month of
  2020–2024; divisions of 40–200 units; each unit books on a subset of the 18 leaf accounts
  of the standard chart (``forecast.ledger.dimensions.DEFAULT_ACCOUNTS``), so the series are
  exactly ``n_series`` unit × leaf pairs;
- each series one of five kinds: *regular* (level × season × trend × AR(1) noise, 55 %),
  *noisy* (the same with 4–6 × the noise, 15 %), *sparse* (a booking in 10–40 % of the
  months, 12 %), *new* (starts in 2022–2024, 10 %), *closed* (stops in 2022–2023, 8 %);
- a wage step each April on personnel cost, a summer dip in own staff and a summer rise in
  agency staff, revenue positive and cost negative (reports' sign convention);
- the budget of a year: the previous year's outcome + 2–5 %, spread by the series' season
  (a new series gets its first-year level; a closed series none after its closing year).

Every unit × account series has at least one outcome month, so ``n_series`` is what the
engine forecasts. Re-running with the same ``n_series`` and seed writes byte-identical files.

Usage::

    python data/region_scale.py --series 5000 [--seed 0] --out DIR

writes ``DIR/ledger.csv`` (the canonical ledger format of ``data/ledger.csv``) and
``DIR/units.csv``; :func:`dataset` gives the same data as a ``Dataset`` without files.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(ROOT))

from forecast.ledger import schema as S  # noqa: E402
from forecast.ledger.dataset import Dataset  # noqa: E402
from forecast.ledger.dimensions import DEFAULT_ACCOUNTS, OrgHierarchy, Unit  # noqa: E402

SIZES = (2_000, 5_000, 20_000)
"""The region sizes the benchmarks use."""
FIRST = pd.Period("2020-01", freq="M")
LAST_OUTCOME = pd.Period("2024-04", freq="M")
LAST_BUDGET = pd.Period("2024-12", freq="M")
MONTHS = pd.period_range(FIRST, LAST_BUDGET, freq="M")
NT = len(MONTHS)
T_OUT = (LAST_OUTCOME - FIRST).n + 1
MONTH_NO = np.array([p.month for p in MONTHS])
YEAR_NO = np.array([p.year for p in MONTHS])
KINDS = ("regular", "noisy", "sparse", "new", "closed")
KIND_SHARES = (0.55, 0.15, 0.12, 0.10, 0.08)
DIVISIONS = ("Kirurgi", "Medicin", "Psykiatri", "Nära vård", "Barn och kvinna",
             "Diagnostik", "Tandvård", "Stab")

ACCOUNTS = tuple(a.name for a in DEFAULT_ACCOUNTS)
_REVENUE = np.array([a.type == "intakt" for a in DEFAULT_ACCOUNTS])
# How common each leaf is in a unit (personnel in every unit, helicopter-type services rare)
# and its typical monthly size in tkr.
# The unsplit agency leaf is never used (agency cost is booked split by staff group).
_ACCOUNT_WEIGHT = np.array([0.6, 0.5, 0.5, 0.6, 1.0, 0.35, 0.25, 0.7, 0.3, 0.3, 0.3, 0.0,
                            0.7, 0.8, 0.2, 0.7, 0.5, 0.9, 0.6])
_ACCOUNT_LEVEL = np.array([40, 150, 120, 15, 900, 200, 60, 150, 80, 60, 40, 50, 200, 90,
                           10, 25, 8, 80, 20])
assert len(_ACCOUNT_WEIGHT) == len(_ACCOUNT_LEVEL) == len(ACCOUNTS)
_PERSONNEL = ACCOUNTS.index("Personalkostnader")
_AGENCY = np.array(["Inhyrd personal" in a for a in ACCOUNTS])


def _pairs(n_series: int, rng: np.random.Generator) -> tuple[list[Unit], np.ndarray, np.ndarray]:
    """Units (in divisions) and the (unit index, account index) of every series."""
    probs = _ACCOUNT_WEIGHT / _ACCOUNT_WEIGHT.sum()
    unit_idx: list[int] = []
    acc_idx: list[int] = []
    units: list[Unit] = []
    while len(acc_idx) < n_series:
        u = len(units)
        k = int(np.clip(rng.poisson(11), 3, int((_ACCOUNT_WEIGHT > 0).sum())))
        accs = np.sort(rng.choice(len(ACCOUNTS), size=k, replace=False, p=probs))
        if _PERSONNEL not in accs and k > 3:
            accs[0] = _PERSONNEL
            accs = np.unique(accs)
        take = accs[: n_series - len(acc_idx)]
        division = DIVISIONS[int(rng.integers(len(DIVISIONS)))]
        units.append(Unit(id=f"E{u + 1:05d}", name=f"Enhet {u + 1}", division=division))
        unit_idx += [u] * len(take)
        acc_idx += take.tolist()
    return units, np.asarray(unit_idx), np.asarray(acc_idx)


def _shapes(acc: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(n, NT) positive monthly magnitudes over every month, and each series' kind index."""
    n = len(acc)
    kind = rng.choice(len(KINDS), size=n, p=KIND_SHARES)
    t = np.arange(NT)
    level = _ACCOUNT_LEVEL[acc] * rng.lognormal(0.0, 1.0, n)
    amp = rng.uniform(0.0, 0.2, n)
    phase = rng.uniform(0, 2 * np.pi, n)
    season = 1 + amp[:, None] * np.cos(2 * np.pi * t[None, :] / 12 + phase[:, None])
    summer = np.isin(MONTH_NO, (7, 8))[None, :]
    season = np.where(summer & (acc == _PERSONNEL)[:, None], season * 0.85, season)
    season = np.where(summer & _AGENCY[acc][:, None], season * 1.4, season)
    growth = rng.normal(0.03, 0.04, n)
    trend = (1 + growth[:, None]) ** (t[None, :] / 12)
    wage = np.where(acc[:, None] == _PERSONNEL,
                    1.035 ** ((YEAR_NO - 2020) + (MONTH_NO >= 4))[None, :], 1.0)
    sigma = rng.uniform(0.01, 0.08, n) * np.where(kind == KINDS.index("noisy"), 5.0, 1.0)
    eps = rng.standard_normal((n, NT)) * sigma[:, None]
    ar = np.zeros_like(eps)
    for j in range(NT):
        ar[:, j] = eps[:, j] + (0.5 * ar[:, j - 1] if j else 0.0)
    x = level[:, None] * season * trend * wage * np.clip(1 + ar, 0.05, None)
    return x, kind


def _activity(kind: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(n, NT) booleans: months with outcome, and months with budget."""
    n = len(kind)
    t = np.arange(NT)[None, :]
    start = np.where(kind == KINDS.index("new"),
                     rng.integers((pd.Period("2022-01", freq="M") - FIRST).n, T_OUT, n), 0)
    stop = np.where(kind == KINDS.index("closed"),
                    rng.integers((pd.Period("2022-01", freq="M") - FIRST).n,
                                 (pd.Period("2023-12", freq="M") - FIRST).n, n), NT)
    alive = (t >= start[:, None]) & (t < stop[:, None])
    booked = rng.uniform(size=(n, NT)) < np.where(kind == KINDS.index("sparse"),
                                                  rng.uniform(0.1, 0.4, n), 1.0)[:, None]
    outcome = alive & booked & (t < T_OUT)
    outcome[np.arange(n), np.minimum(np.maximum(start, 0), T_OUT - 1)] = True  # ≥ 1 month
    start_year = YEAR_NO[start]
    stop_year = YEAR_NO[np.minimum(stop, NT - 1)]
    budget = (YEAR_NO[None, :] >= start_year[:, None]) & (YEAR_NO[None, :] <= stop_year[:, None])
    return outcome, budget


def _budget(x: np.ndarray, outcome: np.ndarray, has_budget: np.ndarray,
            rng: np.random.Generator) -> np.ndarray:
    """(n, NT) monthly budget: previous year's outcome + 2–5 %, spread by the season."""
    n = len(x)
    out = np.where(outcome, x, 0.0)
    budget = np.zeros_like(x)
    uplift = rng.uniform(1.02, 1.05, n)
    for year in range(FIRST.year, LAST_BUDGET.year + 1):
        cols = YEAR_NO == year
        prev = out[:, YEAR_NO == year - 1].sum(axis=1) if year > FIRST.year else 0 * uplift
        shape = x[:, cols] / x[:, cols].sum(axis=1, keepdims=True)
        first_year = x[:, cols].sum(axis=1)  # a series' own level where no earlier year
        annual = np.where(prev > 0, prev * uplift, first_year)
        budget[:, cols] = annual[:, None] * shape
    return np.where(has_budget, budget, 0.0)


def generate(n_series: int, seed: int = 0) -> tuple[pd.DataFrame, list[Unit]]:
    """The ledger frame (canonical columns, tkr, reports' sign) and the units.

    Args:
        n_series: unit × account series (1..50 000).
        seed: the generator's seed; the same arguments give the same data.
    """
    if not 1 <= n_series <= 50_000:
        raise ValueError(f"n_series must be 1..50 000, got {n_series}")
    rng = np.random.default_rng([seed, n_series])
    units, u_idx, a_idx = _pairs(n_series, rng)
    x, kind = _shapes(a_idx, rng)
    outcome, has_budget = _activity(kind, rng)
    budget = _budget(x, outcome, has_budget, rng)
    sign = np.where(_REVENUE[a_idx], 1.0, -1.0)[:, None]
    out_amt = np.round(np.where(outcome, x, 0.0) * sign, 1)
    bud_amt = np.round(budget * sign, 1)
    unit_ids = np.array([u.id for u in units])[u_idx]
    acc_names = np.array(ACCOUNTS)[a_idx]
    frames = []
    for kind_name, amt, mask in ((S.UTFALL, out_amt, outcome), (S.BUDGET, bud_amt, has_budget)):
        i, j = np.nonzero(mask & (amt != 0))
        frames.append(pd.DataFrame({S.PERIOD: MONTHS[j], S.UNIT: unit_ids[i],
                                    S.ACCOUNT: acc_names[i], S.KIND: kind_name,
                                    S.AMOUNT: amt[i, j]}))
    ledger = pd.concat(frames, ignore_index=True)
    return S.validate_ledger(ledger), units


def to_csv_bytes(ledger: pd.DataFrame, units: list[Unit]) -> tuple[bytes, bytes]:
    """The ledger and units as canonical CSV bytes (UTF-8, ``,``, LF, amounts ``%.1f``)."""
    led = ledger.assign(**{S.PERIOD: ledger[S.PERIOD].astype(str)})
    buf = io.StringIO()
    led.to_csv(buf, index=False, lineterminator="\n", float_format="%.1f")
    ubuf = io.StringIO()
    pd.DataFrame({"unit": [u.id for u in units], "unit_name": [u.name for u in units],
                  "division": [u.division for u in units]}).to_csv(
        ubuf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8"), ubuf.getvalue().encode("utf-8")


def dataset(n_series: int, seed: int = 0) -> Dataset:
    """The generated region as a :class:`Dataset` (source hash over its CSV bytes)."""
    ledger, units = generate(n_series, seed)
    led_bytes, unit_bytes = to_csv_bytes(ledger, units)
    digest = hashlib.sha256(led_bytes + unit_bytes).hexdigest()
    return Dataset(ledger=ledger, org=OrgHierarchy(units=tuple(units)),
                   source=f"genererad region ({n_series} serier, frö {seed})",
                   source_hash=digest)


def write(n_series: int, out: Path, seed: int = 0) -> list[Path]:
    """Write ``ledger.csv`` and ``units.csv`` for ``n_series`` into ``out``; the paths."""
    out.mkdir(parents=True, exist_ok=True)
    led_bytes, unit_bytes = to_csv_bytes(*generate(n_series, seed))
    paths = [out / "ledger.csv", out / "units.csv"]
    paths[0].write_bytes(led_bytes)
    paths[1].write_bytes(unit_bytes)
    return paths


def main(argv: list[str] | None = None) -> None:
    """Command line: write one generated region's files."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--series", type=int, default=SIZES[0])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    for path in write(a.series, a.out, a.seed):
        print(path)


if __name__ == "__main__":
    main()
