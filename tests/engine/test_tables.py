"""Direct tests of the årsprognos tables (forecast.engine.tables) on a small forecast.

The forecast comes from the engine with the fake per-series methods (fast, offline); every
table is checked against the hierarchy's totals and against the sums of its own rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from forecast.engine import hierarchy as H
from forecast.engine import region as engine
from forecast.engine import tables as T
from forecast.engine.absent import held
from forecast.followup.transition import project_transition_plan
from forecast.methods.names import method_name

AS_OF = pd.Period("2023-04", "M")


@pytest.fixture(scope="module")
def case():
    from tests.fakes import FAKE_METHODS, small_dataset

    ds = small_dataset()
    rf = engine.forecast_region(ds, AS_OF, n_paths=200, seed=1, workers=1,
                                forecaster=FAKE_METHODS)
    return rf, ds


def test_unit_category_nets_add_up_and_match_the_hierarchy(case):
    rf, ds = case
    uc = T.unit_category_table(rf, ds)
    nets = H.year_totals(rf, ("unit",)).set_index("unit")
    for u in dict.fromkeys(rf.keys["unit"]):
        block = uc.loc[[i for i in uc.index if i.startswith(f"{u} / ")]]
        net = block.loc[f"{u} / Nettokostnad"]
        cats = block.loc[~block["Kostnadsslag"].isin(
            ["Nettokostnad", *H.TYPE_LABEL.values()])]
        assert net[T.ARSPROGNOS] == pytest.approx(cats[T.ARSPROGNOS].sum(), rel=1e-12)
        assert net[T.ARSPROGNOS] == pytest.approx(nets.loc[u, H.FORECAST], rel=1e-12)
        assert net[T.ACK] == pytest.approx(rf.ytd_outcome[rf.row_mask(unit=u)].sum())
        assert net[T.ARS_P10] <= net[T.ARS_P50] <= net[T.ARS_P90]
    # Series with a method show it; summary rows have none.
    assert (uc.loc[uc["Kostnadsslag"] == "Nettokostnad", T.METOD] == "").all()


def test_unit_category_selection_by_codes_is_the_filtered_table(case):
    rf, ds = case
    full = T.unit_category_table(rf, ds).reset_index()
    # Reference: the filter the Prognos page used to apply to the display labels.
    ref = full.loc[(full["Division"] == "Div A")
                   & (full["Enhet"].str.split(" ").str[0] == "A2")]
    got = T.unit_category_table(rf, ds, {"division": "Div A", "unit": "A2"}).reset_index()
    pd.testing.assert_frame_equal(got, ref.reset_index(drop=True))
    one = T.unit_category_table(rf, ds, {"category": "Läkemedel"})
    assert set(one["Kostnadsslag"]) == {"Läkemedel"}
    assert len(one) == rf.keys["unit"].nunique()
    assert T.unit_category_table(rf, ds, {"division": "Div A", "unit": "B1"}).empty


def test_division_and_category_tables_add_up_to_the_region(case):
    rf, ds = case
    region = H.year_totals(rf, ()).iloc[0]
    div = T.division_table(rf, ds)
    assert list(div.index) == ["Div A", "Div B", "Region totalt"]
    assert div.loc[["Div A", "Div B"], T.ARSPROGNOS].sum() == pytest.approx(
        div.loc["Region totalt", T.ARSPROGNOS], rel=1e-12)
    assert div.loc["Region totalt", T.ARSPROGNOS] == pytest.approx(region[H.FORECAST], rel=1e-12)
    cat = T.category_table(rf, ds)
    leaves = cat.loc[~cat.index.isin([*H.TYPE_LABEL.values(), H.NET_LABEL])]
    assert leaves[T.ARSPROGNOS].sum() == pytest.approx(cat.loc[H.NET_LABEL, T.ARSPROGNOS], rel=1e-12)
    assert cat.loc[H.NET_LABEL, T.ARSBUDGET] == pytest.approx(rf.annual_budget.sum())
    # Deviation = prognos − budget (the reports' sign convention).
    np.testing.assert_allclose(cat[T.AVV], cat[T.ARSPROGNOS] - cat[T.ARSBUDGET], rtol=1e-12,
                               atol=1e-9)


def test_region_table_has_three_years_and_nets(case):
    rf, ds = case
    reg = T.region_table(rf, held(rf, ds))
    y = AS_OF.year
    assert [i for i in reg.index if i.startswith("Nettokostnad")] == [
        f"Nettokostnad {y}", f"Nettokostnad {y + 1}", f"Nettokostnad {y + 2}"]
    for year in (y, y + 1, y + 2):
        net = reg.loc[f"Nettokostnad {year}", T.ARSPROGNOS]
        parts = reg.loc[[f"{H.TYPE_LABEL[t]} {year}" for t in ("intakt", "kostnad")], T.ARSPROGNOS]
        assert net == pytest.approx(parts.sum(), rel=1e-12)
    assert reg.loc[f"Nettokostnad {y + 1}", T.ACK] == 0


def test_agency_table_shares_and_note(case):
    rf, ds = case
    ag, note = T.agency_table(rf, held(rf, ds))
    leaves = ag.loc[["Inhyrd personal läkare", "Inhyrd personal sjuksköterskor"]]
    assert leaves[T.ARSPROGNOS].sum() == pytest.approx(ag.loc["Inhyrd personal totalt", T.ARSPROGNOS],
                                                    rel=1e-12)
    tot = ag.loc["Inhyrd personal totalt"]
    share = H.agency_share(rf)
    assert tot["Hyrandel helår P50 %"] == pytest.approx(share["p50"])
    assert tot["Hyrandel helår P10 %"] <= tot["Hyrandel helår P50 %"] <= tot["Hyrandel helår P90 %"]
    assert np.isnan(ag.loc["Personalkostnader (egen personal)", "Hyrandel helår P50 %"])
    assert "Mål högst 2\u00a0%" in note


def test_plan_table_matches_the_projection_and_totals(case):
    rf, ds = case
    plan = project_transition_plan(ds, AS_OF, rf.n_paths, rf.seed)
    pt = T.plan_table(plan, ds)
    assert list(pt.index) == ["M1 Minskad hyrpersonal", "M2 Läkemedelsöversyn", "Totalt"]
    assert pt.loc["Totalt", "Planerad årseffekt"] == pytest.approx(1800.0)
    assert pt.loc["Totalt", "Rapporterad hittills"] == pytest.approx(150.0 + 180.0)
    assert pt.loc["M1 Minskad hyrpersonal", "Realisering hittills %"] == pytest.approx(75.0)
    assert pt.loc["Totalt", "Prognos årseffekt"] == pytest.approx(
        pt.loc[["M1 Minskad hyrpersonal", "M2 Läkemedelsöversyn"], "Prognos årseffekt"].sum())


def test_methods_table_one_row_per_series(case):
    rf, ds = case
    me = T.methods_table(rf, ds)
    assert len(me) == rf.n_series
    # the method in Swedish words (forecast.methods.names), one per series in the forecast's order
    assert list(me[T.METOD]) == [method_name(m, short=True) for m in rf.method]
    # Per series the mean year total over paths; the series add up to the region's prognos.
    assert me[T.ARSPROGNOS].sum() == pytest.approx(H.year_totals(rf, ()).iloc[0][H.FORECAST],
                                                rel=1e-9)
    one = me.loc["A1|Läkemedel", T.ARSPROGNOS]
    i = int(np.flatnonzero(rf.row_mask(unit="A1", account="Läkemedel"))[0])
    rest = rf.paths[i][:, rf.month_mask(AS_OF.year)].sum(axis=1, dtype=np.float64).mean()
    assert one == pytest.approx(rf.ytd_outcome[i] + rest, rel=1e-9)
    assert "av 20 serier med anmärkning" in T.method_summary_text(rf)


def test_prognos_export_tables_in_order_with_metadata(case):
    rf, ds = case
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    tables, meta = T.prognos_export(rf, ds, choose=True, created=when)
    assert [t.name for t in tables] == [v[0] for v in T.TABLE_NAMES.values()]
    assert meta.as_of == "2023-04" and meta.input_hash == ds.source_hash
    assert meta.created == when
    assert meta.parameters["Banor per serie"] == "200"
    assert meta.parameters["Slumpfrö"] == "1"
    assert meta.parameters["Metodval"] == "backtest av årsutfallet per serie"
    assert T.prognos_metadata(rf, ds, choose=False).parameters["Metodval"] == "nej"
    # the corrections made from earlier errors are recorded, also when none was made
    assert meta.parameters["Nivåkorrigering efter tidigare års fel"]
    assert meta.parameters["Bredd för nettototaler efter tidigare års fel"]
    from dataclasses import replace

    wide = replace(rf, totals_width=(("Medicin", 1.2),))
    assert T.prognos_metadata(wide, ds, choose=True).parameters[
        "Bredd för nettototaler efter tidigare års fel"] == "Medicin ×1,20"
