"""``budgetprognos berattelse hamta|spara``: the narrative out to a file, edited, and back."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import common as cli_common
from cli.main import main
from forecast.cycle.adjustments import apply_adjustments
from forecast.cycle.laid import EXAMPLE_DATASET, build_laid
from forecast.cycle.laid_store import LaidStore
from forecast.ledger.month import month_of
from forecast.report.narrative import load_narrative_bytes
from forecast.report.narrative_store import NarrativeStore
from tests.fakes import small_dataset
from tests.report.fixtures import fast_forecast

NARRATIVE = Path(__file__).resolve().parents[1] / "data" / "berattelse_2023-04.yaml"


@pytest.fixture(autouse=True)
def _small(monkeypatch: pytest.MonkeyPatch) -> None:
    ds = small_dataset()
    monkeypatch.setattr(cli_common, "load_default", lambda: ds)


def _file(tmp_path: Path) -> Path:
    f = tmp_path / "berattelse.yaml"  # the small dataset's divisions are Div A/B
    f.write_text(NARRATIVE.read_text(encoding="utf-8").replace("  Kirurgi:", "  Div A:")
                 .replace("  Medicin:", "  Div B:"), encoding="utf-8")
    return f


def test_save_fetch_edit_and_load_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 's.db'}"]
    src = _file(tmp_path)
    assert main(["berattelse", "spara", str(src), "--as-of", "2023-04", *db]) == 0, \
        capsys.readouterr().err
    assert "sparades som version 1" in capsys.readouterr().out
    out = tmp_path / "ut.yaml"
    assert main(["berattelse", "hamta", str(out), "--as-of", "2023-04", *db]) == 0
    divisions = ["Div A", "Div B"]
    fetched = load_narrative_bytes(out.read_bytes(), out.name, divisions)
    assert fetched == load_narrative_bytes(src.read_bytes(), src.name, divisions)
    out.write_text(out.read_text(encoding="utf-8").replace("sämre än budget", "bättre än budget"),
                   encoding="utf-8")
    assert main(["berattelse", "spara", str(out), "--as-of", "2023-04", *db]) == 0
    latest = NarrativeStore(db[1]).latest(EXAMPLE_DATASET, month_of(2023, 4))
    assert latest is not None and latest.version == 2 and "bättre än budget" in latest.summary


def test_fetch_the_laid_versions_narrative(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    db = ["--db", url]
    assert main(["berattelse", "spara", str(_file(tmp_path)), "--as-of", "2023-04", *db]) == 0
    ds = small_dataset()
    LaidStore(url).lay(build_laid(apply_adjustments(fast_forecast(ds, month_of(2023, 4), 20), []),
                                  dataset=EXAMPLE_DATASET, author="Anna", comment="april",
                                  method="test"))
    edited = tmp_path / "ny.yaml"
    edited.write_text("sammanfattning: Nytt utkast.\n", encoding="utf-8")
    assert main(["berattelse", "spara", str(edited), "--as-of", "2023-04", *db]) == 0
    capsys.readouterr()
    laid_out, draft_out = tmp_path / "lagd.yaml", tmp_path / "utkast.yaml"
    assert main(["berattelse", "hamta", str(laid_out), "--as-of", "2023-04", "--lagd", *db]) == 0
    assert "den lagda prognosen version 1: version 1" in capsys.readouterr().out
    assert main(["berattelse", "hamta", str(draft_out), "--as-of", "2023-04", *db]) == 0
    assert load_narrative_bytes(laid_out.read_bytes(), "l").summary.startswith("Nämnden")
    assert load_narrative_bytes(draft_out.read_bytes(), "u").summary == "Nytt utkast."


def test_no_narrative_and_a_bad_file_are_said_plainly(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 's.db'}"]
    assert main(["berattelse", "hamta", str(tmp_path / "x.yaml"), "--as-of", "2023-05", *db]) == 2
    assert "ingen berättelse för 2023-05" in capsys.readouterr().err
    bad = tmp_path / "b.yaml"
    bad.write_text("atgarder:\n  - atgard: A\n    prognos_mkr: tio\n", encoding="utf-8")
    assert main(["berattelse", "spara", str(bad), "--as-of", "2023-04", *db]) == 2
    assert "b.yaml: atgarder, rad 1, prognos_mkr" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()
