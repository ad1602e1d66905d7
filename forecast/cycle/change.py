"""Prognosförändring: the change of the year-end forecast between two laid forecasts.

For a previous laid forecast at month m0 and a new one at m1 (same year, m0 < m1), per series
with e0 = the previous forecast's expected amount per month (statistical + adjustments):

- (a) ``outcome``: the new months' outcome (m0 + 1 … m1) minus e0 over those months;
- (b) ``restimate``: the statistical forecast of the remaining months (m1 + 1 … December),
  new minus previous;
- (c) ``adjustments``: per adjustment (matched by target and comment), its amount over the
  remaining months, new minus previous: added, changed or removed, each with its comment;
- (d) ``scenario``: the same for adopted scenario assumptions (adjustments of kind
  ``scenario``);
- (e) ``budget``: minus the change of the annual budget (zero unless the budget was revised).

(a) + (b) + (c) + (d) + (e) is exactly the change of the deviation from budget, per series and
so for every total (sums of series). Pure: it reads only the two laid forecasts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.cycle.grouping import group_rows
from forecast.cycle.laid import LAID_KEY_COLUMNS, LaidForecast
from forecast.io.formatting import fmt_mkr, month_label

PARTS = ("outcome", "restimate", "adjustments", "scenario", "budget")
PART_LABELS = {
    "outcome": "Utfall nya månader mot föregående prognos",
    "restimate": "Ny bedömning av återstående månader",
    "adjustments": "Justeringar",
    "scenario": "Scenarioantaganden",
    "budget": "Ändrad budget",
}
STATUS = {"added": "tillagd", "changed": "ändrad", "removed": "borttagen",
          "unchanged": "oförändrad"}


class ChangeError(ValueError):
    """Two laid forecasts that cannot be compared (Swedish message)."""


@dataclass(frozen=True)
class ForecastChange:
    """The decomposed change between two laid forecasts."""

    previous: LaidForecast
    current: LaidForecast
    series: pd.DataFrame
    """Per series: key columns, prev_deviation, new_deviation, change and the :data:`PARTS`."""
    adjustments: pd.DataFrame
    """Per adjustment key: kind, status, comment, scope, author, previous/new amount, effect
    over the remaining months (tkr), and per-series effects in ``effects`` (not exported)."""
    effects: dict[str, np.ndarray]
    """Adjustment key → (n_series,) effect per series of :attr:`series`."""

    def totals(self) -> dict[str, float]:
        """Region totals: prev/new deviation, change and each part (tkr)."""
        s = self.series
        return {c: float(s[c].sum()) for c in ("prev_deviation", "new_deviation", "change",
                                                *PARTS)}


def _align(prev: LaidForecast, cur: LaidForecast) -> tuple[pd.DataFrame, np.ndarray,
                                                             np.ndarray]:
    """Union of series keys with index arrays into prev and cur (-1 where absent)."""
    pu, cu = prev.uids, cur.uids
    order = list(dict.fromkeys([*cu, *pu]))
    pi = {u: i for i, u in enumerate(pu)}
    ci = {u: i for i, u in enumerate(cu)}
    ip = np.asarray([pi.get(u, -1) for u in order])
    ic = np.asarray([ci.get(u, -1) for u in order])
    keys = pd.concat([cur.series[list(LAID_KEY_COLUMNS)], prev.series[list(LAID_KEY_COLUMNS)]])
    keys = keys.assign(_uid=[*cu, *pu]).drop_duplicates("_uid").set_index("_uid")
    return keys.loc[order].reset_index(drop=True), ip, ic


def _take(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """values[idx] with zeros where idx is -1 (rows of any trailing shape)."""
    out = np.zeros((len(idx), *values.shape[1:]))
    ok = idx >= 0
    out[ok] = values[idx[ok]]
    return out


def _check(prev: LaidForecast, cur: LaidForecast) -> None:
    if prev.as_of.year != cur.as_of.year:
        raise ChangeError(f"prognoserna gäller olika år ({prev.as_of} och {cur.as_of}); "
                          "jämför två månader av samma år")
    if prev.as_of >= cur.as_of:
        raise ChangeError(f"föregående prognos ({prev.as_of}) måste ligga före den nya "
                          f"({cur.as_of})")
    if prev.dataset != cur.dataset:
        raise ChangeError(f"prognoserna hör till olika dataset ({prev.dataset!r} och "
                          f"{cur.dataset!r})")


def _adjustment_effects(prev: LaidForecast, cur: LaidForecast, ip: np.ndarray,
                        ic: np.ndarray, shift: int) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    old = {a.key: (a, al) for a, al in zip(prev.adjustments, prev.allocations, strict=True)}
    new = {a.key: (a, al) for a, al in zip(cur.adjustments, cur.allocations, strict=True)}
    rows, effects = [], {}
    for key in dict.fromkeys([*new, *old]):
        a0, al0 = old.get(key, (None, None))
        a1, al1 = new.get(key, (None, None))
        rest0 = _take(al0[:, shift:].sum(axis=1), ip) if al0 is not None else 0.0
        rest1 = _take(al1.sum(axis=1), ic) if al1 is not None else 0.0
        eff = np.asarray(rest1 - rest0, dtype=float) * np.ones(len(ip))
        if a0 is None:
            status = "added"
        elif a1 is None:
            status = "removed"
        else:
            same = (a0.amount_tkr, a0.start, a0.end, a0.low_tkr, a0.high_tkr, a0.rule) == \
                (a1.amount_tkr, a1.start, a1.end, a1.low_tkr, a1.high_tkr, a1.rule)
            status = "unchanged" if same and abs(eff).sum() < 1e-9 else "changed"
        a = a1 or a0
        assert a is not None
        effects[key] = eff
        rows.append({"key": key, "kind": a.kind, "status": status, "comment": a.comment,
                     "scope": a.scope_text, "author": a.author,
                     "previous_tkr": a0.amount_tkr if a0 else np.nan,
                     "new_tkr": a1.amount_tkr if a1 else np.nan, "effect_tkr": float(eff.sum())})
    cols = ["key", "kind", "status", "comment", "scope", "author", "previous_tkr", "new_tkr",
            "effect_tkr"]
    return pd.DataFrame(rows, columns=cols), effects


def decompose(prev: LaidForecast, cur: LaidForecast) -> ForecastChange:
    """The decomposition of the change from ``prev`` to ``cur`` (module docstring).

    Raises:
        ChangeError: different years or datasets, or ``prev`` not before ``cur``.
    """
    _check(prev, cur)
    keys, ip, ic = _align(prev, cur)
    shift = (cur.as_of - prev.as_of).n
    p, c = prev.series, cur.series
    e0 = _take(prev.stat_monthly + prev.adj_monthly, ip)
    ytd0, ytd1 = _take(p["ytd_outcome"].to_numpy(), ip), _take(c["ytd_outcome"].to_numpy(), ic)
    bud0, bud1 = (_take(p["annual_budget"].to_numpy(), ip),
                  _take(c["annual_budget"].to_numpy(), ic))
    f0, f1 = _take(p["final_year"].to_numpy(), ip), _take(c["final_year"].to_numpy(), ic)
    outcome = (ytd1 - ytd0) - e0[:, :shift].sum(axis=1)
    restimate = _take(cur.stat_monthly.sum(axis=1), ic) - \
        _take(prev.stat_monthly[:, shift:].sum(axis=1), ip)
    adj, effects = _adjustment_effects(prev, cur, ip, ic, shift)
    kinds = dict(zip(adj["key"], adj["kind"], strict=True))
    zero = np.zeros(len(keys))
    adjustments = sum((effects[k] for k in effects if kinds[k] == "justering"), zero)
    scenario = sum((effects[k] for k in effects if kinds[k] == "scenario"), zero)
    series = keys.assign(prev_deviation=f0 - bud0, new_deviation=f1 - bud1,
                         change=(f1 - bud1) - (f0 - bud0), outcome=outcome,
                         restimate=restimate, adjustments=adjustments, scenario=scenario,
                         budget=-(bud1 - bud0))
    return ForecastChange(prev, cur, series, adj, effects)


# --------------------------------------------------------------------------- tables


def _reasons(adjustments: list[tuple[np.ndarray, str]], parts: dict[str, np.ndarray],
             rows: np.ndarray, shown: int = 4) -> str:
    """The adjustments behind a group of series, largest effect first, with comments.

    ``adjustments``: per adjustment its effect per series and its text ("comment (status");
    ``parts``: the outcome and re-estimate per series.
    """
    items = []
    for effect, text in adjustments:
        eff = float(effect[rows].sum())
        if abs(eff) >= 50:
            items.append((eff, f"{text}, {fmt_mkr(eff, 1)})"))
    items.sort(key=lambda t: -abs(t[0]))
    extra = []
    for part in ("outcome", "restimate"):
        v = float(parts[part][rows].sum())
        if abs(v) >= 50:
            extra.append((v, f"{PART_LABELS[part].lower()} {fmt_mkr(v, 1)}"))
    extra.sort(key=lambda t: -abs(t[0]))
    return "; ".join(t for _, t in [*items[:shown], *extra])


def change_table(fc: ForecastChange, by: tuple[str, ...] = ("division", "category")
                 ) -> pd.DataFrame:
    """Per group of ``by`` and per division total and the region: the bars and reasons (tkr).

    Columns: the group columns (Swedish), Föregående prognos (avvikelse), each part of
    :data:`PART_LABELS`, Förändring, Ny prognos (avvikelse), Orsaker. Every row's parts add up
    to its change; every total is the sum of its rows.
    """
    s = fc.series
    cols = {c: s[c].to_numpy(dtype=float)
            for c in ("prev_deviation", *PARTS, "change", "new_deviation")}
    adjs = [(fc.effects[r.key], f"{r.comment} ({STATUS[r.status]}")
            for r in fc.adjustments.itertuples()]
    out = []
    for rec, rows in group_rows(s, by):
        rec["Föregående prognos"] = float(cols["prev_deviation"][rows].sum())
        rec.update({PART_LABELS[p]: float(cols[p][rows].sum()) for p in PARTS})
        rec["Förändring"] = float(cols["change"][rows].sum())
        rec["Ny prognos"] = float(cols["new_deviation"][rows].sum())
        rec["Orsaker"] = _reasons(adjs, cols, rows)
        out.append(rec)
    return pd.DataFrame(out)


def adjustment_table(fc: ForecastChange) -> pd.DataFrame:
    """The adjustments of both forecasts with status, amounts, effect and comment (tkr)."""
    a = fc.adjustments
    return pd.DataFrame({
        "Sort": a["kind"], "Status": a["status"].map(STATUS), "Mål": a["scope"],
        "Kommentar": a["comment"], "Författare": a["author"],
        "Belopp föregående": a["previous_tkr"], "Belopp nytt": a["new_tkr"],
        "Effekt på förändringen": a["effect_tkr"],
    })


# --------------------------------------------------------------------------- sentence


def _decimals(*tkr: float) -> int:
    return 0 if max(abs(v) for v in tkr) >= 100_000 else 1


def _causes(fc: ForecastChange, sign: float, limit: int = 3) -> list[str]:
    t = fc.totals()
    months = pd.period_range(fc.previous.as_of + 1, fc.current.as_of, freq="M")
    span = month_label(months[0], long=True) if len(months) == 1 else \
        f"{month_label(months[0], long=True)}–{month_label(months[-1], long=True)}"
    worse = "sämre" if t["outcome"] < 0 else "bättre"
    cands: list[tuple[float, str]] = []
    for r in fc.adjustments.itertuples():
        if r.status == "unchanged":
            continue
        what = r.comment.rstrip(". ")
        if r.status == "removed":
            what = f"att justeringen '{what}' tagits bort"
        cands.append((r.effect_tkr, f"{what} ({fmt_mkr(r.effect_tkr, 1)})"))
    cands.append((t["outcome"], f"att utfallet i {span} blev {fmt_mkr(abs(t['outcome']), 1)} "
                                f"{worse} än föregående prognos räknade med"))
    cands.append((t["restimate"], f"den nya bedömningen av årets återstående månader "
                                  f"({fmt_mkr(t['restimate'], 1)})"))
    if abs(t["budget"]) > 0.05:
        cands.append((t["budget"], f"ändrad budget ({fmt_mkr(t['budget'], 1)})"))
    floor = max(50.0, 0.05 * abs(t["change"]))
    same = [(v, txt) for v, txt in cands if v * sign >= floor]
    same.sort(key=lambda c: -abs(c[0]))
    return [txt for _, txt in same[:limit]]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} och {items[-1]}"


def sentence(fc: ForecastChange) -> str:
    """The Swedish summary in the seed's words, the largest causes named with comments.

    E.g. "Prognosen har försämrats från föregående månad från -303 mkr till -320 mkr på
    helår, främst på grund av ökade kostnader för 11 timmars dygnsvila (-12,0 mkr) och …".
    """
    t = fc.totals()
    d = _decimals(t["prev_deviation"], t["new_deviation"])
    prev, new = fmt_mkr(t["prev_deviation"], d), fmt_mkr(t["new_deviation"], d)
    if abs(t["change"]) < 0.5:
        return f"Prognosen är oförändrad från föregående månad, {new} på helår."
    verb = "försämrats" if t["change"] < 0 else "förbättrats"
    head = f"Prognosen har {verb} från föregående månad från {prev} till {new} på helår"
    causes = _causes(fc, np.sign(t["change"]))
    return f"{head}, främst på grund av {_join(causes)}." if causes else f"{head}."


def bridge(fc: ForecastChange) -> pd.DataFrame:
    """The change as bridge rows: previous deviation, each non-zero part, new deviation.

    Columns step, kind ('start'/'assumption'/'end'), value_tkr and cumulative_tkr.
    """
    t = fc.totals()
    rows = [("Föregående prognos", "start", t["prev_deviation"])]
    rows += [(PART_LABELS[p], "assumption", t[p]) for p in PARTS if abs(t[p]) >= 0.5]
    cum, out = 0.0, []
    for step, kind, v in rows:
        cum = v if kind == "start" else cum + v
        out.append({"step": step, "kind": kind, "value_tkr": v, "cumulative_tkr": cum})
    out.append({"step": "Ny prognos", "kind": "end", "value_tkr": t["new_deviation"],
                "cumulative_tkr": t["new_deviation"]})
    return pd.DataFrame(out)
