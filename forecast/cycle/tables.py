"""Export tables of the controller's month: forecast with adjustments, change, accuracy.

One builder per report; every output format (Excel, CSV, the app) is fed from these frames.
Amounts are tkr (the export scales to mkr), reports' sign convention.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from forecast import __version__
from forecast.cycle import change as CH
from forecast.cycle.grouping import group_rows
from forecast.cycle.laid import LaidForecast
from forecast.engine.tables import ARSBUDGET
from forecast.io.export import ExportMetadata, ExportTable
from forecast.io.formatting import fmt_timestamp

STAT, ADJ, FINAL = "Statistisk prognos", "Justering", "Årsprognos"
DEV = "Avvikelse mot budget"
COMMENT = "Kommentar"


def _comments(lf: LaidForecast, rows: np.ndarray) -> str:
    out = []
    for a, al in zip(lf.adjustments, lf.allocations, strict=True):
        eff = float(al[rows].sum())
        if abs(eff) > 0:
            out.append(f"{a.comment} ({a.author})" if a.author else a.comment)
    return "; ".join(out)


def adjusted_frame(lf: LaidForecast, by: tuple[str, ...] = ("division", "category")
                   ) -> pd.DataFrame:
    """Statistical, adjustment and final year totals with comments per group and division.

    Final = statistical + adjustment on every row; totals are sums of rows.
    """
    s = lf.series
    cols = {c: s[c].to_numpy(dtype=float)
            for c in ("annual_budget", "stat_year", "adj_year", "final_year")}
    recs = []
    for rec, rows in group_rows(s, by):
        budget, final = float(cols["annual_budget"][rows].sum()), \
            float(cols["final_year"][rows].sum())
        rec.update({ARSBUDGET: budget, STAT: float(cols["stat_year"][rows].sum()),
                    ADJ: float(cols["adj_year"][rows].sum()), FINAL: final,
                    DEV: final - budget})
        rec[COMMENT] = _comments(lf, rows)
        recs.append(rec)
    return pd.DataFrame(recs)


def adjustments_frame(lf: LaidForecast) -> pd.DataFrame:
    """Every adjustment: target, months, amount (with range), rule, comment, author, time."""
    return pd.DataFrame([{
        "Sort": a.kind, "Mål": a.scope_text, "Från": a.start or str(lf.as_of + 1),
        "Till": a.end or f"{lf.as_of.year}-12", "Belopp": a.amount_tkr,
        "Låg": np.nan if a.low_tkr is None else a.low_tkr,
        "Hög": np.nan if a.high_tkr is None else a.high_tkr,
        "Fördelning": a.rule, "Varav i år": float(al.sum()), "Kommentar": a.comment,
        "Författare": a.author, "Tid": fmt_timestamp(a.created),
    } for a, al in zip(lf.adjustments, lf.allocations, strict=True)],
        columns=["Sort", "Mål", "Från", "Till", "Belopp", "Låg", "Hög", "Fördelning",
                 "Varav i år", "Kommentar", "Författare", "Tid"])


def division_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """The per-division totals and the region's row of an :func:`adjusted_frame`."""
    return frame[frame["Kostnadsslag"].isin(["Summa", ""])]


def labelled(frame: pd.DataFrame, cols: tuple[str, ...] = ("Division", "Kostnadsslag")
             ) -> pd.DataFrame:
    """The frame indexed by ``Division / Kostnadsslag`` labels (unique row names)."""
    label = frame[list(cols)].astype(str).agg(" / ".join, axis=1).str.strip(" /")
    return frame.set_index(pd.Index(label, name=" / ".join(cols)))


def adjusted_tables(lf: LaidForecast) -> list[ExportTable]:
    """The tables "Statistisk och justerad" and "Justeringar" of a (laid or draft) forecast."""
    fr = labelled(adjusted_frame(lf))
    adj = adjustments_frame(lf)
    adj.index = pd.RangeIndex(1, len(adj) + 1, name="Nr")
    amounts = (ARSBUDGET, STAT, ADJ, FINAL, DEV)
    return [
        ExportTable("Statistisk och justerad",
                    f"Årsprognos {lf.as_of.year}: statistisk prognos, justeringar och slutlig",
                    fr, amount_columns=amounts,
                    note="Årsprognos = statistisk prognos + justering. Avvikelse = prognos − "
                         "budget; negativ är sämre än budget."),
        ExportTable("Justeringar", "Justeringar med orsak, författare och tid", adj,
                    amount_columns=("Belopp", "Låg", "Hög", "Varav i år"),
                    note="Beloppet gäller hela perioden från–till, jämnt fördelat per månad; "
                         "låg–hög vidgar prognosens fördelning."),
    ]


def change_tables(fc: CH.ForecastChange) -> list[ExportTable]:
    """Prognosförändring: the sentence, the bars per division and category, the adjustments."""
    t = fc.totals()
    summary = pd.DataFrame({"Värde": [
        CH.sentence(fc), f"{fc.previous.label()} av {fc.previous.author}",
        f"{fc.current.label()} av {fc.current.author}"]},
        index=pd.Index(["Sammanfattning", "Föregående prognos", "Ny prognos"], name="Vad"))
    bars = pd.DataFrame({"Belopp": [t["prev_deviation"], *(t[p] for p in CH.PARTS),
                                    t["new_deviation"]]},
                        index=pd.Index(["Föregående prognos (avvikelse mot budget)",
                                        *(CH.PART_LABELS[p] for p in CH.PARTS),
                                        "Ny prognos (avvikelse mot budget)"], name="Del"))
    table = labelled(CH.change_table(fc))
    adjs = CH.adjustment_table(fc)
    adjs.index = pd.RangeIndex(1, len(adjs) + 1, name="Nr")
    amounts = ("Föregående prognos", *CH.PART_LABELS.values(), "Förändring", "Ny prognos")
    return [
        ExportTable("Sammanfattning", "Prognosförändring", summary),
        ExportTable("Förändringens delar", "Förändringen från föregående prognos i delar",
                    bars, amount_columns=("Belopp",),
                    note="Delarna summerar exakt till skillnaden mellan prognoserna."),
        ExportTable("Per division och kostnadsslag",
                    "Prognosförändring per division och kostnadsslag", table,
                    amount_columns=amounts,
                    note="Belopp = avvikelse mot budget; delarna summerar till förändringen."),
        ExportTable("Justeringar", "Justeringar: tillagda, ändrade och borttagna",
                    adjs,
                    amount_columns=("Belopp föregående", "Belopp nytt",
                                    "Effekt på förändringen")),
    ]


def change_metadata(fc: CH.ForecastChange) -> ExportMetadata:
    """Provenance: both laid versions, their authors, hashes and methods."""
    p, c = fc.previous, fc.current
    return ExportMetadata(
        as_of=str(c.as_of), input_hash=c.input_hash, source=f"lagda prognoser i '{c.dataset}'",
        method=c.method, program_version=__version__, created=datetime.now(UTC),
        parameters={"Ny prognos": f"{c.label()} av {c.author} {fmt_timestamp(c.created)}",
                    "Föregående prognos":
                        f"{p.label()} av {p.author} {fmt_timestamp(p.created)}",
                    "Föregående indata-hash": p.input_hash,
                    "Justeringar": f"{len(p.adjustments)} → {len(c.adjustments)}",
                    "Justeringarnas författare": ", ".join(sorted(
                        {a.author for a in (*p.adjustments, *c.adjustments) if a.author})) or "–"},
    )
