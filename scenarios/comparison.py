"""Scenarios side by side: the one builder of Jämför's tables, its Excel and its one-page sheet.

Input: a list of ``(column label, CommitteeView)`` (``scenarios.committee``), all on the same
base. :func:`comparison_tables` gives the Excel/CSV tables (amounts as numbers in tkr,
Swedish sheet and column names); :func:`sheet` gives the one-page scenario sheet that
``scenarios.sheet`` writes as Word and PDF. Both read the same views, so every figure is
the same in every format; printed figures are the views' (rounded once, the bars add up).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from forecast import __version__
from forecast.io.export import ExportMetadata, ExportTable
from forecast.io.formatting import fmt_mkr, fmt_number, fmt_pct
from forecast.io.limits import MAX_SHEET_SCENARIOS
from scenarios.committee import CommitteeView

Labelled = Sequence[tuple[str, CommitteeView]]

MAX_SHEET_ROWS = 8
"""Rows of differing assumptions printed on the sheet (the rest are in the Excel file)."""

_NUMBER = re.compile(r"^\d+\.\s*")


def _plain(label: str) -> str:
    """An assumption label without its number ("2. Hyrpersonal" → "Hyrpersonal")."""
    return _NUMBER.sub("", label)


def result_table(views: Labelled) -> pd.DataFrame:
    """One row per scenario: result, budget, P10–P90, probability of balance (tkr, %)."""
    rows = {}
    for label, v in views:
        rows[label] = {
            "Basprognos": v.baseline_tkr, "Scenario": v.scenario_tkr,
            "Skillnad mot basprognos": v.difference_tkr, "Budget": v.budget_tkr,
            "Avvikelse mot budget": v.deviation_tkr, "P10": v.p10_tkr, "P50": v.p50_tkr,
            "P90": v.p90_tkr, "Sannolikhet budget i balans": 100.0 * v.prob_balance,
            "Omställningsplanens underskott mot plan": v.plan_shortfall_tkr,
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("Scenario")


def assumption_table(views: Labelled) -> pd.DataFrame:
    """Every setting of every scenario side by side, and whether the scenarios differ."""
    keys: list[tuple[str, str]] = []
    cells: dict[str, dict[tuple[str, str], str]] = {}
    for label, v in views:
        col: dict[tuple[str, str], str] = {}
        for assumption, setting, value in v.assumptions:
            k = (_plain(assumption), setting)
            col[k] = value
            if k not in keys:
                keys.append(k)
        cells[label] = col
    rows = []
    for k in keys:
        values = [cells[label].get(k, "ej med") for label, _ in views]
        rows.append([f"{k[0]} › {k[1]}", *values,
                     "ja" if len(set(values)) > 1 else "nej"])
    cols = ["Antagande", *[label for label, _ in views], "Skiljer sig"]
    return pd.DataFrame(rows, columns=cols).set_index("Antagande")


def bridge_long(views: Labelled) -> pd.DataFrame:
    """The bridge of every scenario, largest bar first (tkr exact, mkr as printed)."""
    rows = []
    for label, v in views:
        for b in v.bridge:
            rows.append({"Scenario": label, "Post": b.label, "Belopp": b.exact_tkr,
                         "Tryckt, mkr": b.printed_mkr})
        rows.append({"Scenario": label, "Post": "Summa skillnad", "Belopp": v.difference_tkr,
                     "Tryckt, mkr": v.printed_difference_mkr})
    return pd.DataFrame(rows, columns=["Scenario", "Post", "Belopp", "Tryckt, mkr"])


def sensitivity_long(views: Labelled) -> pd.DataFrame:
    """Every uncertain parameter's P10→P90 swing per scenario, widest first (tkr)."""
    rows = [{"Scenario": label, "Antagande": s.assumption, "Parameter": s.parameter,
             "Värde P10": s.value_low, "Värde P90": s.value_high,
             "Resultat vid P10": s.result_low_tkr, "Resultat vid P90": s.result_high_tkr,
             "Spann": s.swing_tkr}
            for label, v in views for s in v.swings]
    return pd.DataFrame(rows, columns=["Scenario", "Antagande", "Parameter", "Värde P10",
                                       "Värde P90", "Resultat vid P10", "Resultat vid P90",
                                       "Spann"])


def fte_long(views: Labelled) -> pd.DataFrame:
    """FTE consequences per scenario (årsarbetare, low / likely / high)."""
    rows = [{"Scenario": label, "Antagande": f.assumption, "Vad": f.what, "Låg": f.low,
             "Trolig": f.likely, "Hög": f.high, "Underlag": f.basis}
            for label, v in views for f in v.fte]
    return pd.DataFrame(rows, columns=["Scenario", "Antagande", "Vad", "Låg", "Trolig", "Hög",
                                       "Underlag"])


def years_long(views: Labelled) -> pd.DataFrame:
    """The year and the plan years per scenario; budget empty where the data hold none."""
    rows = [{"Scenario": label, "År": str(y.year), "Basprognos": y.baseline_tkr,
             "Scenario, resultat": y.scenario_tkr,
             "Budget": float("nan") if y.budget_tkr is None else y.budget_tkr,
             "Avvikelse mot budget": float("nan") if y.deviation_tkr is None
             else y.deviation_tkr}
            for label, v in views for y in v.years]
    return pd.DataFrame(rows, columns=["Scenario", "År", "Basprognos", "Scenario, resultat",
                                       "Budget", "Avvikelse mot budget"])


def comparison_tables(views: Labelled) -> list[ExportTable]:
    """The Excel/CSV tables of a comparison (amounts tkr, Swedish names)."""
    rt = result_table(views)
    br = bridge_long(views).set_index("Scenario")
    se = sensitivity_long(views).set_index("Scenario")
    ft = fte_long(views).set_index("Scenario")
    yt = years_long(views).set_index("Scenario")
    year = views[0][1].year if views else 0
    return [
        ExportTable("resultat", f"Resultat {year}, intervall och sannolikhet", rt,
                    amount_columns=tuple(c for c in rt.columns
                                         if c != "Sannolikhet budget i balans"),
                    percent_columns=("Sannolikhet budget i balans",),
                    note="P10–P90: 80 % av simuleringarna. Underskott mot plan: planerad "
                         "effekt vid 100 % minus effekten vid trolig realisering."),
        ExportTable("antaganden", "Antaganden sida vid sida", assumption_table(views),
                    note="Skiljer sig = ja där scenarierna har olika värden (låg / trolig / "
                         "hög för intervall)."),
        ExportTable("brygga", f"Brygga {year}, största posten först", br,
                    amount_columns=("Belopp",),
                    note="Belopp exakt (tkr); Tryckt = avrundat en gång så att posterna "
                         "summerar till den tryckta skillnaden."),
        ExportTable("kanslighet", "Känslighet: varje intervall från P10 till P90", se,
                    amount_columns=("Resultat vid P10", "Resultat vid P90", "Spann"),
                    note="Årets resultat med parametern vid P10 respektive P90 och övriga "
                         "vid troligt värde, mot resultatet vid troliga värden."),
        ExportTable("arsarbetare", "Årsarbetare som antagandena innebär", ft),
        ExportTable("planar", "Året och planåren", yt,
                    amount_columns=("Basprognos", "Scenario, resultat", "Budget",
                                    "Avvikelse mot budget"),
                    note="Tom budget = budget för året saknas i data."),
    ]


def comparison_metadata(views: Labelled, *, as_of: str, input_hash: str, source: str,
                        created: datetime | None = None) -> ExportMetadata:
    """Provenance of a comparison: base, scenarios, draws and seeds."""
    first = views[0][1] if views else None
    return ExportMetadata(
        as_of=as_of, input_hash=input_hash, source=source,
        method="scenarios.engine (Shapley-brygga) + Monte Carlo (PERT) på prognosen som gäller",
        program_version=__version__, created=created or datetime.now(UTC),
        parameters={"Basprognos": first.base if first else "",
                    "Scenarier": "; ".join(label for label, _ in views),
                    "Dragningar": "; ".join(str(v.n_draws) for _, v in views),
                    "Frö": "; ".join(str(v.seed) for _, v in views),
                    "Författare": "; ".join(v.author or "–" for _, v in views)})


# --------------------------------------------------------------------------- one-page sheet


@dataclass(frozen=True)
class SheetTable:
    """A printed table of the sheet: header and rows of text (Swedish formatting)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Sheet:
    """The one-page scenario sheet (written by ``scenarios.sheet`` as Word and PDF)."""

    title: str
    subtitle: str
    headlines: tuple[str, ...]
    tables: tuple[SheetTable, ...]
    footer: str
    provenance: tuple[tuple[str, str], ...]


def headline(label: str, v: CommitteeView) -> str:
    """The sentence a committee reads first: probability of balance, result and range."""
    return (f"{label}: sannolikheten för budget i balans {v.year} är "
            f"{fmt_pct(100.0 * v.prob_balance, 0)}. Resultat {fmt_mkr(v.scenario_tkr, 1)} "
            f"(P10–P90 {fmt_mkr(v.p10_tkr, 0)} till {fmt_mkr(v.p90_tkr, 0)}), "
            f"{fmt_mkr(v.deviation_tkr, 1)} mot budget.")


def _m(x: float) -> str:
    return fmt_number(x, 1)


def _key_table(views: Labelled) -> SheetTable:
    rows = [("Basprognos, mkr", *(_m(v.printed_baseline_mkr) for _, v in views)),
            ("Skillnad mot basprognos, mkr", *(_m(v.printed_difference_mkr) for _, v in views)),
            ("Scenario, mkr", *(_m(v.printed_scenario_mkr) for _, v in views)),
            ("Budget, mkr", *(_m(v.budget_tkr / 1000.0) for _, v in views)),
            ("Avvikelse mot budget, mkr", *(_m(v.deviation_tkr / 1000.0) for _, v in views)),
            ("P10–P90, mkr", *(f"{fmt_number(v.p10_tkr / 1000.0)} – "
                               f"{fmt_number(v.p90_tkr / 1000.0)}" for _, v in views)),
            ("Sannolikhet budget i balans", *(fmt_pct(100.0 * v.prob_balance, 0)
                                              for _, v in views))]
    if any(v.plan for _, v in views):
        rows.append(("Omställningsplan: underskott mot plan, mkr",
                     *(_m(v.plan_shortfall_tkr / 1000.0) if v.plan else "–"
                       for _, v in views)))
    year = views[0][1].year
    return SheetTable(f"Nyckeltal {year}", ("", *(label for label, _ in views)), tuple(rows))


def _bridge_table(views: Labelled) -> SheetTable:
    order: list[str] = []
    for _, v in views:
        order += [_plain(b.label) for b in v.bridge if _plain(b.label) not in order]
    rows = []
    for step in order:
        cells = []
        for _, v in views:
            hit = [b.printed_mkr for b in v.bridge if _plain(b.label) == step]
            cells.append(_m(hit[0]) if hit else "–")
        rows.append((step, *cells))
    rows.append(("Summa skillnad", *(_m(v.printed_difference_mkr) for _, v in views)))
    return SheetTable("Brygga från basprognos till scenario, mkr (största först)",
                      ("", *(label for label, _ in views)), tuple(rows),
                      "Posterna är avrundade en gång och summerar till den tryckta skillnaden.")


def _swing_table(views: Labelled) -> SheetTable:
    rows = []
    top = 3 if len(views) <= 2 else 2
    for label, v in views:
        for s in v.swings[:top]:
            rows.append((label, f"{_plain(s.assumption)} › {s.parameter}",
                         f"{fmt_number(s.value_low, 1)} – {fmt_number(s.value_high, 1)}",
                         f"{_m(s.result_low_tkr / 1000.0)} till {_m(s.result_high_tkr / 1000.0)}"))
    return SheetTable("Största osäkerheterna (varje intervall från P10 till P90)",
                      ("Scenario", "Parameter", "P10 – P90", "Resultat mot troligt, mkr"),
                      tuple(rows))


def _fte_table(views: Labelled) -> SheetTable:
    # the page holds the need and the recruitment; the split of the need is in Excel
    rows = tuple((label, _plain(f.assumption), f.what,
                  f"{fmt_number(f.likely, 0)} ({fmt_number(f.low, 0)}–{fmt_number(f.high, 0)})")
                 for label, v in views for f in v.fte
                 if len(views) <= 2 or not f.what.startswith("varav ö")
                 and not f.what.startswith("varav h"))
    return SheetTable("Årsarbetare", ("Scenario", "Antagande", "Vad", "Trolig (låg–hög)"), rows)


def _assumption_sheet_table(views: Labelled) -> SheetTable:
    at = assumption_table(views)
    if len(views) > 1:
        at = at[at["Skiljer sig"] == "ja"]
    at = at.drop(columns="Skiljer sig")
    rows = tuple((str(i), *(str(x) for x in r)) for i, r in zip(at.index, at.to_numpy(),
                                                                strict=True))
    if not rows:
        rows = (("Inga antaganden skiljer sig", *("" for _ in views)),)
    more = len(rows) - MAX_SHEET_ROWS
    title = "Antaganden som skiljer sig" if len(views) > 1 else "Antaganden"
    return SheetTable(title, ("", *(label for label, _ in views)), rows[:MAX_SHEET_ROWS],
                      f"… och {more} rader till i Excel-filen." if more > 0 else "")


def sheet(views: Labelled, meta: ExportMetadata) -> Sheet:
    """The one-page sheet of one to :data:`MAX_SHEET_SCENARIOS` scenarios.

    Raises:
        ValueError: no scenario, or more than the page holds (Swedish message).
    """
    if not views:
        raise ValueError("välj minst ett scenario för scenariobladet")
    if len(views) > MAX_SHEET_SCENARIOS:
        raise ValueError(f"scenariobladet rymmer högst {MAX_SHEET_SCENARIOS} scenarier; "
                         f"{len(views)} är valda")
    first = views[0][1]
    tables = [_key_table(views), _bridge_table(views), _swing_table(views)]
    if any(v.fte for _, v in views):
        tables.append(_fte_table(views))
    tables.append(_assumption_sheet_table(views))
    names = ", ".join(label for label, _ in views)
    return Sheet(
        title=f"Scenario {first.year}: {names}" if len(views) == 1 else
        f"Scenarier {first.year} jämförda: {names}",
        subtitle=f"Basprognos: {first.base or 'statistisk prognos'}. Prognosmånad "
                 f"{meta.as_of}. Belopp i mkr.",
        headlines=tuple(headline(label, v) for label, v in views),
        tables=tuple(tables),
        footer=f"budgetprognos {meta.program_version} · {meta.as_of} · indata "
               f"{meta.input_hash[:12]}",
        provenance=tuple(meta.rows()))
