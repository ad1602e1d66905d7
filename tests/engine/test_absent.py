"""Absent is not zero in the Årsprognos export (forecast.engine.absent, forecast.engine.tables).

Data: :mod:`tests.own_ledger` (outcome January–April of 2022 and 2023, budget for
January–April 2023 only). As of April 2022 the ledger has no budget and no previous year; as
of April 2023 a budget for four months and a previous year with May–December missing. The
export must leave those cells empty and say why, never write 0.
"""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from forecast.engine import hierarchy as H
from forecast.engine import tables as T
from forecast.engine.absent import held, held_year_totals
from forecast.engine.region import standard_forecast
from forecast.io.export import tables_to_csv_zip_bytes, tables_to_xlsx_bytes
from tests import own_ledger as O


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a Dataset
    return O.dataset(tmp_path_factory.mktemp("own"))


@pytest.fixture(scope="module")
def export_2022(ds):  # noqa: ANN001, ANN201
    rf = standard_forecast(ds, pd.Period("2022-04", "M"), n_paths=50)
    return rf, T.prognos_export(rf, ds, choose=True)


@pytest.fixture(scope="module")
def export_2023(ds):  # noqa: ANN001, ANN201
    rf = standard_forecast(ds, pd.Period("2023-04", "M"), n_paths=50)
    return rf, T.prognos_export(rf, ds, choose=True)


def _table(tables, name: str) -> pd.DataFrame:  # noqa: ANN001
    return next(t for t in tables if t.name == name).frame


def test_no_budget_and_no_previous_year_are_empty_not_zero(export_2022) -> None:  # noqa: ANN001
    rf, (tables, _) = export_2022
    assert float(rf.annual_budget.sum()) == 0.0  # the engine's sum: what must not be printed
    for name in ("Per enhet och kostnadsslag", "Per division", "Per kostnadsslag"):
        frame = _table(tables, name)
        for col in (T.ARSBUDGET, T.AVV, T.AVV_P10, T.AVV_P90, T.FG, T.UTV):
            assert frame[col].isna().all(), (name, col)
        assert frame[T.ARSPROGNOS].notna().all() and frame[T.ACK].notna().all()
    reg = _table(tables, "Region totalt")
    assert np.isnan(reg.loc["Nettokostnad 2022", T.ARSBUDGET])
    assert np.isnan(reg.loc["Nettokostnad 2022", T.FG])
    agency = _table(tables, "Hyrpersonal")
    assert agency[[T.FG, T.UTV]].isna().all().all()
    note = next(t for t in tables if t.name == "Per division").note
    assert "Budget för 2022 saknas i indata" in note
    assert "Utfall saknas i indata för januari–december 2021" in note


def test_partial_budget_and_previous_year_with_gaps(export_2023) -> None:  # noqa: ANN001
    rf, (tables, _) = export_2023
    div = _table(tables, "Per division")
    # the budget is the four months there are, flagged in the note
    bud_kr = -sum(O.amount_kr(u, a, 2023, m, "budget") for u, _, _ in O.UNITS
                  for a, _, _ in O.ACCOUNTS for m in O.MONTHS)
    assert div.loc["Region totalt", T.ARSBUDGET] == pytest.approx(bud_kr / 1000, rel=1e-9)
    note = next(t for t in tables if t.name == "Per division").note
    assert "Budget 2023 finns bara för januari–april 2023" in note
    # 2022 has only January–April: not a previous year, so neither it nor the development
    assert div[[T.FG, T.UTV]].isna().all().all()
    assert "Utfall saknas i indata för maj–december 2022" in note
    assert float(rf.prior_year_outcome.sum()) != 0.0  # what the engine summed regardless


def test_workbook_and_csv_leave_the_cells_empty(export_2022) -> None:  # noqa: ANN001
    _, (tables, meta) = export_2022
    wb = openpyxl.load_workbook(io.BytesIO(tables_to_xlsx_bytes(tables, meta)))
    ws = wb["Per division"]
    header = [c.value for c in ws[3]]
    col = header.index(T.ARSBUDGET)
    values = [r[col].value for r in ws.iter_rows(min_row=4, max_row=ws.max_row)
              if r[0].value and not str(r[0].value).startswith("Årsprognos =")]
    assert values and all(v is None for v in values)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(tables_to_csv_zip_bytes(tables, meta))) as zf:
        name = next(n for n in zf.namelist() if "division" in n.casefold())
        text = zf.read(name).decode("utf-8-sig")
    line = next(ln for ln in text.splitlines() if ln.startswith(("Region totalt", '"Region')))
    cells = line.split(";")
    head = next(ln for ln in text.splitlines() if T.ARSBUDGET in ln).split(";")
    assert cells[[h.strip('"') for h in head].index(T.ARSBUDGET)].strip('"') == ""


def test_a_group_without_budget_rows_is_blank_where_others_have_one(ds, export_2023) -> None:  # noqa: ANN001
    rf, _ = export_2023
    hd = held(rf, ds)
    assert hd.budget.all()
    no_unit = hd.__class__(hd.year, hd.budget & (rf.keys["unit"] != "5100").to_numpy(),
                           hd.prior, (), None)
    units = held_year_totals(rf, ds, ("unit",), hd=no_unit).set_index("unit")
    assert np.isnan(units.loc["5100", H.ANNUAL_BUDGET]) and np.isnan(units.loc["5100", H.DEV])
    assert units.loc["4100", H.ANNUAL_BUDGET] != 0 and not np.isnan(units.loc["4100", H.ANNUAL_BUDGET])
    assert not units[H.PRIOR_YEAR].isna().any()  # no gaps in this Held: the prior year stays
