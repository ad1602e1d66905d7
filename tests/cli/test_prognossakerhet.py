"""``budgetprognos prognossakerhet``: the forecast value added (FVA) tables beside accuracy.

The small offline data set (2022 complete) stands in for the embedded one; laid forecasts are
made from its 2022 outcome with a known miss and known adjustments per division, so every
FVA figure is known in advance. No forecast is computed.
"""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from cli import common as cli_common
from cli import main as cli
from forecast.cycle.laid import EXAMPLE_DATASET, LaidForecast
from forecast.cycle.laid_store import LaidStore
from forecast.ledger.dataset import Dataset
from tests.fakes import small_dataset

YEAR = 2022
MISS = {"Div A": -1_000.0, "Div B": 0.0}
"""Statistical forecast − outcome per series, per division."""
ADJ = {"Div A": 1_000.0, "Div B": -300.0}
"""Adjustment per series, per division: Div A's corrects the miss, Div B's leads astray."""


def laid_at(ds: Dataset, as_of: str, adjust: bool) -> LaidForecast:
    """A laid forecast of ``as_of`` whose year totals are the outcome + :data:`MISS`."""
    led = ds.ledger
    out = led[(led["kind"] == "utfall") & (led["period"].dt.year == YEAR)]
    s = out.groupby(["unit", "account"], as_index=False, sort=False)["amount_tkr"].sum()
    div = s["unit"].map(ds.org.division_of())
    stat = s["amount_tkr"] + div.map(MISS)
    adj = div.map(ADJ) if adjust else 0.0 * stat
    n, month = len(s), pd.Period(as_of, "M")
    series = pd.DataFrame({
        "unit": s["unit"], "account": s["account"], "division": div,
        "category": s["account"].map(ds.accounts.category_of()),
        "account_type": s["account"].map(ds.accounts.type_of()), "ytd_outcome": 0.0,
        "annual_budget": 0.0, "stat_year": stat, "adj_year": adj, "final_year": stat + adj,
        "p10": np.nan, "p50": np.nan, "p90": np.nan, "final_plan1": 0.0, "final_plan2": 0.0,
        "method": "test", "backtest_ape": np.nan, "note": ""})
    empty = np.zeros((n, 12 - month.month))
    return LaidForecast(dataset=EXAMPLE_DATASET, as_of=month, series=series,
                        stat_monthly=empty, adj_monthly=empty, adjustments=(), allocations=(),
                        author="Anna", comment=f"lagd {as_of}", input_hash=ds.source_hash,
                        method="test")


@pytest.fixture
def laid_db(monkeypatch, tmp_path):
    ds = small_dataset()
    monkeypatch.setattr(cli_common, "load_default", lambda: ds)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = LaidStore(url)
    store.lay(laid_at(ds, f"{YEAR}-04", adjust=False))
    store.lay(laid_at(ds, f"{YEAR}-08", adjust=True))
    return url


def _cells(path):
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == ["tabell", "rad", "kolumn", "värde"]
    return {(t, r, c): v for t, r, c, v in rows[1:]}


def _num(text):
    return float(text.replace(",", "."))


def test_fva_tables_in_the_csv_with_known_figures_and_metadata(laid_db, tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert cli.main(["prognossakerhet", "--ar", str(YEAR), "--db", laid_db, "--out", str(out),
                     "--enhet", "tkr", "--csv-form", "lang"]) == 0
    cells = _cells(out)
    aug = f"{YEAR}-08"
    # Div A: 10 series, each 1 000 too low, each corrected by +1 000
    assert _num(cells[("FVA per division", f"{aug} / Div A", "Fel statistisk")]) == -10_000
    assert _num(cells[("FVA per division", f"{aug} / Div A", "Fel lagd")]) == 0
    assert _num(cells[("FVA per division", f"{aug} / Div A", "FVA")]) == 10_000
    assert cells[("FVA per division", f"{aug} / Div A", "Bedömningen")] == "förbättrade"
    # Div B: only B1 has 2022 outcome (5 series); −300 each leads it away
    assert _num(cells[("FVA per division", f"{aug} / Div B", "FVA")]) == -1_500
    assert cells[("FVA per division", f"{aug} / Div B", "Bedömningen")] == "försämrade"
    assert _num(cells[("FVA region", aug, "Justeringar")]) == 10_000 - 1_500
    assert _num(cells[("FVA region", aug, "FVA")]) == 10_000 - 1_500
    assert cells[("FVA region", f"{YEAR}-04", "Bedömningen")] == "oförändrad"
    pers = _num(cells[("FVA per kostnadsslag", f"{aug} / Personalkostnader", "FVA")])
    assert pers == 2 * 1_000 - 300  # A1, A2 corrected; B1 led astray
    assert cells[("FVA över året", "Division / Div A", "Förbättrade månader")] == "1"
    assert _num(cells[("FVA över året", "Region / Region totalt", "Medel FVA")]) == 4_250
    assert cells[("metadata", "Lagda versioner (FVA)", "värde")] == \
        f"april {YEAR} v1 av Anna, augusti {YEAR} v1 av Anna"
    assert "positivt" in cells[("metadata", "FVA", "värde")]
    text = capsys.readouterr().out
    assert "Förädlingsvärde (FVA) för regionen" in text and "förbättrade" in text


def test_fva_sheets_in_the_workbook(laid_db, tmp_path):
    out = tmp_path / "s.xlsx"
    assert cli.main(["prognossakerhet", "--ar", str(YEAR), "--db", laid_db,
                     "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        wb = z.read("xl/workbook.xml").decode()
    for name in ("Prognossäkerhet", "FVA region", "FVA per division", "FVA per kostnadsslag",
                 "FVA över året", "metadata"):
        assert f'name="{name}"' in wb, name
