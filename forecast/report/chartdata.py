"""The data of the report's charts (pure; amounts in mkr)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast
from forecast.followup import tables as F
from forecast.io.formatting import MONTHS_LONG, MONTHS_SHORT, fmt_number, fmt_pct, month_label
from forecast.ledger import schema as S
from forecast.ledger.as_of import available_months
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import PERSONAL, agency_account
from forecast.ledger.index import ledger_index, period_ordinal
from forecast.ledger.month import month_from_text
from forecast.report.figures import AVVIKELSE, BUDGET_HEADING, PROGNOS
from forecast.report.model import Chart, ReportTable, clean_text
from forecast.report.rounding import apportion, printed_mkr, round_half_away

KEY_BUDGET_BRIDGE = "brygga_budget"

FAN_COLUMNS = ("Månad", "Ack utfall", "Ack budget", "Prognos", "P10", "P90")


def fan_chart(ds: Dataset, rf: RegionForecast) -> Chart:
    """Accumulated net result by month: outcome, budget, and the forecast with P10–P90.

    The forecast starts at the accumulated outcome of the as-of month and adds each path's
    remaining months; its December mean is the year's Prognos, its P10/P90 the year's range.
    """
    p = rf.as_of
    mon = F.monthly(ds, p)
    m = rf.month_mask(p.year)
    rest = rf.total_paths()[:, m]  # (n_paths, months left): stored with the forecast
    start = float(rf.ytd_outcome.sum())
    cum = start + np.cumsum(rest, axis=1)
    n_done = p.month
    mean = np.full(12, np.nan)
    lo, hi = np.full(12, np.nan), np.full(12, np.nan)
    mean[n_done - 1] = lo[n_done - 1] = hi[n_done - 1] = start
    if cum.shape[1]:
        mean[n_done:] = cum.mean(axis=0)
        lo[n_done:], hi[n_done:] = np.quantile(cum, [0.1, 0.9], axis=0)
    data = pd.DataFrame({
        "Månad": list(MONTHS_SHORT),
        "Ack utfall": mon["Ack utfall"].to_numpy() / 1000.0,
        "Ack budget": mon["Ack budget"].to_numpy() / 1000.0,
        "Prognos": mean / 1000.0, "P10": lo / 1000.0, "P90": hi / 1000.0,
    })
    return Chart("utfall_prognos", "fan",
                 f"Nettokostnad ackumulerat {p.year}: utfall, budget och prognos, mkr", data,
                 caption="Skuggat band: P10–P90 (80 % sannolikhet). Prognosen vid december "
                         "är årsprognosen.")


def agency_share_history(ds: Dataset, as_of: pd.Period, months: int = 24) -> pd.DataFrame:
    """Agency share of own personnel cost, rolling 12 months, for each month up to ``as_of``.

    Columns: Månad (``YYYY-MM``), Hyrandel R12 % (NaN where the 12 months are incomplete).
    The last value is the follow-up table's *Hyrandel R12 %* for ``as_of``. The outcome rows
    are found by the ledger's index (:func:`forecast.followup.tables.outcome_rows_on`), each
    month's sum over them in ledger order.
    """
    leaves = [agency_account(c) for c in F.AGENCY_LABELS]
    idx = ledger_index(ds)
    amount = ds.ledger[S.AMOUNT]

    def per_month(accounts: list[str]) -> pd.Series:
        rows = F.outcome_rows_on(ds, accounts)
        return amount.iloc[rows].groupby(idx.month[rows]).sum()

    agency, personal = per_month(leaves), per_month([PERSONAL])
    have = {period_ordinal(m) for m in available_months(ds)}
    rows = []
    last = period_ordinal(as_of)
    shown = pd.PeriodIndex.from_ordinals(range(last - (months - 1), last + 1), freq="M")
    for month, m in zip(shown, shown.asi8, strict=True):
        window = np.arange(m - 11, m + 1)
        complete = all(int(w) in have for w in window)
        a = float(agency.reindex(window).fillna(0.0).sum())
        pers = float(personal.reindex(window).fillna(0.0).sum())
        share = a / pers * 100.0 if complete and pers else np.nan
        rows.append((str(month), share))
    return pd.DataFrame(rows, columns=["Månad", "Hyrandel R12 %"])


def share_chart(ds: Dataset, as_of: pd.Period, target_pct: float) -> Chart:
    """The agency share R12 by month against the target."""
    return Chart("hyrandel", "share", "Hyrandel, rullande 12 månader, mot målet",
                 agency_share_history(ds, as_of), params={"target_pct": target_pct},
                 caption=f"Streckad linje: målet högst {fmt_pct(target_pct, 0)} av "
                         "personalkostnaden.")


CUT_RATIO = 0.25
"""A waterfall whose steps span less than this share of its largest total is drawn on a
shortened axis (the totals cut and marked), so the steps can be seen."""
CUT_NOTE = ("Axeln börjar inte vid noll: start- och slutstaplarna är avkortade (markerade "
            "med snedstreck); siffrorna är hela värdena.")


def bridge_levels(values: list[float], kinds: list[str]) -> tuple[list[float], list[float]]:
    """Each bar's bottom and height: totals from zero, steps from the running level."""
    bottoms, heights, level = [], [], 0.0
    for v, k in zip(values, kinds, strict=True):
        if k in ("start", "end"):
            bottoms.append(0.0)
            level = v
        else:
            bottoms.append(level)
            level += v
        heights.append(v)
    return bottoms, heights


def bridge_is_cut(values: list[float], kinds: list[str]) -> bool:
    """Whether the waterfall is drawn on a shortened axis (:data:`CUT_RATIO`)."""
    bottoms, heights = bridge_levels(values, kinds)
    ends = [b + h for b, h in zip(bottoms, heights, strict=True)]
    ends += [b for b, k in zip(bottoms, kinds, strict=True) if k == "step"]
    totals = [abs(v) for v, k in zip(values, kinds, strict=True) if k != "step"]
    span = max(ends) - min(ends)
    same_sign = all(v < 0 for v in ends) or all(v > 0 for v in ends)
    return bool(totals) and same_sign and span < CUT_RATIO * max(totals)


def bridge_chart(key: str, title: str, table: ReportTable, column: str,
                 caption: str = "", drop: tuple[str, ...] = ()) -> Chart:
    """A waterfall from a printed table: first row the start, last row the end.

    Rows in ``drop`` (e.g. a subtotal) are left out; the bars are the table's cells. When the
    steps are small beside the totals the axis is shortened and the caption says so.
    """
    rows = [r for r in table.frame.index if r not in drop]
    values = [table.cell(r, column) for r in rows]
    kinds = ["start", *["step"] * (len(rows) - 2), "end"]
    data = pd.DataFrame({"Post": [str(r) for r in rows], "Värde": values, "Typ": kinds})
    cut = bridge_is_cut(values, kinds)
    if cut:
        caption = f"{caption} {CUT_NOTE}".strip()
    return Chart(key, "bridge", title, data, caption=caption, params={"cut": float(cut)})


def budget_bridge_table(category: ReportTable, forecast: ReportTable, *,
                        n_largest: int = 6) -> ReportTable:
    """Budget → Prognos of the year's net cost, by the largest category deviations (mkr).

    Start and end are the forecast table's printed budget and Prognos; the category bars
    (from the category table's deviation column, tkr) are apportioned to their difference,
    the remaining categories summed in one bar ``Övriga kostnadsslag``.
    """
    frame = category.frame
    totals = set(category.total_rows)
    cats = [r for r in frame.index if r not in totals and not str(r).startswith("varav ")]
    dev = frame.loc[cats, AVVIKELSE].astype(float) / 1000.0  # printed tkr → mkr
    top = list(dev.abs().sort_values(ascending=False, kind="stable").index[:n_largest])
    steps = [(str(c), float(dev[c])) for c in top]
    if len(dev) > len(top):
        steps.append(("Övriga kostnadsslag", float(dev.drop(top).sum())))
    start = forecast.cell(F.NET, BUDGET_HEADING)
    end = forecast.cell(F.NET, PROGNOS)
    parts = [round_half_away(v) for _, v in steps]
    if len(steps) > len(top):  # the other categories take the rounding: the bars add up
        parts[-1] = end - start - sum(parts[:-1])
    else:
        parts = list(apportion([v for _, v in steps], end - start))
    index = ["Budget", *(lab for lab, _ in steps), "Prognos"]
    table = pd.DataFrame({"Nettokostnad helår": [start, *parts, end]}, index=pd.Index(index))
    return ReportTable(KEY_BUDGET_BRIDGE, "Från budget till årsprognos, största avvikelser per "
                       "kostnadsslag", table, "Post", total_rows=("Prognos",),
                       note="Avvikelse per kostnadsslag = prognos − budget; delarna summerar "
                            "till prognosens avvikelse mot budget.")


def printed(mkr: float) -> float:
    """An mkr value of a chart as the report prints it (the printed tkr figure, rounded)."""
    return printed_mkr(mkr * 1000.0)


def _long(short: str) -> str:
    return MONTHS_LONG[MONTHS_SHORT.index(short)] if short in MONTHS_SHORT else short


def alt_text(chart: Chart) -> str:
    """A chart described in words with its printed figures (alt text for Word and PDF)."""
    d = chart.data
    if chart.kind == "bridge":
        steps = "; ".join(f"{clean_text(p)} {fmt_number(v)} mkr"
                          for p, v in zip(d["Post"], d["Värde"], strict=True))
        return f"Vattenfallsdiagram. {clean_text(chart.title)}: {steps}."
    if chart.kind == "share":
        known = d.dropna(subset=["Hyrandel R12 %"])
        if known.empty:
            return f"Linjediagram. {clean_text(chart.title)}: inga hela 12-månadersperioder."
        first, last = known.iloc[0], known.iloc[-1]
        return (f"Linjediagram. {clean_text(chart.title)}: från "
                f"{fmt_number(first['Hyrandel R12 %'], 1)} % i "
                f"{month_label(month_from_text(first['Månad']), long=True)} "
                f"till {fmt_number(last['Hyrandel R12 %'], 1)} % i "
                f"{month_label(month_from_text(last['Månad']), long=True)}; målet är högst "
                f"{fmt_number(chart.params.get('target_pct', 2.0), 0)} %.")
    done = d.dropna(subset=["Ack utfall"])
    end = d.iloc[-1]
    text = f"Linjediagram. {clean_text(chart.title)}."
    if not done.empty:
        text += (f" Ackumulerat utfall till och med {_long(done.iloc[-1]['Månad'])}: "
                 f"{fmt_number(printed(done.iloc[-1]['Ack utfall']))} mkr.")
    if np.isfinite(end["Prognos"]):
        text += (f" Prognos för december: {fmt_number(printed(end['Prognos']))} mkr, "
                 f"P10 {fmt_number(printed(end['P10']))} och P90 "
                 f"{fmt_number(printed(end['P90']))} mkr; budget "
                 f"{fmt_number(printed(end['Ack budget']))} mkr.")
    return text
