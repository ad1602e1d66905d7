"""AppTest (headless, in-process) tests of every page of the Streamlit app, and the UI's pure
helpers (scenario controls round trip, waterfall geometry, download callables)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forecast.io.formatting import fmt_mkr
from forecast.ledger.dataset import DATA_DIR
from scenarios import assumptions as A
from ui import scenario_form as F
from ui import state_keys as K
from ui.shell import PAGES

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 180

needs_data = pytest.mark.skipif(not (DATA_DIR / "ledger.csv").exists(),
                                reason="den inbäddade exempeldatan (data/) saknas")


@pytest.fixture(autouse=True)
def _private_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own scenario database (never the user's home)."""
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", f"sqlite:///{tmp_path / 'scenarier.db'}")


def _page_app(key: str) -> None:
    from ui.shell import run_single

    run_single(key)


def run_page(key: str) -> AppTest:
    """Render one page (with the sidebar) and return the finished AppTest."""
    at = AppTest.from_function(_page_app, args=(key,), default_timeout=TIMEOUT)
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@needs_data
def test_app_file_runs_default_page() -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Översikt"
    assert at.sidebar.selectbox(key=K.AS_OF).value == "2023-04"


@needs_data
@pytest.mark.parametrize("key", [p.key for p in PAGES])
def test_every_page_renders(key: str) -> None:
    at = run_page(key)
    assert not at.exception, at.exception
    title = next(p.title for p in PAGES if p.key == key)
    assert at.title[0].value.startswith(title.split()[0])
    assert any(e.label == "Hjälp" for e in at.expander), "every page has a help text"


@needs_data
def test_overview_shows_year_end_and_indicators_in_swedish_format() -> None:
    at = run_page("oversikt")
    labels = {m.label for m in at.metric}
    assert {"Årsprognos, nettoresultat", "Budget", "Avvikelse mot budget",
            "Nettokostnadsutveckling (ack)", "Hyrandel R12",
            "Omställningsplan, realiserat"} <= labels
    assert metric(at, "Budget").endswith("\u00a0mkr")
    assert "," in metric(at, "Nettokostnadsutveckling (ack)")
    assert len(at.get("vega_lite_chart")) >= 2


@needs_data
def test_as_of_change_recomputes_for_that_month() -> None:
    at = run_page("oversikt")
    at.sidebar.selectbox(key=K.AS_OF).set_value("2023-03").run()
    assert not at.exception, at.exception
    assert "mars 2023" in " ".join(c.value for c in at.caption)


@needs_data
def test_scenario_control_changes_year_end_by_core_amount() -> None:
    from forecast.engine.region import forecast_region
    from forecast.ledger.dataset import load_default
    from scenarios.engine import apply
    from ui.data_access import UI_FORECAST_KWARGS, UI_N_PATHS, UI_SEED

    at = run_page("scenarier")
    assert not at.exception, at.exception
    before = metric(at, "Scenario, årsresultat")
    at.number_input(key=K.scenario_control("dygnsvila.extra_need.likely")).set_value(3.5).run()
    assert not at.exception, at.exception
    after = metric(at, "Scenario, årsresultat")
    ds = load_default()
    rf = forecast_region(ds, pd.Period("2023-04", "M"), n_paths=UI_N_PATHS, seed=UI_SEED,
                         **UI_FORECAST_KWARGS)
    sc = A.Scenario(name="t", assumptions=[A.Dygnsvila(extra_need={"low": 1.0, "likely": 3.5,
                                                                   "high": 4.0})])
    expected = apply(rf, sc, ds=ds).year_result()
    assert after == fmt_mkr(expected, 1)
    assert after != before
    assert any(m.label == "Sannolikhet för budget i balans" for m in at.metric)


@needs_data
def test_invalid_range_shows_error_not_exception() -> None:
    at = run_page("scenarier")
    at.number_input(key=K.scenario_control("dygnsvila.extra_need.low")).set_value(5.0).run()
    assert not at.exception, at.exception
    assert any("inte giltiga" in e.value for e in at.error)


@needs_data
def test_save_and_compare_scenarios() -> None:
    at = run_page("scenarier")
    at.button(key="w_sc_save").click().run()
    assert not at.exception, at.exception
    assert any("version 1" in s.value for s in at.success)
    at = run_page("jamfor")
    assert not at.exception, at.exception
    assert at.multiselect(key=K.CMP_SELECTION).value
    assert len(at.dataframe) == 1


# --------------------------------------------------------------------------- pure helpers


def test_scenario_controls_round_trip() -> None:
    sc = A.Scenario(name="x", assumptions=[
        A.Dygnsvila(extra_need={"low": 1, "likely": 2, "high": 3}, agency_share=0.2),
        A.Lon(pct=3.3, month="2024-04"),
        A.Omstallningsplan(realisation_pct={"low": 50, "likely": 60, "high": 70}),
        A.Statsbidrag(amount_tkr=5000, month="2023-06"),
    ])
    values = F.controls_from_scenario(sc, "2023-05")
    assert F.scenario_from_controls(sc, values, first_month="2023-05") == sc


def test_scenario_controls_enable_and_disable_types() -> None:
    empty = A.Scenario(name="e")
    values = F.controls_from_scenario(empty, "2023-05")
    values[F.path("volym", F.ENABLED)] = True
    sc = F.scenario_from_controls(empty, values, first_month="2023-05")
    assert [a.type for a in sc.assumptions] == ["volym"]
    values[F.path("volym", F.ENABLED)] = False
    assert F.scenario_from_controls(sc, values, first_month="2023-05").assumptions == []


def test_waterfall_geometry_follows_bridge() -> None:
    from ui.widgets import waterfall_geometry

    br = pd.DataFrame({"step": ["Basprognos", "1. A", "2. B", "Scenario"],
                       "kind": ["start", "assumption", "assumption", "end"],
                       "value_tkr": [-1000.0, -200.0, 50.0, -1150.0],
                       "cumulative_tkr": [-1000.0, -1200.0, -1150.0, -1150.0]})
    g = waterfall_geometry(br)
    assert list(g["kind"]) == ["total", "försämring", "förbättring", "total"]
    assert g.loc[1, "bottom"] == pytest.approx(-1.0) and g.loc[1, "top"] == pytest.approx(-1.2)


def test_downloader_makes_a_workbook_on_call() -> None:
    from datetime import UTC, datetime

    from forecast.io.export import ExportMetadata, ExportTable
    from ui.export_page import downloader

    t = ExportTable("t", "Titel", pd.DataFrame({"Belopp": [1000.0]}, index=["=rad"]),
                    amount_columns=("Belopp",))
    meta = ExportMetadata(as_of="2023-04", input_hash="h", source="s", method="m",
                          program_version="0", created=datetime(2023, 5, 1, tzinfo=UTC))
    make = downloader([t], meta, fmt="xlsx", unit="mkr")
    wb = openpyxl.load_workbook(io.BytesIO(make()))
    assert {"t", "metadata"} <= set(wb.sheetnames)
    assert downloader([t], meta, fmt="csv", unit="tkr")().decode("utf-8-sig").count("metadata")


def test_upload_message_escapes_markdown_of_file_values() -> None:
    from ui.data_page import _md_escape

    assert _md_escape("rad 2, kolumn 'belopp': värdet '*fet* [länk](x) $1$'") == (
        r"rad 2, kolumn 'belopp': värdet '\*fet\* \[länk\]\(x\) \$1\$'")
    assert _md_escape("a_b-1.5") == r"a\_b\-1\.5"


def test_month_text_is_the_core_label() -> None:
    from forecast.io.formatting import month_label
    from ui.widgets import month_text

    for m in ("2023-01", "2023-12"):
        assert month_text(m) == month_label(m)
        assert month_text(m, long=True) == month_label(m, long=True)
