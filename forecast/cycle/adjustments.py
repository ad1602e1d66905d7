"""Adjustments (justeringar): a controller's judgement on top of the statistical forecast.

An adjustment is an amount in tkr, in the reports' sign convention (revenue +, cost −; a cost
12 mkr higher is ``-12000``), for the months ``start`` … ``end`` (default: the first forecast
month … December of the forecast year), spread evenly over those months. It targets one
unit × account series, or every series matching the fields given (unit, account, division,
category); over several series it is spread by a stated rule:

- ``prognos``: in proportion to each series' statistical forecast over the months (absolute);
- ``budget``: in proportion to each series' annual budget (absolute);
- ``lika``: equally.

A comment (the reason) is mandatory; author and time are kept. An optional range
``low_tkr`` ≤ ``amount_tkr`` ≤ ``high_tkr`` widens the forecast's distribution: each path draws
the adjustment's total from a two-piece uniform distribution on [low, high] whose mean is
exactly the stated amount (lower piece with probability (high − amount) / (high − low)), so
the table's adjustment column is the stated amount and every total still adds up.

Adjustments never change the statistical forecast: :func:`apply_adjustments` returns both,
the statistical and the final forecast, side by side (:class:`AdjustedForecast`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from forecast.cycle.final import Effects, final_forecast
from forecast.engine.hierarchy import series_year_paths
from forecast.engine.result import RegionForecast
from forecast.ledger.month import month_from_text, month_of, month_text
from forecast.seeding import series_rng

SPREAD_RULES = ("prognos", "budget", "lika")
KINDS = ("justering", "scenario")
MAX_ADJUSTMENTS = 500
MAX_AMOUNT_TKR = 1e9
MAX_ADJUSTMENT_COMMENT = 500
SCOPE_FIELDS = ("unit", "account", "division", "category")
SCOPE_LABELS = {"unit": "enhet", "account": "konto", "division": "division",
                "category": "kostnadsslag"}


class AdjustmentError(ValueError):
    """An adjustment does not fit the forecast; the message is Swedish and names the row."""


@dataclass(frozen=True)
class Adjustment:
    """One adjustment (see the module docstring). Months are ``YYYY-MM`` text."""

    comment: str
    amount_tkr: float
    unit: str = ""
    account: str = ""
    division: str = ""
    category: str = ""
    start: str = ""
    end: str = ""
    rule: str = "prognos"
    low_tkr: float | None = None
    high_tkr: float | None = None
    author: str = ""
    created: str = ""
    kind: str = "justering"
    """``justering`` (a controller's adjustment) or ``scenario`` (an adopted scenario
    assumption, part (d) of the prognosförändring)."""
    source_row: int | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """Identity across laid forecasts: the target and the comment (case-insensitive)."""
        parts = [getattr(self, f).strip().casefold() for f in SCOPE_FIELDS]
        return "|".join([self.kind, *parts, " ".join(self.comment.split()).casefold()])

    @property
    def scope_text(self) -> str:
        """The target in Swedish, e.g. ``enhet K101, konto Läkemedel``."""
        parts = [f"{SCOPE_LABELS[f]} {getattr(self, f)}" for f in SCOPE_FIELDS
                 if getattr(self, f)]
        return ", ".join(parts) or "hela regionen"

    def where(self) -> str:
        """``rad N: `` for messages about a row of a file, else the comment."""
        return f"rad {self.source_row}: " if self.source_row else f"justering '{self.comment}': "

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (stored with a laid forecast)."""
        d = asdict(self)
        d.pop("source_row")
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Adjustment:
        """Inverse of :meth:`to_dict` (unknown keys are refused)."""
        return cls(**d)


def check(adj: Adjustment) -> None:
    """Check one adjustment on its own (comment, amount, range, rule).

    Raises:
        AdjustmentError: naming the row and what is allowed.
    """
    w = adj.where()
    if not adj.comment.strip():
        raise AdjustmentError(f"{w}kommentar saknas; varje justering måste ha en orsak")
    if len(adj.comment) > MAX_ADJUSTMENT_COMMENT:
        raise AdjustmentError(f"{w}kommentaren har {len(adj.comment)} tecken; högst "
                              f"{MAX_ADJUSTMENT_COMMENT}")
    for name, v in (("belopp_tkr", adj.amount_tkr), ("låg_tkr", adj.low_tkr),
                    ("hög_tkr", adj.high_tkr)):
        if v is not None and (not math.isfinite(v) or abs(v) > MAX_AMOUNT_TKR):
            raise AdjustmentError(f"{w}{name} {v} är inget ändligt belopp inom ±1 000 000 000 tkr")
    if (adj.low_tkr is None) != (adj.high_tkr is None):
        raise AdjustmentError(f"{w}ange både låg_tkr och hög_tkr, eller ingen av dem")
    if adj.low_tkr is not None and adj.high_tkr is not None \
            and not adj.low_tkr <= adj.amount_tkr <= adj.high_tkr:
        raise AdjustmentError(f"{w}intervallet måste uppfylla låg_tkr ≤ belopp_tkr ≤ hög_tkr, "
                              f"fick {adj.low_tkr} / {adj.amount_tkr} / {adj.high_tkr}")
    if adj.kind not in KINDS:
        raise AdjustmentError(f"{w}okänd sort {adj.kind!r}; tillåtna: {', '.join(KINDS)}")
    if adj.rule not in SPREAD_RULES:
        raise AdjustmentError(f"{w}okänd fördelning {adj.rule!r}; tillåtna: "
                              f"{', '.join(SPREAD_RULES)}")


def _months(adj: Adjustment, rf: RegionForecast) -> np.ndarray:
    """Boolean mask over ``rf.months`` of the adjustment's months."""
    first, last_year = rf.months[0], month_of(rf.as_of.year, 12)
    w = adj.where()
    try:
        start = month_from_text(adj.start) if adj.start else first
        end = month_from_text(adj.end) if adj.end else last_year
    except ValueError:
        raise AdjustmentError(f"{w}månaden {adj.start!r}/{adj.end!r} känns inte igen; "
                              "skriv ÅÅÅÅ-MM") from None
    if start < first:
        raise AdjustmentError(f"{w}från_månad {start} har redan utfall; prognosens första "
                              f"månad är {first}")
    if end > rf.months[-1] or end < start:
        raise AdjustmentError(f"{w}till_månad {end} måste ligga mellan {start} och "
                              f"{rf.months[-1]}")
    return np.asarray((rf.months >= start) & (rf.months <= end))


def _rows(adj: Adjustment, rf: RegionForecast) -> np.ndarray:
    """Boolean mask over series matched by the adjustment's target fields."""
    mask = np.ones(rf.n_series, dtype=bool)
    w = adj.where()
    for f in SCOPE_FIELDS:
        v = getattr(adj, f).strip()
        if not v:
            continue
        col = rf.keys[f].astype(str)
        hit = (col == v).to_numpy()
        if not hit.any():
            known = sorted(set(col))
            shown = ", ".join(known[:60]) + (" …" if len(known) > 60 else "")
            raise AdjustmentError(f"{w}{SCOPE_LABELS[f]} {v!r} finns inte i prognosen; "
                                  f"tillåtna: {shown}")
        mask &= hit
    if not mask.any():
        raise AdjustmentError(f"{w}ingen serie i prognosen har {adj.scope_text}")
    return mask


def _weights(adj: Adjustment, rf: RegionForecast, rows: np.ndarray,
             months: np.ndarray, mean_monthly: np.ndarray) -> np.ndarray:
    """(n_series,) weights summing to 1 over ``rows`` by the adjustment's spread rule."""
    idx = np.flatnonzero(rows)
    w = np.zeros(rf.n_series)
    if len(idx) == 1 or adj.rule == "lika":
        w[idx] = 1.0 / len(idx)
        return w
    if adj.rule == "budget":
        base = np.abs(rf.annual_budget[idx])
    else:
        base = np.abs(mean_monthly[idx][:, months].sum(axis=1))
    if not np.isfinite(base).all() or base.sum() <= 0:
        raise AdjustmentError(f"{adj.where()}fördelning '{adj.rule}' går inte: "
                              f"{adj.scope_text} har {adj.rule} 0; välj en annan fördelning")
    w[idx] = base / base.sum()
    return w


def pattern(adj: Adjustment, rf: RegionForecast,
            mean_monthly: np.ndarray | None = None) -> np.ndarray:
    """(n_series, n_months) share of the adjustment per series and month (sums to 1).

    Raises:
        AdjustmentError: the adjustment itself, its target or its months do not fit.
    """
    check(adj)
    if mean_monthly is None:
        mean_monthly = rf.expected
    months = _months(adj, rf)
    rows = _rows(adj, rf)
    w = _weights(adj, rf, rows, months, mean_monthly)
    return np.outer(w, months / months.sum())


def total_draws(adj: Adjustment, n_paths: int, seed: int) -> np.ndarray:
    """(n_paths,) the adjustment's total per path: exactly its amount, or the widened range.

    Two-piece uniform on [low, high] with mean ``amount_tkr``, re-centred so that the mean
    over the paths is the stated amount exactly.
    """
    lo, hi, m = adj.low_tkr, adj.high_tkr, adj.amount_tkr
    if lo is None or hi is None or hi <= lo:
        return np.full(n_paths, m)
    rng = series_rng(seed, f"justering|{adj.key}")
    p_low = (hi - m) / (hi - lo)
    u = rng.random(n_paths)
    low_side = rng.random(n_paths) < p_low
    draws = np.where(low_side, lo + u * (m - lo), m + u * (hi - m))
    return draws - draws.mean() + m


@dataclass(frozen=True)
class AdjustedForecast:
    """The statistical forecast and the adjustments; the final forecast made on demand."""

    statistical: RegionForecast
    adjustments: tuple[Adjustment, ...]
    allocations: tuple[np.ndarray, ...]
    """Per adjustment: (n_series, n_months) stated amount per series and month, tkr."""
    shares: tuple[np.ndarray, ...] = ()
    """Per adjustment: (n_series, n_months) its share per series and month (sums to 1)."""
    draws: tuple[np.ndarray, ...] = ()
    """Per adjustment: (n_paths,) its total per path (:func:`total_draws`)."""
    mean_monthly: np.ndarray | None = None
    """(n_series, n_months) the statistical paths' mean per month (float64), if computed."""

    @property
    def adjustment_monthly(self) -> np.ndarray:
        """(n_series, n_months) sum of every adjustment's allocation."""
        out = np.zeros(self.statistical.point.shape)
        for a in self.allocations:
            out += a
        return out

    def statistical_mean_monthly(self) -> np.ndarray:
        """(n_series, n_months) mean of the statistical paths per month."""
        if self.mean_monthly is not None:
            return self.mean_monthly
        return self.statistical.expected

    def year_paths(self, year: int) -> np.ndarray:
        """(n_series, n_paths) final year total per series and path (float64, read-only).

        The forecast year includes the outcome to date; adjustments add their drawn totals.
        The final forecast's own (:func:`forecast.engine.hierarchy.series_year_paths`), so a
        laid version's figures and every table of the final forecast have one source.
        """
        return series_year_paths(self.final, year)

    @functools.cached_property
    def effects(self) -> Effects:
        """The adjustments' per-path effects (shares and drawn totals)."""
        return Effects(self.shares, self.draws)

    @functools.cached_property
    def final(self) -> RegionForecast:
        """The final forecast: statistical paths and point plus every adjustment.

        Made from the statistical forecast's summaries plus the adjustments' per-path effects
        (:mod:`forecast.cycle.final`): no series' paths are read, however many series an
        adjustment covers; the per-series final paths are made when a consumer asks for them.
        """
        rf = self.statistical
        if not self.adjustments:
            return rf
        return final_forecast(rf, self.effects, rf.point + self.adjustment_monthly)


def adopted(rf: RegionForecast, effects: dict[str, np.ndarray], *, author: str,
            created: str) -> list[tuple[Adjustment, np.ndarray]]:
    """Scenario assumptions adopted into the forecast, as ``scenario`` adjustments.

    Args:
        rf: the forecast the effects belong to.
        effects: assumption label → (n_series, n_months) effect, tkr (the scenario engine's
            attributed effects); an effect that is zero everywhere is left out.
        author: who adopted them.
        created: when.

    Returns:
        (adjustment, allocation) pairs for :func:`apply_adjustments`'s ``explicit``.
    """
    out = []
    for label, eff in effects.items():
        eff = np.asarray(eff, dtype=float)
        if eff.shape != rf.point.shape or not np.isfinite(eff).all():
            raise AdjustmentError(f"scenarioantagandet '{label}' har fel form eller ej "
                                  "ändliga belopp")
        if not eff.any():
            continue
        cols = np.flatnonzero(eff.any(axis=0))
        out.append((Adjustment(comment=f"Scenario: {label}", amount_tkr=float(eff.sum()),
                               start=month_text(rf.months[cols[0]]),
                               end=month_text(rf.months[cols[-1]]),
                               rule="lika", kind="scenario", author=author, created=created),
                    eff))
    return out


def apply_adjustments(rf: RegionForecast, adjustments: list[Adjustment] | tuple[Adjustment, ...],
                      explicit: list[tuple[Adjustment, np.ndarray]] | None = None,
                      ) -> AdjustedForecast:
    """The adjustments checked and allocated on ``rf`` (which is left unchanged).

    ``explicit`` adds adjustments whose allocation is given (n_series, n_months), e.g. adopted
    scenario assumptions (:func:`adopted`); they move the point and every path by the same
    amount.

    Raises:
        AdjustmentError: too many adjustments, two with the same target and comment, or one
            that does not fit the forecast (the first such is named).
    """
    adjustments = tuple(adjustments)
    given = list(explicit or [])
    if len(adjustments) + len(given) > MAX_ADJUSTMENTS:
        raise AdjustmentError(f"{len(adjustments)} justeringar; högst {MAX_ADJUSTMENTS}")
    seen: dict[str, Adjustment] = {}
    for a in adjustments:
        if a.key in seen:
            raise AdjustmentError(f"{a.where()}samma mål och kommentar som "
                                  f"{seen[a.key].where().rstrip(': ')}; slå ihop dem eller "
                                  "skriv olika kommentarer")
        seen[a.key] = a
    if not adjustments and not given:
        return AdjustedForecast(rf, (), ())
    mean_monthly = rf.expected
    shares = [pattern(a, rf, mean_monthly) for a in adjustments]
    allocs = [a.amount_tkr * sh for a, sh in zip(adjustments, shares, strict=True)]
    draws = [total_draws(a, rf.n_paths, rf.seed) for a in adjustments]
    for a, alloc in given:
        if a.key in seen:
            raise AdjustmentError(f"{a.where()}finns redan bland justeringarna")
        seen[a.key] = a
        total = float(alloc.sum())
        shares.append(alloc / total if total else alloc)
        allocs.append(alloc)
        draws.append(np.full(rf.n_paths, total if total else 1.0))
    return AdjustedForecast(rf, (*adjustments, *(a for a, _ in given)), tuple(allocs),
                            tuple(shares), tuple(draws), mean_monthly)
