"""The årsprognos tables (Swedish headings) built from a RegionForecast, ready for export.

Convention, the same in every table: **Årsprognos** is the mean of the group's summed
year-total paths, so every total is exactly the sum of its rows ("totals always add up");
**P10 / P50 / P90** are quantiles of the group's summed paths (the median of a total is not
the sum of its rows' medians, so the P columns do not add up, by design). Amounts are tkr
in the frame (the export scales to mkr), in the reports' sign convention (revenue +, cost −;
deviation = prognos − budget, negative is worse than budget).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from forecast import __version__
from forecast.engine import hierarchy as H
from forecast.engine.absent import Held, absent_note, blank_absent, held, held_year_totals
from forecast.engine.result import RegionForecast
from forecast.engine.totals_width import corrections_metadata
from forecast.followup.tables import load_notes
from forecast.followup.transition import PlanProjection, project_transition_plan
from forecast.io.export import ExportMetadata, ExportTable
from forecast.io.formatting import fmt_pct
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import AGENCY_TARGET_PCT, INHYRD, PERSONAL
from forecast.methods.names import method_name, methods_text

ACK = "Ack utfall"
ARSBUDGET = "Årsbudget"
ARSPROGNOS = "Årsprognos"
ARS_P10, ARS_P50, ARS_P90 = "P10", "P50", "P90"
AVV = "Avvikelse mot budget"
AVV_P10, AVV_P90 = "Avvikelse P10", "Avvikelse P90"
FG = "Utfall fg år"
UTV = "Utveckling mot fg år %"
UTV_P10, UTV_P90 = "Utveckling P10 %", "Utveckling P90 %"
METOD = "Metod"
APE = "Backtestat fel %"
ANM = "Anmärkning"

AMOUNTS = (ACK, ARSBUDGET, ARSPROGNOS, ARS_P10, ARS_P50, ARS_P90, AVV, AVV_P10, AVV_P90, FG)
PERCENTS = (UTV, UTV_P10, UTV_P90)
_MAP = {H.YTD: ACK, H.ANNUAL_BUDGET: ARSBUDGET, H.FORECAST: ARSPROGNOS, H.P10: ARS_P10,
        H.P50: ARS_P50, H.P90: ARS_P90, H.DEV: AVV, H.DEV_P10: AVV_P10, H.DEV_P90: AVV_P90,
        H.PRIOR_YEAR: FG, H.DEVELOPMENT: UTV, H.DEVELOPMENT_P10: UTV_P10,
        H.DEVELOPMENT_P90: UTV_P90}

TABLE_NAMES = {
    "unit_category": ("Per enhet och kostnadsslag", "Prognos per enhet och kostnadsslag"),
    "division": ("Per division", "Prognos per division"),
    "category": ("Per kostnadsslag", "Prognos per kostnadsslag"),
    "region": ("Region totalt", "Region totalt"),
    "agency": ("Hyrpersonal", "Hyrpersonal"),
    "plan": ("Omställningsplan", "Omställningsplan"),
    "methods": ("Metoder", "Metoder"),
}
NOTE = ("Årsprognos = medelvärdet av de simulerade årsutfallen; summor stämmer exakt. "
        "P10–P90 = intervall där årsutfallet hamnar med 80 % sannolikhet (från summerade "
        "banor). Avvikelse = prognos − budget; negativ är sämre än budget.")


def _values(tot: pd.DataFrame) -> pd.DataFrame:
    return tot[list(_MAP)].rename(columns=_MAP)


def _method_summary(rf: RegionForecast, rows: np.ndarray) -> tuple[str, float, str]:
    """Metod, backtested APE and remark of a group of series."""
    idx = np.flatnonzero(rows)
    if len(idx) == 0:
        return "", np.nan, ""
    if len(idx) == 1:
        i = idx[0]
        return method_name(rf.method[i], short=True), float(rf.backtest_ape[i]), rf.notes[i]
    meth = methods_text(rf.method[i] for i in idx)
    apes = rf.backtest_ape[idx]
    ape = float(np.nanmedian(apes)) if np.isfinite(apes).any() else np.nan
    noted = [f"{rf.keys['account'].iat[i]}: {rf.notes[i]}" for i in idx if rf.notes[i]]
    return meth, ape, " | ".join(noted)


def _labels(ds: Dataset) -> dict[str, str]:
    return {u.id: u.label for u in ds.org.units}


def unit_category_table(rf: RegionForecast, ds: Dataset,
                        selection: Mapping[str, str] | None = None, *,
                        hd: Held | None = None) -> pd.DataFrame:
    """Per unit: every category, then Summa intäkter, Summa bruttokostnader, Nettokostnad.

    Args:
        rf: the region forecast.
        ds: the data set (names, category order).
        selection: codes to keep, by key column (``division``, ``unit``, ``category``); a
            category keeps only that category's rows. None or empty: every row.
        hd: what the ledger holds (:func:`forecast.engine.absent.held`; read if None).
            Figures it lacks are NaN, not 0.
    """
    hd = hd or held(rf, ds)
    sel = dict(selection or {})
    units_in = rf.keys.loc[rf.row_mask(**{k: v for k, v in sel.items() if k != "category"})]
    blocks = [(u, label, row) for u, label, row in _unit_category_rows(rf, ds, hd)
              if u in set(units_in["unit"])
              and ("category" not in sel or label == sel["category"])]
    return pd.DataFrame([r for _, _, r in blocks],
                        index=pd.Index([f"{u} / {label}" for u, label, _ in blocks],
                                       name="Enhet / kostnadsslag"))


def _unit_category_rows(rf: RegionForecast, ds: Dataset, hd: Held
                        ) -> list[tuple[str, str, dict[str, object]]]:
    """``(unit code, row label, row)`` of :func:`unit_category_table`, in table order."""
    cats = held_year_totals(rf, ds, ("unit", "account_type", "category"), hd=hd)
    types = held_year_totals(rf, ds, ("unit", "account_type"), hd=hd)
    nets = held_year_totals(rf, ds, ("unit",), hd=hd)
    order = {c: i for i, c in enumerate(ds.accounts.categories)}
    names = _labels(ds)
    division = dict(zip(rf.keys["unit"], rf.keys["division"], strict=False))
    blocks: list[tuple[str, str, dict[str, object]]] = []
    for u in dict.fromkeys(rf.keys["unit"]):
        part = []
        for typ in ("intakt", "kostnad"):
            c = cats[(cats["unit"] == u) & (cats["account_type"] == typ)].copy()
            c = c.iloc[np.argsort([order.get(x, 99) for x in c["category"]], kind="stable")]
            for _, r in c.iterrows():
                mask = rf.row_mask(unit=u, category=r["category"])
                part.append((r["category"], r, _method_summary(rf, mask)))
            t = types[(types["unit"] == u) & (types["account_type"] == typ)]
            if len(t):
                part.append((H.TYPE_LABEL[typ], t.iloc[0], ("", np.nan, "")))
        n = nets[nets["unit"] == u].iloc[0]
        part.append(("Nettokostnad", n, ("", np.nan, "")))
        for label, r, (meth, ape, note) in part:
            row = {"Division": division[u], "Enhet": names.get(u, u), "Kostnadsslag": label}
            row.update({_MAP[k]: r[k] for k in _MAP})
            row.update({METOD: meth, APE: ape, ANM: note})
            blocks.append((str(u), str(label), row))
    return blocks


def division_table(rf: RegionForecast, ds: Dataset, *, hd: Held | None = None
                   ) -> pd.DataFrame:
    """Net cost per division and the region's net cost (figures the ledger lacks NaN)."""
    hd = hd or held(rf, ds)
    div = held_year_totals(rf, ds, ("division",), hd=hd)
    present = list(div["division"])
    order = [d for d in ds.org.divisions if d in present] + [d for d in present
                                                              if d not in ds.org.divisions]
    div = div.set_index("division").loc[order]
    reg = held_year_totals(rf, ds, (), hd=hd)
    out = pd.concat([_values(div.reset_index(drop=True)), _values(reg)], ignore_index=True)
    out.index = pd.Index([*order, "Region totalt"], name="Division")
    return out


def category_table(rf: RegionForecast, ds: Dataset, *, hd: Held | None = None
                   ) -> pd.DataFrame:
    """The region per category: revenue categories, Summa intäkter, cost categories, …, net.

    Figures the ledger lacks are NaN (:mod:`forecast.engine.absent`).
    """
    hd = hd or held(rf, ds)
    cats = held_year_totals(rf, ds, ("account_type", "category"), hd=hd)
    types = held_year_totals(rf, ds, ("account_type",), hd=hd)
    reg = held_year_totals(rf, ds, (), hd=hd)
    order = {c: i for i, c in enumerate(ds.accounts.categories)}
    frames, labels = [], []
    for typ in ("intakt", "kostnad"):
        c = cats[cats["account_type"] == typ]
        c = c.iloc[np.argsort([order.get(x, 99) for x in c["category"]], kind="stable")]
        frames.append(_values(c))
        labels.extend(c["category"])
        t = types[types["account_type"] == typ]
        frames.append(_values(t))
        labels.extend([H.TYPE_LABEL[typ]] * len(t))
    frames.append(_values(reg))
    labels.append(H.NET_LABEL)
    out = pd.concat(frames, ignore_index=True)
    out.index = pd.Index(labels, name="Kostnadsslag")
    return out


def region_table(rf: RegionForecast, hd: Held) -> pd.DataFrame:
    """Revenue, gross cost and net cost of the region, this year and the two plan years.

    This year's figures the ledger lacks (``hd``) are NaN.
    """
    rows, labels = [], []
    y0 = rf.as_of.year
    for year in (y0, y0 + 1, y0 + 2):
        types = blank_absent(H.year_totals(rf, ("account_type",), year=year), rf,
                             ("account_type",), hd, year)
        for typ in ("intakt", "kostnad"):
            t = types[types["account_type"] == typ]
            if len(t):
                rows.append(_values(t))
                labels.append(f"{H.TYPE_LABEL[typ]} {year}")
        rows.append(_values(blank_absent(H.year_totals(rf, (), year=year), rf, (), hd, year)))
        labels.append(f"Nettokostnad {year}")
    out = pd.concat(rows, ignore_index=True)
    out.index = pd.Index(labels, name="Post")
    return out


def agency_table(rf: RegionForecast, hd: Held) -> tuple[pd.DataFrame, str]:
    """Agency spend per agency leaf with its share of own personnel cost, and a note.

    The previous year and development are NaN where the ledger lacks them (``hd``).
    """
    by_leaf, by_cat = ("category", "account"), ("category",)
    leaves = blank_absent(H.year_totals(rf, by_leaf), rf, by_leaf, hd)
    ag = leaves[leaves["category"] == INHYRD]
    tot = blank_absent(H.year_totals(rf, by_cat), rf, by_cat, hd)
    rows: list[tuple[pd.Series, dict[str, float] | None]] = []
    labels: list[str] = []
    for _, r in ag.iterrows():
        mask = rf.row_mask(account=r["account"]) | rf.row_mask(category=PERSONAL)
        share = H.agency_share(rf, rows=mask)
        rows.append((r, share))
        labels.append(r["account"])
    for cat in (INHYRD, PERSONAL):
        t = tot[tot["category"] == cat]
        if len(t):
            total_share = H.agency_share(rf) if cat == INHYRD else None
            rows.append((t.iloc[0], total_share))
            labels.append(f"{cat} totalt" if cat == INHYRD else f"{cat} (egen personal)")
    recs = []
    for r, row_share in rows:
        rec = {ACK: r[H.YTD], FG: r[H.PRIOR_YEAR], ARSPROGNOS: r[H.FORECAST], ARS_P10: r[H.P10],
               ARS_P50: r[H.P50], ARS_P90: r[H.P90], UTV: r[H.DEVELOPMENT]}
        s = row_share or {}
        rec.update({
            "Hyrandel R12 utfall %": s.get("r12_actual", np.nan),
            "Hyrandel helår P10 %": s.get("p10", np.nan),
            "Hyrandel helår P50 %": s.get("p50", np.nan),
            "Hyrandel helår P90 %": s.get("p90", np.nan),
        })
        recs.append(rec)
    out = pd.DataFrame(recs, index=pd.Index(labels, name="Kategori"))
    total = H.agency_share(rf)
    nxt = H.agency_share(rf, year=rf.as_of.year + 1)
    note = (f"Hyrandel = inhyrd personal / personalkostnader egen personal, per simulerad bana. "
            f"Mål högst {fmt_pct(AGENCY_TARGET_PCT, 0)}. Sannolikhet att helåret "
            f"{rf.as_of.year} klarar målet: {fmt_pct(total['prob_within_target'] * 100, 0)}; "
            f"{rf.as_of.year + 1}: P50 {fmt_pct(nxt['p50'])} "
            f"(P10 {fmt_pct(nxt['p10'])}–P90 {fmt_pct(nxt['p90'])}). "
            "R12 vid december = helåret.")
    return out, note


def plan_table(plan: PlanProjection, ds: Dataset) -> pd.DataFrame:
    """Transition-plan measures with the projected full-year effect and its range."""
    t = plan.table
    names = _labels(ds)
    out = pd.DataFrame({
        "Enhet": [names.get(u, u) for u in t["unit"]],
        "Konto": t["account"],
        "Planerad årseffekt": t["planned_annual"],
        "Planerad hittills": t["planned_to_date"],
        "Rapporterad hittills": t["reported_to_date"],
        "Realisering hittills %": t["realisation_pct"],
        "Prognos årseffekt": t["projected_mean"],
        ARS_P10: t["projected_p10"], ARS_P50: t["projected_p50"], ARS_P90: t["projected_p90"],
        "Prognos i % av plan": t["projected_p50"] / t["planned_annual"] * 100.0,
        ANM: t["note"],
    })
    out.index = pd.Index([f"{i} {n}" for i, n in zip(t["measure_id"], t["name"], strict=True)],
                         name="Åtgärd")
    tot = plan.total()
    planned_to = tot["planned_to_date"]
    out.loc["Totalt"] = {
        "Enhet": "", "Konto": "", "Planerad årseffekt": tot["planned_annual"],
        "Planerad hittills": planned_to, "Rapporterad hittills": tot["reported_to_date"],
        "Realisering hittills %": (tot["reported_to_date"] / planned_to * 100.0
                                   if planned_to > 0 else np.nan),
        "Prognos årseffekt": tot["projected_mean"], ARS_P10: tot["projected_p10"],
        ARS_P50: tot["projected_p50"], ARS_P90: tot["projected_p90"],
        "Prognos i % av plan": (tot["projected_p50"] / tot["planned_annual"] * 100.0
                                if tot["planned_annual"] > 0 else np.nan),
        ANM: "",
    }
    return out


def methods_table(rf: RegionForecast, ds: Dataset) -> pd.DataFrame:
    """Every bottom series: method, backtested error, remark and year Prognos."""
    yp = H.series_year_paths(rf).mean(axis=1)
    names = _labels(ds)
    out = pd.DataFrame({
        "Division": rf.keys["division"].to_numpy(),
        "Enhet": [names.get(u, u) for u in rf.keys["unit"]],
        "Konto": rf.keys["account"].to_numpy(),
        METOD: [method_name(m, short=True) for m in rf.method],
        APE: rf.backtest_ape,
        ARSPROGNOS: yp,
        ANM: list(rf.notes),
    })
    out.index = pd.Index([f"{u}|{a}" for u, a in zip(rf.keys["unit"], rf.keys["account"],
                                                      strict=True)], name="Serie")
    return out


def method_summary_text(rf: RegionForecast) -> str:
    """One line: how many series each method forecast, and how many fell back."""
    counts = Counter(rf.method)
    fb = sum(1 for n in rf.notes if n)
    parts = ", ".join(f"{a} {n}" for a, n in counts.most_common())
    return f"{parts}; {fb} av {rf.n_series} serier med anmärkning"


def prognos_tables(rf: RegionForecast, ds: Dataset, *,
                   plan: PlanProjection | None = None) -> list[ExportTable]:
    """All årsprognos tables for ``rf`` in report order.

    Args:
        rf: the region forecast.
        ds: the data set it was made from (names, category order, transition plan).
        plan: a transition-plan projection (computed with rf's path count and seed if None).

    Returns:
        Export tables: Per enhet och kostnadsslag, Per division, Per kostnadsslag, Region
        totalt, Hyrpersonal, Omställningsplan, Metoder.
    """
    y = rf.as_of.year
    per = f"{y}, per {rf.as_of.strftime('%Y-%m')}"
    plan = plan or project_transition_plan(ds, rf.as_of, rf.n_paths, rf.seed)
    hd = held(rf, ds)
    uc = unit_category_table(rf, ds, hd=hd)
    div = division_table(rf, ds, hd=hd)
    cat = category_table(rf, ds, hd=hd)
    reg = region_table(rf, hd)
    ag, ag_note = agency_table(rf, hd)
    pl = plan_table(plan, ds)
    me = methods_table(rf, ds)
    n = TABLE_NAMES
    note = " ".join(filter(None, (NOTE, absent_note(hd))))
    return [
        ExportTable(n["unit_category"][0], f"{n['unit_category'][1]} {per}", uc,
                    amount_columns=AMOUNTS, percent_columns=(*PERCENTS, APE), note=note),
        ExportTable(n["division"][0], f"{n['division'][1]} {per}", div,
                    amount_columns=AMOUNTS, percent_columns=PERCENTS, note=note),
        ExportTable(n["category"][0], f"{n['category'][1]} {per}", cat,
                    amount_columns=AMOUNTS, percent_columns=PERCENTS, note=note),
        ExportTable(n["region"][0], f"{n['region'][1]} {y}–{y + 2}, per "
                    f"{rf.as_of.strftime('%Y-%m')}", reg,
                    amount_columns=AMOUNTS, percent_columns=PERCENTS,
                    note=note + " Planåren saknar budget här; deras utveckling jämförs "
                                "med föregående års prognos, bana för bana."),
        ExportTable(n["agency"][0], f"Hyrpersonal, prognos {per}", ag,
                    amount_columns=(ACK, FG, ARSPROGNOS, ARS_P10, ARS_P50, ARS_P90),
                    percent_columns=(UTV, "Hyrandel R12 utfall %", "Hyrandel helår P10 %",
                                     "Hyrandel helår P50 %", "Hyrandel helår P90 %"),
                    note=" ".join(filter(None, (ag_note, absent_note(hd))))),
        ExportTable(n["plan"][0], f"Omställningsplan {y}: prognos för årseffekten, per "
                    f"{rf.as_of.strftime('%Y-%m')}", pl,
                    amount_columns=("Planerad årseffekt", "Planerad hittills",
                                    "Rapporterad hittills", "Prognos årseffekt", ARS_P10, ARS_P50,
                                    ARS_P90),
                    percent_columns=("Realisering hittills %", "Prognos i % av plan"),
                    note="Besparing positiv. Återstående planerad effekt × realiseringsgrad "
                         "(bayesiansk bootstrap över månaderna hittills)."),
        ExportTable(n["methods"][0], f"Metoder per serie, {per}", me,
                    amount_columns=(ARSPROGNOS,), percent_columns=(APE,),
                    note=f"{method_summary_text(rf)}. Backtestat fel = medianfel (APE) för "
                         "årsutfallet vid samma månad tidigare år."),
    ]


def prognos_metadata(rf: RegionForecast, ds: Dataset, *, choose: bool,
                     created: datetime | None = None) -> ExportMetadata:
    """Provenance of a forecast export: method summary, paths, seed, input hash, version."""
    how = "standard: backtest av årsutfallet per serie" if choose else "vald metod för alla serier"
    return ExportMetadata(
        as_of=str(rf.as_of),
        input_hash=ds.source_hash,
        source=ds.source,
        method=f"årsprognos per serie ({how}); {method_summary_text(rf)}",
        program_version=__version__,
        created=created or datetime.now(UTC),
        parameters={
            "Banor per serie": str(rf.n_paths),
            "Slumpfrö": str(rf.seed),
            "Metodval": "backtest av årsutfallet per serie" if choose else "nej",
            "Serier": str(rf.n_series),
            "Avstämning": H.RECONCILIATION,
            "Prognosmånader": f"{rf.months[0]} – {rf.months[-1]}",
            **corrections_metadata(rf),
            **load_notes(ds),
        },
    )


def prognos_export(rf: RegionForecast, ds: Dataset, *, choose: bool,
                   created: datetime | None = None
                   ) -> tuple[list[ExportTable], ExportMetadata]:
    """The one builder of the årsprognos export (the CLI's ``prognos`` and the app's Export).

    Args:
        rf: the region forecast.
        ds: the data set it was made from.
        choose: whether each series' method error was backtested (the standard årsprognos)
            or one method was used for all series.
        created: the export time (now if None).

    Returns:
        :func:`prognos_tables` and :func:`prognos_metadata`.
    """
    return prognos_tables(rf, ds), prognos_metadata(rf, ds, choose=choose, created=created)
