"""AppTest: the app opens on laid forecasts without recomputing, and the Prognosförändring
page (change and prognossäkerhet) reads them."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forecast.cycle.adjustment_file import parse_table, to_table
from forecast.cycle.adjustments import Adjustment
from forecast.cycle.change import decompose, sentence
from forecast.cycle.laid import EXAMPLE_DATASET
from forecast.cycle.laid_store import LaidStore
from forecast.io.formatting import fmt_mkr
from forecast.ledger.dataset import DATA_DIR, load_default
from tests.laid_fixtures import example_record, lay_example_months
from ui import state_keys as K

TIMEOUT = 120
needs_data = pytest.mark.skipif(not (DATA_DIR / "ledger.csv").exists(),
                                reason="den inbäddade exempeldatan (data/) saknas")
ADJ = Adjustment(comment="dygnsvila från hösten", amount_tkr=-12_000.0, division="Kirurgi",
                 category="Personalkostnader", start="2023-10", rule="budget", author="Anna")


@pytest.fixture(scope="module")
def store_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('ui') / 'store.db'}"
    if not (DATA_DIR / "ledger.csv").exists():
        return url
    lay_example_months(url, ("2022-04", "2022-08", "2023-03", "2023-04"), {"2023-04": [ADJ]})
    return url


@pytest.fixture(autouse=True)
def _store(store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", store_url)
    monkeypatch.setenv("BUDGETPROGNOS_ROLES", str(tmp_path / "inga_roller.toml"))
    for var in ("LOGNAME", "USER"):  # the identity is the OS user (single-user mode)
        monkeypatch.setenv(var, "Anna")


def _page_app(key: str) -> None:
    from ui.shell import run_single

    run_single(key)


def run_page(key: str) -> AppTest:
    return AppTest.from_function(_page_app, args=(key,), default_timeout=TIMEOUT).run()


@needs_data
def test_overview_opens_on_the_laid_forecast(store_url):
    at = run_page("oversikt")
    assert not at.exception, at.exception
    lf = LaidStore(store_url).load(EXAMPLE_DATASET, pd.Period("2023-04", "M"))
    got = next(m.value for m in at.metric if m.label == "Årsprognos, nettoresultat")
    assert got == fmt_mkr(lf.summary()["final"])
    assert any("Lagd prognos april 2023 version 1 av Anna" in c.value for c in at.caption)


@needs_data
def test_prognos_page_shows_laid_figures_and_adjustments_without_recomputing(store_url):
    at = run_page("prognos")
    assert not at.exception, at.exception
    assert any("Visar lagd prognos april 2023 v1 av Anna" in i.value for i in at.info)
    lf = LaidStore(store_url).load(EXAMPLE_DATASET, pd.Period("2023-04", "M"))
    assert next(m.value for m in at.metric if m.label == "Varav justeringar") == \
        fmt_mkr(lf.summary()["adj"], 1)
    # the detail (per unit, chart, methods) is the laid forecast's, with no recomputation
    assert any(h.value == "Prognosen i detalj" for h in at.header)
    assert any("Visar: Lagd prognos april 2023 version 1 av Anna" in c.value for c in at.caption)
    # single-user mode: the OS user (here Anna) is named in the sidebar and may edit
    assert any("Enanvändarläge" in c.value and "Anna" in c.value for c in at.sidebar.caption)
    assert any(b.label == "Spara justeringar" for b in at.button)
    assert any(b.label == "Lägg prognos" for b in at.button)


@needs_data
def test_change_page_sentence_and_accuracy(store_url):
    at = run_page("forandring")
    assert not at.exception, at.exception
    st_ = LaidStore(store_url)
    fc = decompose(st_.load(EXAMPLE_DATASET, pd.Period("2023-03", "M")), st_.load(EXAMPLE_DATASET, pd.Period("2023-04", "M")))
    assert any(sentence(fc) in m.value for m in at.markdown)
    assert "dygnsvila från hösten" in sentence(fc)
    at.selectbox(key=K.ACC_YEAR).set_value(2022).run()
    assert not at.exception, at.exception
    frames = [d.value for d in at.dataframe]
    acc = next(f for f in frames if "Källa" in f.columns)
    months = list(acc["Månad"]) if "Månad" in acc.columns else list(acc.index)
    assert months == ["2022-04", "2022-08"]
    assert set(acc["Källa"]) == {"lagd v1"}


def test_edit_table_round_trip():
    adjs = [ADJ, Adjustment(comment="hyrpersonal i sommar", amount_tkr=-2_500.5, unit="K101",
                            category="Inhyrd personal", start="2023-06", end="2023-08",
                            low_tkr=-4000.0, high_tkr=-1000.0, author="Bo")]
    table = to_table(adjs).drop(columns=["författare"])
    back = parse_table(table, "tabellen", author="Anna")
    assert [(a.amount_tkr, a.low_tkr, a.start, a.comment) for a in back] == \
        [(a.amount_tkr, a.low_tkr, a.start, a.comment) for a in adjs]


@needs_data
@pytest.mark.parametrize("key", ["jamfor", "forandring"])
def test_database_fault_is_one_line_on_the_page_not_a_traceback(key, tmp_path, monkeypatch):
    bad = tmp_path / "trasig.db"
    bad.write_bytes(b"inte en databas " * 300)
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", f"sqlite:///{bad}")
    at = run_page(key)
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors and all("skadad eller inte en SQLite-databas" in e for e in errors)
    assert all(str(bad) in e for e in errors)


def _no_forecast(*args, **kwargs):
    raise AssertionError("Översikten räknade basprognosen fast månaden har en lagd prognos")


@needs_data
def test_overview_on_a_laid_month_never_computes_the_statistical_forecast(store_url,
                                                                           monkeypatch):
    import streamlit as st

    from forecast.engine import region

    monkeypatch.setattr(region, "forecast_region", _no_forecast)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = run_page("oversikt")
    assert not at.exception, at.exception
    lf = LaidStore(store_url).load(EXAMPLE_DATASET, pd.Period("2023-04", "M"))
    labels = [m.label for m in at.metric]
    assert "Årsprognos, nettoresultat" in labels and "Hyrandel R12" in labels
    # the summary tables carry the laid final total (mkr) in their Prognos column
    frames = [d.value for d in at.dataframe] + [t.value for t in at.table]
    assert any("Prognos 2023" in f.columns for f in frames)
    assert any(fmt_mkr(lf.summary()["final"]) in m.value for m in at.metric)


@needs_data
def test_switching_to_a_month_not_laid_recomputes_by_step_and_drops_the_old_figures(
        store_url, monkeypatch):
    import streamlit as st

    from forecast.engine import region
    from ui.recompute import Shown

    real, steps = region.forecast_region, []

    def quick(ds, as_of, *, n_paths, seed, progress=None, **_):
        def tell(step, done, total):
            steps.append((step, done, total))
            if progress is not None:
                progress(step, done, total)
        return real(ds, as_of, n_paths=20, seed=seed, default_method="three_year_profile",
                    progress=tell)

    monkeypatch.setattr(region, "forecast_region", quick)
    st.cache_resource.clear()
    at = run_page("oversikt")
    shown = at.session_state[K.LAST_FIGURES]
    assert isinstance(shown, Shown) and shown.as_of == "2023-04"
    assert shown.source.startswith("Lagd prognos april 2023 version 1 av Anna, lagd ")
    assert not steps  # the laid month: nothing computed
    at.sidebar.selectbox(key=K.AS_OF).set_value("2023-02").run()
    assert not at.exception, at.exception
    assert steps and steps[-1][1] == steps[-1][2] > 0  # series done of total, to the end
    assert not any("Äldre siffror" in w.value for w in at.warning)
    assert not any(m.label.startswith("Äldre") for m in at.metric)
    assert any("Underlag: utfall till och med februari 2023" in c.value for c in at.caption)
    assert at.session_state[K.LAST_FIGURES].source == "Statistisk prognos per februari 2023, ej lagd"


def test_old_figures_are_marked_as_old_with_their_month_and_source():
    from ui.data_access import Context
    from ui.recompute import Shown, old_notice

    shown = Shown(as_of="2023-04", data_hash="h", source="lagd prognos april 2023 v1 av Anna",
                  prognos=-303_000.0, budget=-290_000.0, deviation=-13_000.0)
    ctx = Context(ds=None, as_of=pd.Period("2023-02", "M"))  # type: ignore[arg-type]
    text = old_notice(shown, ctx)
    assert text.startswith("Äldre siffror: årsprognos per april 2023 (lagd prognos april 2023 "
                           "v1 av Anna).")
    assert "Prognosen per februari 2023 räknas fram" in text


@needs_data
def test_change_page_shows_the_audit_trail_newest_first(store_url):
    from forecast.io.formatting import fmt_timestamp

    store = LaidStore(store_url)
    store.save_adjustment_set(EXAMPLE_DATASET, pd.Period("2023-02", "M"), [ADJ], author="Bo")
    at = run_page("forandring")
    assert not at.exception, at.exception
    assert any(h.value == "Händelselogg" for h in at.header)
    log = next(d.value for d in at.dataframe if list(d.value.columns) ==
               ["Tid", "Vem", "Händelse", "Vad"])
    trail = store.audit_trail(newest_first=True)
    assert list(log["Vem"]) == list(trail["Vem"]) and log.iloc[0]["Vem"] == "Bo"
    assert log.iloc[0]["Händelse"] == "spara justeringar"
    assert log.iloc[0]["Tid"] == fmt_timestamp(trail.iloc[0]["Tid"])
    lays = log[log["Händelse"] == "lägg prognos"]
    assert len(lays) >= 4 and set(lays["Vem"]) == {"Anna"}
    assert any(v.startswith(f"{EXAMPLE_DATASET} 2023-04 version 1: 1 justeringar")
               for v in lays["Vad"])


def _with_adjustment(lf, division: str, category: str, amount: float):
    """``lf`` with ``amount`` tkr spread over the series of ``division`` × ``category``."""
    from dataclasses import replace

    s = lf.series.copy()
    rows = (s["division"] == division) & (s["category"] == category)
    s.loc[rows, "adj_year"] += amount / rows.sum()
    s["final_year"] = s["stat_year"] + s["adj_year"]
    return replace(lf, series=s, comment=f"{lf.comment}, justerad")


@needs_data
def test_change_page_shows_forecast_value_added_per_region_division_and_category(
        store_url, tmp_path, monkeypatch):
    from forecast.cycle import value_added as VA
    from ui.widgets import display_frame, swedish_table

    src = LaidStore(store_url)
    url = f"sqlite:///{tmp_path / 'fva.db'}"
    mine = LaidStore(url)
    laid = [mine.lay(src.load(EXAMPLE_DATASET, pd.Period("2022-04", "M"))),
            mine.lay(_with_adjustment(src.load(EXAMPLE_DATASET, pd.Period("2022-08", "M")), "Kirurgi",
                                      "Personalkostnader", -30_000.0))]
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", url)
    table = VA.value_added_table(load_default(), 2022, laid)

    def shown(level: str, group: str) -> list[list[str]]:
        frame = swedish_table(VA.group_view(table, level, group), amount_columns=VA.AMOUNTS)
        return display_frame(frame).astype(str).to_numpy().tolist()

    at = run_page("forandring")
    at.selectbox(key=K.ACC_YEAR).set_value(2022).run()
    assert not at.exception, at.exception
    frames = [d.value.astype(str).to_numpy().tolist() for d in at.dataframe
              if "FVA" in d.value.columns]
    region = shown("region", VA.REGION)
    assert region in frames
    assert [r[-1] for r in region][0] == VA.UNCHANGED  # April: no adjustment
    assert [r[-1] for r in region][1] != VA.UNCHANGED  # August: 30 mkr moved the forecast
    assert any(h.value.startswith("Förbättrade justeringarna prognosen") for h in at.subheader)
    at.selectbox(key=K.FVA_DIVISION).set_value("Kirurgi").run()
    at.selectbox(key=K.FVA_CATEGORY).set_value("Personalkostnader").run()
    assert not at.exception, at.exception
    frames = [d.value.astype(str).to_numpy().tolist() for d in at.dataframe
              if "FVA" in d.value.columns]
    assert shown("division", "Kirurgi") in frames
    assert shown("category", "Personalkostnader") in frames
    assert shown("division", "Medicin") not in frames
    summary = [d.value for d in at.dataframe if "Medel FVA" in d.value.columns]
    assert [list(f.columns)[0] for f in summary] == ["Region", "Division", "Kostnadsslag"]


# --------------------------------------------------------------------------- the month (issue 23)

COMMENT_LABEL = "Kommentar till den lagda prognosen"


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """A store with April and March 2023 laid (no adjustments), copied for each test."""
    path = tmp_path_factory.mktemp("mall") / "store.db"
    if not (DATA_DIR / "ledger.csv").exists():
        return path
    lay_example_months(f"sqlite:///{path}", ("2023-03", "2023-04"))
    return path


@pytest.fixture
def month_store(template_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LaidStore:
    """This test's own store (a copy of the template), so a lock or lay stays in the test."""
    import shutil

    import streamlit as st

    path = tmp_path / "store.db"
    shutil.copy(template_db, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    return LaidStore(url)


def quick_forecasts(monkeypatch: pytest.MonkeyPatch):
    """The statistical forecast of the app made cheap (20 paths, one simple method)."""
    import streamlit as st

    from forecast.engine import region

    real = region.forecast_region

    def quick(ds, as_of, *, n_paths, seed, progress=None, **_):
        return real(ds, as_of, n_paths=20, seed=seed, default_method="three_year_profile",
                    progress=progress)

    monkeypatch.setattr(region, "forecast_region", quick)
    st.cache_resource.clear()
    return quick


def run_as(key: str, user: str | None) -> AppTest:
    """The page as the OS user ``user`` (None: a user with no role); restored by ``_store``."""
    at = AppTest.from_function(_page_app, args=(key,), default_timeout=TIMEOUT)
    for var in ("LOGNAME", "USER"):
        os.environ[var] = user or "gast"
    return at.run()


def _buttons(at: AppTest, key: str) -> list:
    return [b for b in at.button if b.key == key]


def _comment_box(at: AppTest):
    return next(t for t in at.text_input if t.label == COMMENT_LABEL)


@needs_data
def test_fastställ_only_after_the_confirmation_and_in_the_audit_trail(month_store):
    from forecast.io.formatting import fmt_timestamp

    at = run_as("prognos", "Anna")
    assert not at.exception, at.exception
    assert month_store.lock_info(EXAMPLE_DATASET, pd.Period("2023-04", "M")) is None
    from streamlit.testing.v1.errors import AppTestError

    assert at.button(key=K.LOCK_BUTTON).disabled  # no confirmation: the button refuses
    with pytest.raises(AppTestError, match="disabled"):
        at.button(key=K.LOCK_BUTTON).click()
    assert month_store.lock_info(EXAMPLE_DATASET, pd.Period("2023-04", "M")) is None
    confirm = K.lock_confirm(load_default().source_hash, "2023-04", 1)
    at.checkbox(key=confirm).check().run()
    at.button(key=K.LOCK_BUTTON).click().run()
    assert not at.exception, at.exception
    info = month_store.lock_info(EXAMPLE_DATASET, pd.Period("2023-04", "M"))
    assert info is not None and (info.version, info.author) == (1, "Anna")
    assert any(f"är fastställd: version 1, av Anna {fmt_timestamp(info.created)}" in s.value
               for s in at.success)
    assert any("Visar lagd prognos april 2023 v1 (fastställd) av Anna" in i.value for i in at.info)
    assert not _buttons(at, K.LOCK_BUTTON) and not at.error
    last = month_store.audit_trail(newest_first=True).iloc[0]
    assert (last["Vem"], last["Händelse"]) == ("Anna", "fastställ prognos")
    assert last["Vad"] == f"{EXAMPLE_DATASET} 2023-04 version 1"


@needs_data
def test_only_controllers_may_fastställ_and_everyone_sees_who_did(month_store, tmp_path,
                                                                   monkeypatch):
    from forecast.io.formatting import fmt_timestamp

    roles = tmp_path / "roller.toml"
    roles.write_text('[roller]\ncontroller = ["bo"]\ngranskare = ["anna"]\n', encoding="utf-8")
    monkeypatch.setenv("BUDGETPROGNOS_ROLES", str(roles))
    for user in ("Anna", None):
        at = run_as("prognos", user)
        assert not at.exception, at.exception
        assert not _buttons(at, K.LOCK_BUTTON)
        assert not any(c.key and c.key.startswith(K.LOCK_CONFIRM) for c in at.checkbox)
    assert _buttons(run_as("prognos", "Bo"), K.LOCK_BUTTON)
    month_store.lock(EXAMPLE_DATASET, pd.Period("2023-04", "M"), author="Bo", version=1)
    at = run_as("prognos", "Anna")
    info = month_store.lock_info(EXAMPLE_DATASET, pd.Period("2023-04", "M"))
    assert info is not None
    assert any(f"version 1, av Bo {fmt_timestamp(info.created)}" in s.value for s in at.success)


@needs_data
def test_laid_banner_shows_local_time(month_store):
    from forecast.io.formatting import fmt_timestamp

    lf = month_store.load(EXAMPLE_DATASET, pd.Period("2023-04", "M"))
    at = run_as("prognos", None)
    banner = next(i.value for i in at.info if i.value.startswith("Visar lagd prognos"))
    assert f"lagd {fmt_timestamp(lf.created)}:" in banner
    assert lf.created[:16].replace("T", " ") != fmt_timestamp(lf.created)  # UTC is not shown


@needs_data
def test_preview_shows_the_saved_adjustments_before_laying_and_is_what_is_laid(
        month_store, monkeypatch):
    from forecast.cycle.preview import preview

    quick_forecasts(monkeypatch)
    month_store.save_adjustment_set(EXAMPLE_DATASET, pd.Period("2023-04", "M"), [ADJ], author="Anna")
    at = run_as("prognos", "Anna")
    assert not at.exception, at.exception
    # shown at once: the statistical forecast is read from the store, never computed
    assert any(h.value.startswith("Förhandsvisning") for h in at.subheader)
    rf = example_record(month_store.url, "2023-04").statistical
    want = preview(rf, [ADJ], dataset=EXAMPLE_DATASET).summary()
    shown = [(m.label, m.value) for m in at.metric]
    assert ("Justerad prognos", fmt_mkr(want["final"], 1)) in shown
    assert ("Statistisk prognos", fmt_mkr(want["stat"], 1)) in shown
    assert ("Varav justeringar", fmt_mkr(-12_000.0, 1)) in shown
    kirurgi = [d.value.loc[d.value.iloc[:, 0] == "Kirurgi / Summa", "Justering"].item()
               for d in at.dataframe if "Justering" in d.value.columns
               and "Kirurgi / Summa" in set(d.value.iloc[:, 0])]
    # the laid v1 (no adjustments) and the preview, each per division and in the expander
    assert kirurgi == [fmt_mkr(0.0, 1)] * 2 + [fmt_mkr(-12_000.0, 1)] * 2
    # the preview stays while the user lays; the laid version has the previewed figure
    _comment_box(at).input("dygnsvila").run()
    next(b for b in at.button if b.label == "Lägg prognos").click().run()
    assert not at.exception, at.exception
    lf = month_store.load(EXAMPLE_DATASET, pd.Period("2023-04", "M"))
    assert lf.version == 2 and lf.summary()["final"] == pytest.approx(want["final"])
    assert any("De sparade justeringarna är de som ingår" in c.value for c in at.caption)


@needs_data
def test_lay_comment_box_starts_empty_after_a_lay_and_on_a_new_month(month_store,
                                                                     monkeypatch):
    quick_forecasts(monkeypatch)
    at = run_as("prognos", "Anna")
    _comment_box(at).input("skäl för april").run()
    next(b for b in at.button if b.label == "Lägg prognos").click().run()
    assert not at.exception, at.exception
    lf = month_store.load(EXAMPLE_DATASET, pd.Period("2023-04", "M"))
    assert (lf.version, lf.comment) == (2, "skäl för april")
    assert any("Lagd prognos april 2023 v2 av Anna" in s.value for s in at.success)
    assert _comment_box(at).value == ""
    _comment_box(at).input("skäl för april igen").run()
    at.sidebar.selectbox(key=K.AS_OF).set_value("2023-03").run()
    assert not at.exception, at.exception
    assert _comment_box(at).value == ""


@needs_data
def test_as_of_month_is_kept_in_the_url_and_read_back(store_url):
    at = AppTest.from_function(_page_app, args=("oversikt",), default_timeout=TIMEOUT)
    at.query_params[K.MONTH_PARAM] = "2023-03"
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.selectbox(key=K.AS_OF).value == "2023-03"
    assert at.session_state[K.LAST_FIGURES].as_of == "2023-03"
    assert at.query_params[K.MONTH_PARAM] == "2023-03"
    at.sidebar.selectbox(key=K.AS_OF).set_value("2022-08").run()
    assert not at.exception, at.exception
    assert at.query_params[K.MONTH_PARAM] == "2022-08"
    # a reload: a new session with the URL as it was left
    again = AppTest.from_function(_page_app, args=("oversikt",), default_timeout=TIMEOUT)
    again.query_params.update(at.query_params)
    again.run()
    assert again.sidebar.selectbox(key=K.AS_OF).value == "2022-08"


@needs_data
@pytest.mark.parametrize("asked", ["2031-01", "april", "2023-13"])
def test_an_unusable_month_in_the_url_is_noted_and_not_used(store_url, asked):
    at = AppTest.from_function(_page_app, args=("oversikt",), default_timeout=TIMEOUT)
    at.query_params[K.MONTH_PARAM] = asked
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.selectbox(key=K.AS_OF).value == "2023-04"  # the latest laid month
    notes = [w.value for w in at.sidebar.warning]
    assert len(notes) == 1 and f"«{asked}» i adressen" in notes[0] and "april 2023" in notes[0]
    assert at.query_params[K.MONTH_PARAM] == "2023-04"
    at.sidebar.selectbox(key=K.AS_OF).set_value("2023-03").run()
    assert not at.sidebar.warning
