"""The adjustments edit table reads Swedish numbers, and the uploaders say in Swedish what they
take (issue 12, items 1 and 6); the browser side is in ``test_e2e.py``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forecast.cycle.adjustment_file import REQUIRED, parse_table, show_amount, to_table
from forecast.cycle.adjustments import Adjustment
from forecast.io.parsing import MAX_UPLOAD_BYTES, ValidationFailed, parse_number
from forecast.ledger.dataset import DATA_DIR
from ui import laid_section as LS
from ui import state_keys as K
from ui.upload_field import format_list, upload_caption

needs_data = pytest.mark.skipif(not (DATA_DIR / "ledger.csv").exists(),
                                reason="den inbäddade exempeldatan (data/) saknas")


def _row(**cells: str) -> pd.DataFrame:
    base = {c: "" for c in LS.EDITOR_ORDER if c != "författare"}
    base.update(kommentar="hyrpersonal i sommar")
    base.update(cells)
    return pd.DataFrame([base]).astype(str)


@pytest.mark.parametrize(("text", "value"), [
    ("2,5", 2.5), ("2.5", 2.5), ("-2 500,5", -2500.5), ("-2\u00a0500,5", -2500.5),
    ("\u221212 000", -12000.0), ("0,125", 0.125)])
def test_edit_table_reads_the_decimal_comma(text: str, value: float) -> None:
    (adj,) = parse_table(_row(belopp_tkr=text), "tabellen", author="Anna")
    assert adj.amount_tkr == value


@pytest.mark.parametrize("text", ["2,5 tkr", "två", "1,234.5", "2,5,0"])
def test_edit_table_names_row_and_column_of_a_bad_amount(text: str) -> None:
    frame = pd.concat([_row(belopp_tkr="1"), _row(låg_tkr=text, belopp_tkr="3")],
                      ignore_index=True)
    with pytest.raises(ValidationFailed) as info:
        parse_table(frame, "tabellen", author="Anna")
    report = LS.save_report(info.value)
    assert report.startswith("Justeringarna sparades inte: 1 problem i tabellen.")
    assert f"rad 2, kolumn 'låg_tkr': Beloppet '{text}' är inte ett tal" in report


@pytest.mark.parametrize("value", [-2500.5, -12000.0, 2.25, 0.125, 1_234_567.875, -0.001, 0.0])
def test_amounts_are_shown_swedish_and_read_back_exactly(value: float) -> None:
    text = show_amount(value)
    assert "." not in text
    assert parse_number(text) == value
    adj = Adjustment(comment="c", amount_tkr=value, low_tkr=value - 1, high_tkr=value + 1)
    table = to_table([adj])
    (back,) = parse_table(table.drop(columns=["författare"]), "tabellen", author="Anna")
    assert (back.amount_tkr, back.low_tkr, back.high_tkr) == (value, value - 1, value + 1)


def test_show_amount_examples() -> None:
    assert show_amount(-2500.5) == "-2 500,5"
    assert show_amount(-12000.0) == "-12 000"
    assert show_amount(2.25) == "2,25"
    assert show_amount(-0.0001) == "0"


def test_editor_columns_are_text_read_by_the_core_parser() -> None:
    """The amounts are text columns (a number column reads "2,5" by the browser's rules);
    every column of the file form is in the editor, required ones first."""
    config = LS.editor_columns()
    for c in LS.AMOUNT_COLUMNS:
        assert config[c]["type_config"]["type"] == "text"
        assert config[c]["alignment"] == "right"
    assert set(LS.EDITOR_ORDER) == set(to_table([]).columns)
    assert set(REQUIRED) <= set(LS.EDITOR_ORDER[:8])


def test_upload_caption_says_formats_and_limit_in_swedish() -> None:
    assert format_list(["csv", "txt", "xlsx"]) == "CSV, TXT eller XLSX"
    assert format_list(["docx"]) == "DOCX"
    assert upload_caption(["csv", "xlsx"], 50 * 1024 * 1024, multiple=True) == \
        "Filtyp: CSV eller XLSX · högst 50 MB per fil"
    assert upload_caption(["docx"], 20 * 1024 * 1024) == "Filtyp: DOCX · högst 20 MB"


@pytest.fixture()
def _private_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")


def _page_app(key: str) -> None:
    from ui.shell import run_single

    run_single(key)


@needs_data
@pytest.mark.usefixtures("_private_store")
def test_data_page_uploaders_have_swedish_captions_and_limits() -> None:
    at = AppTest.from_function(_page_app, args=("data",), default_timeout=180).run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    mb = MAX_UPLOAD_BYTES // (1024 * 1024)
    assert f"Filtyp: CSV, TXT, XLSX, SE, SI eller SIE · högst {mb} MB per fil" in captions
    assert captions.count(f"Filtyp: CSV, TXT eller XLSX · högst {mb} MB") == 5
    uploaders = at.get("file_uploader")
    assert len(uploaders) == 6
    ledger = next(u for u in uploaders if u.proto.id.endswith(K.UPLOADER))
    assert ledger.proto.max_upload_size_mb == mb
    assert ledger.proto.multiple_files


@needs_data
@pytest.mark.usefixtures("_private_store")
def test_no_progress_bar_is_left_on_the_page() -> None:
    """The baseline's progress bar goes when the forecast is ready, and never comes back
    (Streamlit replays what a cached function drew: the bar must not be drawn in one)."""
    at = AppTest.from_function(_page_app, args=("prognos",), default_timeout=300).run()
    assert not at.exception, at.exception
    assert len(at.metric) > 0
    assert at.get("progress") == []
    at.run()
    assert at.get("progress") == []
