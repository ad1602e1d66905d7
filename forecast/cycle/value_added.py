"""Forecast value added (FVA): did the controllers' adjustments improve the årsprognos?

For every laid forecast of a completed year (the current version per month) and for every
group – the region, each division, each kostnadsslag – the year's outcome beside the
statistical forecast, the adjustments and the laid (final) forecast, all year totals in tkr
with the reports' signs (revenue +, cost −):

- fel statistisk = statistisk − utfall, fel lagd = lagd − utfall;
- FVA = |fel statistisk| − |fel lagd|: positive when the judgement brought the forecast
  nearer the outcome (*förbättrade*), negative when it led it away (*försämrade*), within
  :data:`TOLERANCE_TKR` of zero *oförändrad*.

Outcome, statistical, adjustments, laid and the signed errors are sums of series, so the
region is the sum of the divisions and of the categories. The absolute errors and FVA are not
sums: one division's improvement can be offset by another's worsening. A series with outcome
that the laid forecast did not have (a new unit or account) counts with forecast 0, so the
region's outcome is the year's actual net result. Pure: reads the data set and laid forecasts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from forecast import __version__
from forecast.cycle.accuracy import AccuracyError, source_label, year_outcome
from forecast.cycle.laid import LaidForecast
from forecast.engine.region import UNKNOWN_DIVISION
from forecast.io.export import ExportMetadata, ExportTable
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset

LEVELS = {"region": "Region", "division": "Division", "category": "Kostnadsslag"}
"""Grouping level → its Swedish name (the column :data:`LEVEL`)."""
REGION = "Region totalt"
"""The group name of the region's row."""
TOLERANCE_TKR = 0.5
"""|FVA| below this (half a tkr: the reports' rounding) is *oförändrad*."""
IMPROVED, WORSENED, UNCHANGED = "förbättrade", "försämrade", "oförändrad"

MONTH, SOURCE, LEVEL, GROUP = "Månad", "Källa", "Nivå", "Grupp"
OUTCOME, STAT, ADJ, LAID = "Utfall helår", "Statistisk prognos", "Justeringar", "Lagd prognos"
ERR_STAT, ERR_LAID = "Fel statistisk", "Fel lagd"
ABS_STAT, ABS_LAID = "Absolut fel statistisk", "Absolut fel lagd"
FVA, VERDICT = "FVA", "Bedömningen"
COLUMNS = [MONTH, SOURCE, LEVEL, GROUP, OUTCOME, STAT, ADJ, LAID, ERR_STAT, ERR_LAID,
           ABS_STAT, ABS_LAID, FVA, VERDICT]
AMOUNTS = (OUTCOME, STAT, ADJ, LAID, ERR_STAT, ERR_LAID, ABS_STAT, ABS_LAID, FVA)
"""The amount columns (tkr) of :func:`value_added_table`."""

N_MONTHS, N_IMPROVED, N_WORSENED = "Lagda månader", "Förbättrade månader", "Försämrade månader"
MEAN_ABS_STAT, MEAN_ABS_LAID = "Medel absolut fel statistisk", "Medel absolut fel lagd"
MEAN_FVA = "Medel FVA"
SUMMARY_AMOUNTS = (MEAN_ABS_STAT, MEAN_ABS_LAID, MEAN_FVA)
"""The amount columns (tkr) of :func:`year_summary`."""

NOTE = ("Fel = prognos − utfall. FVA = |fel statistisk| − |fel lagd|: positivt betyder att "
        "justeringarna förde prognosen närmare utfallet (förbättrade), negativt längre ifrån "
        "(försämrade). Utfall, prognoser, justeringar och fel summerar till regionen; absoluta "
        "fel och FVA gör det inte.")

_SUMS = {"outcome": OUTCOME, "stat": STAT, "adj": ADJ, "laid": LAID}


def series_outcome(ds: Dataset, year: int) -> pd.DataFrame:
    """The outcome of a completed ``year`` per series: columns unit, account, outcome (tkr).

    Raises:
        AccuracyError: the ledger has no outcome for December of ``year``.
    """
    out = year_outcome(ds, year)
    return (out.groupby([S.UNIT, S.ACCOUNT], as_index=False, sort=False)[S.AMOUNT].sum()
            .rename(columns={S.UNIT: "unit", S.ACCOUNT: "account", S.AMOUNT: "outcome"}))


def series_frame(lf: LaidForecast, outcome: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Per series of ``lf`` or of ``outcome``: division, category, outcome, stat, adj, laid.

    A series only in ``outcome`` is labelled from the data set's organisation and chart of
    accounts and has forecast 0; a series only in ``lf`` has outcome 0.
    """
    s = lf.series
    fc = pd.DataFrame({"unit": s["unit"], "account": s["account"], "division": s["division"],
                       "category": s["category"], "stat": s["stat_year"].astype(float),
                       "adj": s["adj_year"].astype(float),
                       "laid": s["final_year"].astype(float)})
    known = fc.merge(outcome[["unit", "account", "outcome"]], on=["unit", "account"],
                     how="left")
    pairs = pd.MultiIndex.from_frame(outcome[["unit", "account"]])
    new = outcome[~pairs.isin(pd.MultiIndex.from_frame(fc[["unit", "account"]]))]
    new = new.assign(division=new["unit"].map(ds.org.division_of()).fillna(UNKNOWN_DIVISION),
                     category=new["account"].map(ds.accounts.category_of())
                     .fillna(new["account"]))
    both = pd.concat([known, new], ignore_index=True)  # the laid order, then the new series
    return both.fillna({c: 0.0 for c in _SUMS})[["unit", "account", "division", "category",
                                                  *_SUMS]]


def verdicts(fva: pd.Series | np.ndarray) -> np.ndarray:
    """*förbättrade* / *försämrade* / *oförändrad* per FVA value (tkr)."""
    v = np.asarray(fva, dtype=float)
    return np.select([v >= TOLERANCE_TKR, v <= -TOLERANCE_TKR], [IMPROVED, WORSENED],
                     UNCHANGED)


def _with_errors(frame: pd.DataFrame) -> pd.DataFrame:
    err_s, err_l = frame[STAT] - frame[OUTCOME], frame[LAID] - frame[OUTCOME]
    fva = err_s.abs() - err_l.abs()
    return frame.assign(**{ERR_STAT: err_s, ERR_LAID: err_l, ABS_STAT: err_s.abs(),
                           ABS_LAID: err_l.abs(), FVA: fva, VERDICT: verdicts(fva)})


def month_rows(lf: LaidForecast, outcome: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """One laid month: a row for the region, each division and each category (:data:`COLUMNS`).

    Divisions and categories in the laid forecast's series order.
    """
    s = series_frame(lf, outcome, ds).rename(columns=_SUMS)
    sums = list(_SUMS.values())
    region = s[sums].sum().to_frame().T.assign(**{GROUP: REGION})
    parts = [region.assign(**{LEVEL: LEVELS["region"]})]
    for col in ("division", "category"):
        g = s.groupby(col, sort=False)[sums].sum().rename_axis(GROUP).reset_index()
        parts.append(g.assign(**{LEVEL: LEVELS[col]}))
    rows = pd.concat(parts, ignore_index=True).assign(**{MONTH: str(lf.as_of),
                                                         SOURCE: source_label(lf)})
    return _with_errors(rows)[COLUMNS]


def value_added_table(ds: Dataset, year: int, laid: Sequence[LaidForecast]) -> pd.DataFrame:
    """Per laid month of ``year`` (in order) and group: the columns :data:`COLUMNS`.

    Forecasts of other years are ignored; of two for the same month the last one counts.

    Raises:
        AccuracyError: the year is not complete, or no forecast of it was laid.
    """
    outcome = series_outcome(ds, year)
    by_month = {lf.as_of: lf for lf in laid if lf.as_of.year == year}
    if not by_month:
        raise AccuracyError(f"ingen lagd prognos för {year}; förädlingsvärdet (FVA) kräver "
                            "minst en lagd prognos")
    return pd.concat([month_rows(by_month[m], outcome, ds) for m in sorted(by_month)],
                     ignore_index=True)


def groups(table: pd.DataFrame, level: str) -> list[str]:
    """The groups of a level (``region``/``division``/``category``) in the table's order."""
    return list(dict.fromkeys(table.loc[table[LEVEL] == LEVELS[level], GROUP]))


def group_view(table: pd.DataFrame, level: str, group: str = REGION) -> pd.DataFrame:
    """One group's rows over the laid months, indexed by :data:`MONTH`."""
    rows = table[(table[LEVEL] == LEVELS[level]) & (table[GROUP] == group)]
    return rows.drop(columns=[LEVEL, GROUP]).set_index(MONTH)


def error_bars(table: pd.DataFrame, level: str, group: str = REGION) -> pd.DataFrame:
    """One group's absolute errors per laid month, long: Månad, Prognos, tkr (for a chart)."""
    view = group_view(table, level, group).reset_index()
    long = view.melt(id_vars=[MONTH], value_vars=[ABS_STAT, ABS_LAID], var_name="Prognos",
                     value_name="tkr")
    return long.replace({"Prognos": {ABS_STAT: "Statistisk prognos", ABS_LAID: "Lagd prognos"}})


def year_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per level and group over the year's laid months: mean errors and FVA, months improved.

    Medel FVA = medel absolut fel statistisk − medel absolut fel lagd; its verdict as per month.
    """
    g = table.groupby([LEVEL, GROUP], sort=False)
    out = pd.DataFrame({
        N_MONTHS: g.size(), MEAN_ABS_STAT: g[ABS_STAT].mean(),
        MEAN_ABS_LAID: g[ABS_LAID].mean(), MEAN_FVA: g[FVA].mean(),
        N_IMPROVED: g[VERDICT].agg(lambda v: int((v == IMPROVED).sum())),
        N_WORSENED: g[VERDICT].agg(lambda v: int((v == WORSENED).sum())),
    })
    return out.assign(**{VERDICT: verdicts(out[MEAN_FVA])}).reset_index()


def summary_view(summary: pd.DataFrame, level: str) -> pd.DataFrame:
    """The :func:`year_summary` rows of one level, indexed by the level's name."""
    rows = summary[summary[LEVEL] == LEVELS[level]]
    return rows.drop(columns=[LEVEL]).set_index(GROUP).rename_axis(LEVELS[level])


def _by_label(table: pd.DataFrame, level: str) -> pd.DataFrame:
    rows = table[table[LEVEL] == LEVELS[level]]
    if level == "region":
        return rows.drop(columns=[LEVEL, GROUP]).set_index(MONTH)
    label = rows[MONTH] + " / " + rows[GROUP].astype(str)
    return rows.drop(columns=[MONTH, LEVEL, GROUP]).set_index(
        pd.Index(label, name=f"{MONTH} / {LEVELS[level]}"))


def value_added_tables(table: pd.DataFrame, year: int) -> list[ExportTable]:
    """The export tables: FVA per month for the region, per division, per category; the year."""
    titles = {"region": "regionen", "division": "per division",
              "category": "per kostnadsslag"}
    names = {"region": "FVA region", "division": "FVA per division",
             "category": "FVA per kostnadsslag"}
    out = [ExportTable(names[lv], f"Förädlingsvärde (FVA) {year}, {titles[lv]}: statistisk "
                                  "prognos, justeringar och lagd prognos mot utfall",
                       _by_label(table, lv), amount_columns=AMOUNTS, note=NOTE)
           for lv in LEVELS]
    summary = year_summary(table)
    label = summary[LEVEL] + " / " + summary[GROUP].astype(str)
    out.append(ExportTable(
        "FVA över året", f"Förädlingsvärde (FVA) {year} över årets lagda månader",
        summary.drop(columns=[LEVEL, GROUP]).set_index(pd.Index(label, name="Nivå / Grupp")),
        amount_columns=SUMMARY_AMOUNTS,
        note="Medel över de lagda månaderna; Medel FVA = medel absolut fel statistisk − medel "
             "absolut fel lagd."))
    return out


def metadata(ds: Dataset, year: int, laid: Sequence[LaidForecast],
             dataset: str) -> ExportMetadata:
    """Provenance of the FVA tables alone (the app's download): data, versions, definition."""
    return ExportMetadata(
        as_of=f"{year}-12", input_hash=ds.source_hash, source=ds.source,
        method="lagda prognoser mot årets utfall", program_version=__version__,
        created=datetime.now(UTC), parameters={"Dataset": dataset, **provenance(year, laid)})


def provenance(year: int, laid: Sequence[LaidForecast]) -> dict[str, str]:
    """Metadata rows of the FVA tables: the laid versions compared and what FVA means."""
    mine = sorted((lf for lf in laid if lf.as_of.year == year), key=lambda lf: lf.as_of)
    return {"Lagda versioner (FVA)": ", ".join(f"{lf.label()} av {lf.author}" for lf in mine)
            or "–",
            "FVA": "|statistisk − utfall| − |lagd − utfall|, tkr; positivt = justeringarna "
                   "förbättrade prognosen"}
