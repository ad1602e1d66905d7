"""Issue 10 done-when, end to end through the CLI on the embedded region.

March and April 2023 are laid (April with two adjustments); the prognosförändring's bars add
up exactly to the difference, the adjustments' comments are the reasons and the Swedish
sentence names them; prognossäkerhet of 2022 shows each laid month. A fast single method
(``--metod three_year_profile``) keeps the test short; the standard method is the same code.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from cli import main as cli
from forecast.cycle.change import PART_LABELS, PARTS, decompose
from forecast.cycle.laid_store import LaidStore
from forecast.ledger.dataset import load_default
from forecast.store.core import ENV_URL

DYGNSVILA = "ökade kostnader för införandet av 11 timmars dygnsvila"
SOMMAR = "hyrpersonal för att klara bemanningen under sommaren"
ADJ = (
    "enhet;konto;division;kostnadsslag;från_månad;till_månad;belopp_tkr;låg_tkr;hög_tkr;"
    "fördelning;kommentar\n"
    f";;Kirurgi;Personalkostnader;2023-10;2023-12;-12 000;;;budget;{DYGNSVILA}\n"
    f"K101;;;Inhyrd personal;2023-06;2023-08;-5 000;-8 000;-3 000;;{SOMMAR}\n"
)
FAST = ["--metod", "three_year_profile", "--paths", "100"]


@pytest.fixture(scope="module")
def laid(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("month")
    url = f"sqlite:///{tmp / 'store.db'}"
    adj = tmp / "justeringar.csv"
    adj.write_text(ADJ, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv(ENV_URL, url)
    runs = [
        ["prognos", "--as-of", "2023-03", "--lagg", "--kommentar", "Mars", "--forfattare",
         "Anna"],
        ["prognos", "--as-of", "2023-04", "--lagg", "--kommentar", "April", "--forfattare",
         "Anna", "--justeringar", str(adj), "--out", str(tmp / "p.xlsx")],
        ["prognos", "--as-of", "2022-04", "--lagg", "--kommentar", "T1", "--forfattare", "Bo"],
        ["prognos", "--as-of", "2022-08", "--lagg", "--kommentar", "T2", "--forfattare", "Bo"],
    ]
    for argv in runs:
        assert cli.main([*argv, *FAST]) == 0
    yield tmp, url
    mp.undo()


def _cells(path):
    """The long CSV export as {(table, row, column): text}."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["tabell", "rad", "kolumn", "värde"]
    return {(t, r, c): v for t, r, c, v in rows[1:]}


def _num(text):
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def test_change_bars_add_up_with_reasons_and_sentence(laid, capsys):
    tmp, url = laid
    st = LaidStore(url)
    prev, cur = st.load("Exempelregionen", pd.Period("2023-03", "M")), st.load("Exempelregionen", pd.Period("2023-04", "M"))
    assert len(cur.adjustments) == 2 and not prev.adjustments
    fc = decompose(prev, cur)
    t = fc.totals()
    diff = cur.summary()["deviation"] - prev.summary()["deviation"]
    assert sum(t[p] for p in PARTS) == pytest.approx(diff, abs=1e-6)
    assert t["adjustments"] == pytest.approx(-17_000.0, abs=1e-6)
    # every series' bars add up too
    s = fc.series
    assert (s[list(PARTS)].sum(axis=1) - s["change"]).abs().max() < 1e-6
    out = tmp / "f.csv"
    capsys.readouterr()
    assert cli.main(["prognosforandring", "--as-of", "2023-04", "--out", str(out),
                     "--enhet", "tkr", "--csv-form", "lang"]) == 0
    sentence = capsys.readouterr().out.splitlines()[0]
    verb = "försämrats" if diff < 0 else "förbättrats"
    assert sentence.startswith(f"Prognosen har {verb} från föregående månad från ")
    assert "på helår, främst på grund av" in sentence and DYGNSVILA in sentence
    cells = _cells(out)
    tab = "Per division och kostnadsslag"
    reasons = cells[(tab, "Region totalt", "Orsaker")]
    assert DYGNSVILA in reasons and SOMMAR in reasons
    assert DYGNSVILA in cells[(tab, "Kirurgi / Personalkostnader", "Orsaker")]
    assert DYGNSVILA not in cells[(tab, "Medicin / Personalkostnader", "Orsaker")]
    region = {c: v for (t, r, c), v in cells.items() if t == tab and r == "Region totalt"}
    parts = sum(_num(region[PART_LABELS[p]]) for p in PARTS)
    assert parts == pytest.approx(_num(region["Förändring"]), abs=1.0)  # printed to 0,1 tkr
    assert _num(region["Förändring"]) == pytest.approx(diff, abs=0.1)
    assert cells[("Sammanfattning", "Sammanfattning", "Värde")] == sentence


def test_forecast_export_has_statistical_adjustment_and_final(laid):
    tmp, url = laid
    cur = LaidStore(url).load("Exempelregionen", pd.Period("2023-04", "M"))
    s = cur.series
    assert (s["final_year"] - s["stat_year"] - s["adj_year"]).abs().max() < 1e-6
    kir = s[(s["division"] == "Kirurgi") & (s["category"] == "Personalkostnader")]
    assert kir["adj_year"].sum() == pytest.approx(-12_000.0)
    import zipfile

    with zipfile.ZipFile(tmp / "p.xlsx") as z:
        wb = z.read("xl/workbook.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert 'name="Statistisk och justerad"' in wb and 'name="Justeringar"' in wb
    assert DYGNSVILA in strings and "Statistisk prognos" in strings


def test_accuracy_2022_shows_each_laid_month(laid, capsys):
    tmp, url = laid
    out = tmp / "s.csv"
    capsys.readouterr()
    assert cli.main(["prognossakerhet", "--ar", "2022", "--out", str(out), "--enhet", "tkr",
                     "--backtest", "6", "--metod", "three_year_profile", "--paths", "50",
                     "--csv-form", "lang"]) == 0
    cells = _cells(out)
    tab = "Prognossäkerhet"
    by_month = {r: v for (t, r, c), v in cells.items() if t == tab and c == "Källa"}
    assert by_month == {"2022-04": "lagd v1", "2022-06": "backtest", "2022-08": "lagd v1"}
    ds = load_default()
    actual = ds.ledger.loc[(ds.ledger["kind"] == "utfall")
                           & (ds.ledger["period"].dt.year == 2022), "amount_tkr"].sum()
    apr = LaidStore(url).load("Exempelregionen", pd.Period("2022-04", "M")).summary()["final"]
    dev = _num(cells[(tab, "2022-04", "Avvikelse prognos − utfall")])
    assert dev == pytest.approx(apr - actual, abs=0.1)
    assert _num(cells[(tab, "2022-04", "Utfall helår")]) == pytest.approx(actual, abs=0.1)


def test_incomplete_year_is_refused(laid, capsys):
    tmp, _ = laid
    assert cli.main(["prognossakerhet", "--ar", "2023", "--out", str(tmp / "x.csv")]) == 2
    assert "inte avslutat" in capsys.readouterr().err


def test_adopted_scenario_is_part_d(laid, capsys):
    """April laid again in a store of its own with a scenario file adopted: the
    prognosförändring puts its effect in (d), named by the assumption."""
    tmp, _ = laid
    from pathlib import Path

    from forecast.cycle.laid import EXAMPLE_DATASET

    url = f"sqlite:///{tmp / 'scen.db'}"

    example = Path(__file__).resolve().parents[2] / "scenarios" / "examples" / "dygnsvila.yaml"
    for argv in (["--as-of", "2023-03"], ["--as-of", "2023-04", "--scenario", str(example)]):
        assert cli.main(["prognos", *argv, "--lagg", "--kommentar", "s", "--db", url,
                         "--forfattare", "Anna", *FAST]) == 0
    st = LaidStore(url)
    prev, cur = st.load(EXAMPLE_DATASET, pd.Period("2023-03", "M")), st.load(EXAMPLE_DATASET, pd.Period("2023-04", "M"))
    scen = [a for a in cur.adjustments if a.kind == "scenario"]
    assert scen and all(a.comment.startswith("Scenario: ") for a in scen)
    fc = decompose(prev, cur)
    t = fc.totals()
    expected = sum(float(al.sum()) for a, al in zip(cur.adjustments, cur.allocations,
                                                    strict=True) if a.kind == "scenario")
    assert t["scenario"] == pytest.approx(expected) and t["scenario"] != 0
    assert t["adjustments"] == 0
    assert sum(t[p] for p in PARTS) == pytest.approx(t["change"], abs=1e-6)
    assert cli.main(["prognosforandring", "--as-of", "2023-04", "--db", url,
                     "--out", str(tmp / "scen.csv")]) == 0
