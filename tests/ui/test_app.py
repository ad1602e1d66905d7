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
    from ui.data_access import UI_N_PATHS, UI_SEED, forecast_kwargs

    at = run_page("scenarier")
    assert not at.exception, at.exception
    before = metric(at, "Scenario, årsresultat 2023")
    at.text_input(key=K.scenario_control("dygnsvila.extra_need.likely")).input("3,5").run()
    assert not at.exception, at.exception
    after = metric(at, "Scenario, årsresultat 2023")
    ds = load_default()
    rf = forecast_region(ds, pd.Period("2023-04", "M"), n_paths=UI_N_PATHS, seed=UI_SEED,
                         **forecast_kwargs())
    sc = A.Scenario(name="t", assumptions=[A.Dygnsvila(extra_need={"low": 1.0, "likely": 3.5,
                                                                   "high": 4.0})])
    res = apply(rf, sc, ds=ds)
    # printed once: the printed base + the printed difference (the bars add up to it)
    from forecast.report.rounding import round_half_away

    printed = (round_half_away(res.year_result(baseline=True) / 1000, 1)
               + round_half_away((res.year_result() - res.year_result(baseline=True)) / 1000, 1))
    assert after == fmt_mkr(printed * 1000, 1)
    assert abs(printed * 1000 - res.year_result()) <= 100
    assert after != before
    assert any(m.label.startswith("Sannolikhet") for m in at.metric)


@needs_data
def test_invalid_range_shows_swedish_error_not_exception() -> None:
    at = run_page("scenarier")
    at.text_input(key=K.scenario_control("dygnsvila.extra_need.low")).input("5").run()
    assert not at.exception, at.exception
    text = " ".join(e.value for e in at.error)
    assert "inte giltiga" in text and "inget har räknats om" in text
    assert "Dygnsvila 11 timmar › Extra bemanningsbehov" in text
    assert "låg ≤ trolig ≤ hög" in text and "Value error" not in text
    assert "low" not in text and "likely" not in text
    assert not any(m.label.startswith("Scenario, årsresultat") for m in at.metric)


@needs_data
@pytest.mark.parametrize(("text", "message"), [
    ("tre", "'tre' är inte ett tal"),
    ("3,555", "för många decimaler"),
    ("150", "utanför det tillåtna"),
])
def test_bad_number_text_shows_swedish_error_and_no_figures(text: str, message: str) -> None:
    at = run_page("scenarier")
    at.text_input(key=K.scenario_control("dygnsvila.extra_need.likely")).input(text).run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any(message in e and "Extra bemanningsbehov" in e and "trolig" in e
               for e in errors), errors
    assert not any(m.label.startswith("Scenario, årsresultat") for m in at.metric)


@needs_data
def test_decimal_comma_everywhere_on_scenarier() -> None:
    """Every number field is a text field read the Swedish way, showing Swedish numbers."""
    at = run_page("scenarier")
    fields = F.number_fields()
    keys = {K.scenario_control(p) for p in fields}
    shown = {t.key: t.value for t in at.text_input if t.key in keys}
    assert set(shown) == keys, "every numeric control is drawn as a Swedish text field"
    assert not at.number_input, "no st.number_input (it reads 2,5 as 25)"
    assert shown[K.scenario_control("dygnsvila.extra_need.likely")] == "2,5"
    assert all("." not in v for v in shown.values()), shown
    at.text_input(key=K.scenario_control("dygnsvila.staff_share")).input("0,5").run()
    assert not at.exception and not at.error
    assert at.session_state[K.SC_DRAFT].scenario.assumptions[0].staff_share == 0.5


@needs_data
def test_deficit_threshold_sets_the_probability() -> None:
    at = run_page("scenarier")
    at.text_input(key=K.SC_DEFICIT).input("0").run()
    assert any(m.label == "Sannolikhet för budget i balans" for m in at.metric)
    at.text_input(key=K.SC_DEFICIT).input("2 000,5").run()
    label = next(m.label for m in at.metric if m.label.startswith("Sannolikhet"))
    assert label == "Sannolikhet att underskottet mot budget blir högst 2\u00a0000,5\u00a0mkr"
    assert metric(at, label) == "100\u00a0%"


def test_validation_messages_are_swedish() -> None:
    from pydantic import ValidationError

    try:
        A.Scenario(name="x", assumptions=[{"type": "dygnsvila", "agency_share": 0.8,
                                           "overtime_share": 0.5}])
    except ValidationError as exc:
        (msg,) = F.validation_messages(exc.errors())
    assert msg.startswith("Dygnsvila 11 timmar: ")
    assert "Andel som täcks av hyrpersonal (0–1) + Andel som täcks av övertid" in msg
    assert "0,8" in msg and "Value error" not in msg
    try:
        A.Scenario(name="x", assumptions=[{"type": "dygnsvila", "staff_share": 2}])
    except ValidationError as exc:
        (msg,) = F.validation_messages(exc.errors())
    assert msg == ("Dygnsvila 11 timmar › Personalgruppens andel av personalkostnaden (0–1): "
                   "måste vara högst 1,0")


@needs_data
def test_save_and_compare_scenarios() -> None:
    at = run_page("scenarier")
    at.button(key="w_sc_save").click().run()
    assert any("Ange ett namn" in e.value for e in at.error)  # never the preset's name
    at.text_input(key=K.SC_NAME).input("Dygnsvila HSN").run()
    at.text_input(key=K.SC_DESCRIPTION).input("Första försöket").run()
    at.text_input(key=K.SC_AUTHOR).input("Anna Controller").run()
    at.button(key="w_sc_save").click().run()
    assert not at.exception, at.exception
    assert any("version 1" in s.value for s in at.success)
    assert at.selectbox(key=K.SC_PRESET).value == "Sparat: Dygnsvila HSN v1"
    assert dict(at.query_params).get(K.SC_PARAM_NAME) in ("Dygnsvila HSN", ["Dygnsvila HSN"])
    at.run()  # a rerun of any kind (a widget elsewhere) keeps the message of the save
    assert any("version 1" in s.value for s in at.success)
    at.text_input(key=K.SC_DESCRIPTION).input("Andra försöket").run()
    assert not any("version 1" in s.value for s in at.success)  # not once the scenario changed
    import getpass

    from scenarios.store import ScenarioStore

    rec = ScenarioStore().record("Dygnsvila HSN")
    # the saver is the user (single-user mode: the OS user), never the typed author field
    assert (rec.description, rec.author) == ("Första försöket", getpass.getuser())
    at = run_page("jamfor")
    assert not at.exception, at.exception
    rows = at.table[0].value
    assert "Dygnsvila HSN v1" in rows.columns
    assert rows.loc["Sannolikhet budget i balans"].iloc[0].endswith("\u00a0%")
    assert "till" in rows.loc["P10–P90"].iloc[0]


@needs_data
def test_a_save_based_on_an_older_version_asks_first() -> None:
    from scenarios.store import ScenarioStore

    at = run_page("scenarier")
    at.text_input(key=K.SC_NAME).input("Delad").run()
    at.button(key="w_sc_save").click().run()
    ScenarioStore().save(A.Scenario(name="Delad", description="från en annan flik"))
    at.text_input(key=K.SC_DESCRIPTION).input("min ändring").run()
    at.button(key="w_sc_save").click().run()
    warning = " ".join(w.value for w in at.warning)
    assert "version 1" in warning and "version 2" in warning and "Spara ändå" in warning
    assert len(ScenarioStore().versions("Delad")) == 2  # nothing saved before the answer
    at.button(key=K.SC_SAVE_CONFIRM).click().run()
    assert any("version 3" in s.value for s in at.success)


@needs_data
def test_scenario_survives_other_pages_and_a_reload() -> None:
    """The draft is one session object: leaving the page and coming back keeps it; a new
    session (a reload) gets it back from the address."""
    from ui.scenario_state import Draft

    def nav_app() -> None:
        import streamlit as st

        from ui.shell import run_single

        run_single(st.session_state.get("test_page", "scenarier"))

    at = AppTest.from_function(nav_app, default_timeout=TIMEOUT).run()
    at.text_input(key=K.scenario_control("dygnsvila.extra_need.likely")).input("3,5").run()
    shown = metric(at, "Scenario, årsresultat 2023")
    for page in ("oversikt", "jamfor", "export", "scenarier"):
        at.session_state["test_page"] = page
        at.run()
        assert not at.exception, (page, at.exception)
    assert metric(at, "Scenario, årsresultat 2023") == shown
    draft: Draft = at.session_state[K.SC_DRAFT]
    assert draft.scenario.assumptions[0].extra_need.likely == 3.5
    params = {k: v for k, v in at.query_params.items()}
    reload = AppTest.from_function(_page_app, args=("scenarier",), default_timeout=TIMEOUT)
    for k, v in params.items():
        reload.query_params[k] = v[0] if isinstance(v, list) else v
    reload.run()
    assert not reload.exception, reload.exception
    assert metric(reload, "Scenario, årsresultat 2023") == shown


@needs_data
def test_examples_are_saved_once_under_distinct_names() -> None:
    at = run_page("jamfor")
    at.button(key="w_cmp_examples").click().run()
    at.button(key="w_cmp_examples").click().run()
    assert not at.exception, at.exception
    assert any("fanns redan oförändrade" in s.value for s in at.success)
    from scenarios.store import ScenarioStore

    saved = ScenarioStore().list_scenarios()
    assert (saved["n_versions"] == 1).all(), saved[["name", "version", "n_versions"]]
    from ui.cached import presets

    assert len(saved) == len({s.name for s in presets().values()}) == len(presets())


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


def test_chosen_files_line_names_what_a_click_reads() -> None:
    from ui.data_page import chosen_files

    assert chosen_files([], [("Kontoplan (valfri)", "map.csv")]).startswith(
        "Ingen huvudboksfil vald ännu")
    assert chosen_files(["a.se", "b.csv"], [("Kontoplan (valfri)", "map.csv"),
                                            ("Organisation (valfri)", "org.csv")]) == (
        "Läses in: huvudbok a.se, b.csv; kontoplan map.csv; organisation org.csv.")


@needs_data
def test_load_button_waits_for_a_ledger_file() -> None:
    at = run_page("data")
    assert not at.exception, at.exception
    assert at.button(key=K.DATA_LOAD).disabled
    assert any(c.value.startswith("Ingen huvudboksfil vald") for c in at.caption)


def test_month_text_is_the_core_label() -> None:
    from forecast.io.formatting import month_label
    from ui.widgets import month_text

    for m in ("2023-01", "2023-12"):
        assert month_text(m) == month_label(pd.Period(m, "M"))
        assert month_text(m, long=True) == month_label(pd.Period(m, "M"), long=True)


# --------------------------------------------------------------------------- issue 12


@needs_data
def test_month_list_newest_first_and_thin_history_is_warned() -> None:
    at = run_page("oversikt")
    box = at.sidebar.selectbox(key=K.AS_OF)
    assert box.options[0] == "april 2023" and box.value == "2023-04"
    assert not at.warning, "a tested standard forecast carries no warning"
    box.set_value("2016-03").run()
    assert not at.exception, at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "Prognosens underlag är svagt" in warning and "för kort historik" in warning
    assert "Utfall för 2015 saknas" in warning
    dev = next(m for m in at.metric if m.label == "Nettokostnadsutveckling (ack)")
    assert dev.value == "–"
    assert "inom taket" not in (dev.delta or "") and "fjolårets utfall saknas" in dev.delta


def test_ceiling_badge_never_green_without_a_comparison() -> None:
    from ui.overview import ceiling_badge

    assert ceiling_badge(float("nan"), 2.2)["delta"].startswith("ingen jämförelse")
    assert ceiling_badge(float("nan"), 2.2)["delta_color"] == "off"
    assert ceiling_badge(14.1, 2.5) == {"delta": "över taket 2,5\u00a0%",
                                        "delta_color": "inverse", "delta_arrow": "off"}
    assert ceiling_badge(14.1, 25.0)["delta"] == "inom taket 25,0\u00a0%"
    assert ceiling_badge(14.1, None)["delta_color"] == "off"


@needs_data
def test_overview_ceiling_takes_the_decimal_comma() -> None:
    at = run_page("oversikt")
    at.text_input(key=K.OV_CEILING).input("2,5").run()
    dev = next(m for m in at.metric if m.label == "Nettokostnadsutveckling (ack)")
    assert dev.delta == "över taket 2,5\u00a0%"
    at.text_input(key=K.OV_CEILING).input("25").run()
    dev = next(m for m in at.metric if m.label == "Nettokostnadsutveckling (ack)")
    assert dev.delta == "inom taket 25,0\u00a0%"


@needs_data
def test_prognos_drill_down_has_no_index_column_and_swedish_methods() -> None:
    at = run_page("prognos")
    at.selectbox(key=K.FC_DIVISION).set_value(at.selectbox(key=K.FC_DIVISION).options[1]).run()
    assert not at.exception, at.exception
    for df in at.dataframe:
        assert "index" not in [str(c).lower() for c in df.value.columns]
    # The Prognos page also shows the adjustments editor; take the method table by its column.
    table = next(df.value for df in at.dataframe if "Metod" in df.value.columns)
    assert "combo" not in " ".join(table["Metod"].astype(str))
    assert set(table["Metod"]) <= {"Kombination"} | set(table["Metod"])
    captions = " ".join(c.value for c in at.caption)
    assert "Metod (" in captions and "Kombination av tre metoder" in captions
    assert "missade prognosen" in captions
    assert any(m.label == "Helårsprognos mot fjolårets helår" for m in at.metric)


def test_monthly_chart_tells_outcome_budget_and_forecast_apart() -> None:
    from ui.widgets import SERIES_COLOURS, monthly_chart

    frame = pd.DataFrame({"Månad": ["jan", "feb"], "Utfall": [1.0, 2.0], "Budget": [1.0, 1.0],
                          "Prognos": [None, 2.0]})
    spec = monthly_chart(frame, value_columns=["Utfall", "Budget", "Prognos"]).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Utfall", "Budget", "Prognos"]
    assert scale["range"] == [SERIES_COLOURS["utfall"], SERIES_COLOURS["budget"],
                              SERIES_COLOURS["prognos"]]
    assert len(set(scale["range"])) == 3
    assert spec["encoding"]["strokeDash"]["scale"]["range"][1] != [1, 0]  # budget dashed


def test_bridge_and_histogram_say_their_axis_does_not_start_at_zero() -> None:
    from ui.widgets import NOT_FROM_ZERO, histogram_chart, waterfall_chart

    br = pd.DataFrame({"step": ["Basprognos", "1. A", "Scenario"],
                       "kind": ["start", "assumption", "end"],
                       "value_tkr": [-3_400_000.0, -20_000.0, -3_420_000.0],
                       "cumulative_tkr": [-3_400_000.0, -3_420_000.0, -3_420_000.0]})
    spec = waterfall_chart(br).to_dict()
    assert spec["encoding"]["y"]["field"] == "label"  # one row per step: no label dropped
    assert NOT_FROM_ZERO in spec["encoding"]["x"]["title"]
    values = pd.DataFrame({"mkr": [-3450.0, -3420.0, -3400.0]})
    h = histogram_chart(values, marker=-2895.0, marker_label="Budget", limit=-3495.0).to_dict()
    assert NOT_FROM_ZERO in h["layer"][0]["encoding"]["x"]["title"]
    texts = [layer for layer in h["layer"] if layer["mark"]["type"] == "text"]
    assert len(texts) == 2  # the budget line and the threshold are labelled
    around_zero = histogram_chart(pd.DataFrame({"mkr": [-10.0, 5.0]}), marker=0.0).to_dict()
    assert NOT_FROM_ZERO not in around_zero["layer"][0]["encoding"]["x"]["title"]


def test_draw_slider_shows_swedish_numbers() -> None:
    from forecast.io.formatting import fmt_number
    from ui.scenarios_page import DRAW_OPTIONS

    assert [fmt_number(d) for d in DRAW_OPTIONS][-1] == "10\u00a0000"


@needs_data
def test_scenario_page_texts_are_swedish() -> None:
    at = run_page("scenarier")
    slider = at.select_slider(key=K.SC_DRAWS)
    assert slider.format_func(10_000) == "10\u00a0000"
    months = [s for s in at.selectbox if s.key and s.key.endswith("hyrpersonal.target_month")]
    assert months and months[0].format_func("") == "standard: december prognosåret"
    preset = at.selectbox(key=K.SC_PRESET)
    assert preset.options[0].startswith("Standard")
    labels = {t.label for t in at.text_input}
    assert "Extra bemanningsbehov, % av egen personalkostnad – trolig" in labels


def test_table_download_is_the_table_form_csv() -> None:
    import csv

    from ui.widgets import TableDownload, table_csv

    frame = pd.DataFrame({"Enhet": ["K101", "K102"], "Årsprognos": [-1500.0, 2500.5]})
    spec = TableDownload("Prognos per enhet", "k", "2023-04", "abc", "exempel")
    text = table_csv(frame, spec, amount_columns=("Årsprognos",)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[:4] == [["Prognos per enhet"], ["Belopp i tkr"], ["Enhet", "Årsprognos"],
                        ["K101", "-1500"]]
    assert ["Indata-hash", "abc"] in rows and ["Per månad", "2023-04"] in rows


def test_downloader_zip_has_one_csv_per_table() -> None:
    import zipfile
    from datetime import UTC, datetime

    from forecast.io.export import ExportMetadata, ExportTable
    from ui.export_page import downloader

    t = ExportTable("t", "Titel", pd.DataFrame({"Belopp": [1000.0]}, index=["rad"]),
                    amount_columns=("Belopp",))
    meta = ExportMetadata(as_of="2023-04", input_hash="h", source="s", method="m",
                          program_version="0", created=datetime(2023, 5, 1, tzinfo=UTC))
    z = zipfile.ZipFile(io.BytesIO(downloader([t], meta, fmt="zip", unit="mkr")()))
    assert z.namelist() == ["t.csv", "metadata.csv"]


def test_committee_bridge_has_full_axis_labels_and_a_shared_scale() -> None:
    from types import SimpleNamespace as NS

    from ui.committee_view import bridge_chart, bridge_frame, shared_domain

    bars = (NS(label="1. A", printed_mkr=78.1), NS(label="2. B", printed_mkr=-28.4),
            NS(label="3. C", printed_mkr=12.0))
    view = NS(bridge=bars, printed_difference_mkr=61.7)
    f = bridge_frame(view)
    assert f["till"].iloc[-2] == pytest.approx(61.7) == f["till"].iloc[-1]
    assert list(f["text"]) == ["78,1", "-28,4", "12,0", "61,7"]
    small = bridge_frame(NS(bridge=(NS(label="1. A", printed_mkr=12.0),),
                            printed_difference_mkr=12.0))
    dom = shared_domain([f, small], ["från", "till"])
    assert dom[0] <= 0 <= dom[1] and dom[1] > 78.1
    spec = bridge_chart(small, title="t", domain=dom).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == list(dom)
    assert any(layer["mark"]["type"] == "text" for layer in spec["layer"])
