"""A region's own first export read with the defaults: unit, sign, gaps and missing budget.

The files are :mod:`tests.own_ledger` (title row "Belopp i kronor", debit sign, January–April
of 2022 and 2023, budget for January–April 2023 only).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast.engine.history import forecast_history
from forecast.followup import tables as F
from forecast.io.dataset_files import DatasetFiles, InputFile, load_dataset
from forecast.io.readers import ReadOptions
from forecast.io.readers.base import Controls, stated_unit, unit_by_size
from forecast.io.readers.sign import judge_sign
from forecast.ledger import schema as S
from tests import own_ledger as O


def _files(tmp_path: Path) -> DatasetFiles:
    f = O.write(tmp_path)
    return DatasetFiles(ledgers=(InputFile.from_path(f["huvudbok"]),),
                        organisation=InputFile.from_path(f["organisation"]),
                        kontoplan=InputFile.from_path(f["kontoplan"]))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):  # a LoadedDataset
    return load_dataset(_files(tmp_path_factory.mktemp("own")), ReadOptions())


@pytest.mark.parametrize(("text", "unit"), [
    ("Belopp i kronor", "kr"), ("Belopp i tkr", "tkr"), ("Utskrift, kr", "kr"),
    ("Belopp (tusental kronor)", "tkr"), ("SEK", "kr"), ("Huvudbok per ansvar", None),
    ("Belopp i mkr", "mkr"), ("kr och tkr", None), ("Krokom", None)])
def test_stated_unit(text: str, unit: str | None) -> None:
    assert stated_unit(text) == unit


def test_unit_by_size() -> None:
    assert unit_by_size(np.array([120.5, -3400.0, 800.0])) == "tkr"
    assert unit_by_size(np.array([1_250_000.0, -340_000.0, 800_000.0])) == "kr"
    assert unit_by_size(np.array([12_000.0, -34_000.0, 8_000.0])) is None


def test_judge_sign_reads_the_evidence() -> None:
    debet = judge_sign(np.full(20, 100.0), np.full(5, -40.0))
    assert debet.verdict == "debet"
    assert debet.evidence() == ("100 % av 20 utfallsrader på kostnadskonton är positiva och "
                                "100 % av 5 på intäktskonton negativa")
    assert judge_sign(np.full(20, -100.0), np.full(5, 40.0)).verdict == "rapport"
    assert judge_sign(np.r_[np.full(10, -1.0), np.full(10, 1.0)], np.array([])).verdict == \
        "oklart"
    assert judge_sign(np.full(5, 100.0), np.array([])).verdict == "för få rader"


def test_defaults_read_kronor_from_the_title_and_the_debit_sign(loaded) -> None:
    ds = loaded.dataset
    out = ds.ledger[ds.ledger[S.KIND] == S.UTFALL]
    for year in O.YEARS:
        got = float(out.loc[out[S.PERIOD].dt.year == year, S.AMOUNT].sum())
        assert got == pytest.approx(O.net_kr(year) / 1000.0, abs=1e-6)
    assert got < 0  # net cost is negative in the reports' sign
    reading = " ".join(loaded.report.reading)
    assert "kronor (titelraden 'Belopp i kronor')" in reading
    assert ("Tecknet lästes som debet (kostnader positiva) eftersom 100 % av 120 utfallsrader "
            "på kostnadskonton är positiva och 100 % av 48 på intäktskonton negativa") in reading
    assert "--tecken rapport" in reading  # the CLI names its flag …


def test_app_controls_are_named_instead_of_flags(tmp_path: Path) -> None:
    app = Controls(names=(("belopp", "fältet «Beloppens enhet»"),
                          ("tecken", "fältet «Tecken i huvudboken»"),
                          ("summarader", "rutan «Hoppa över summarader»"),
                          ("blad", "fältet «Blad»")),
                   values=((("tecken", "rapport"), "rapport (kostnader negativa)"),), flags=False)
    got = load_dataset(_files(tmp_path), ReadOptions(controls=app))
    text = " ".join(got.report.reading + got.report.warnings + got.dataset.notes)
    assert "--" not in text  # … the app names its own field
    assert "välj «rapport (kostnader negativa)» i fältet «Tecken i huvudboken»" in text


def test_a_chosen_sign_against_the_data_is_warned_of(tmp_path: Path) -> None:
    got = load_dataset(_files(tmp_path), ReadOptions(sign="rapport"))
    [w] = [w for w in got.report.warnings if "tecknet rapport" in w]
    assert "100 % av 120 utfallsrader på kostnadskonton är positiva" in w
    assert "Välj --tecken debet" in w


def test_history_after_the_gap_and_its_line(loaded) -> None:
    h = forecast_history(loaded.dataset, pd.Period("2023-04", "M"))
    assert h.possible and h.start == pd.Period("2023-01", "M") and h.months == 4
    assert h.cut == pd.Period("2023-01", "M") and len(h.gap) == 8
    assert h.line.startswith("Utfall saknas för maj–december 2022, så prognosen bygger bara "
                             "på utfallet januari–april 2023")
    assert "snitt hittills i år" in h.line
    first = forecast_history(loaded.dataset, pd.Period("2022-04", "M"))
    assert first.cut is None and first.months == 4 and first.line.startswith("Det är 4 månader")
    assert not forecast_history(loaded.dataset, pd.Period("2022-07", "M")).possible


def test_short_history_forecast_uses_the_months_after_the_gap(loaded) -> None:
    from forecast.engine.region import standard_forecast

    rf = standard_forecast(loaded.dataset, pd.Period("2023-04", "M"), n_paths=50)
    assert set(rf.method) == {"run_rate"}
    assert all("historik från 2023-01 (utfall saknas månaderna före)" in n for n in rf.notes)
    # run rate: each remaining month of 2023 at the year-to-date mean of its series
    year = rf.month_mask(2023)
    ytd_mean = rf.ytd_outcome.sum() / 4
    assert rf.point[:, year].sum() == pytest.approx(ytd_mean * 8, rel=1e-9)


def test_missing_budget_and_previous_year_are_absent_not_zero(loaded) -> None:
    ds = loaded.dataset
    s = F.summary(ds, pd.Period("2022-04", "M"))
    assert s[[F.ACK_BUDGET, F.DIFF, "Budget 2022", F.ACK_FG, F.DIFF_FG]].isna().all().all()
    assert s.loc[F.NET, F.ACK_UTFALL] == pytest.approx(O.net_kr(2022) / 1000.0)
    assert F.monthly(ds, pd.Period("2022-04", "M"))["Budget"].isna().all()
    assert F.budget_coverage(ds, 2022) == ("Budget för 2022 saknas i indata: budget och "
                                           "avvikelse mot budget redovisas inte (de är inte "
                                           "noll).")
    assert F.budget_coverage(ds, 2023) == (
        "Budget 2023 finns bara för januari–april 2023: 'Budget 2023' är "
        "summan av de månaderna, inte en helårsbudget.")
    dev = F.cost_development(ds, pd.Period("2023-04", "M"))
    assert dev.loc["Nettokostnadsutveckling", F.UTVECKLING] == pytest.approx(8.0)
