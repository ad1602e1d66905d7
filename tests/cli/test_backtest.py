import numpy as np
import pandas as pd

from cli.backtest import NET_COST_ID, ledger_panel
from cli.main import main
from forecast.evaluation.backtest import RESULT_COLUMNS
from forecast.ledger import schema as S


def test_cli_writes_csv_with_exact_columns(tmp_path):
    rng = np.random.default_rng(0)
    rows = []
    for i in range(3):
        vals = 100 + rng.normal(0, 2, 62).cumsum()
        rows += [(f"S{i}", "M", "2001-01", t, v, "train") for t, v in enumerate(vals)]
    rows += [("X", "OTHER", "", t, 1.0, "train") for t in range(62)]
    bench = tmp_path / "bench.csv.gz"
    pd.DataFrame(rows, columns=["series_id", "category", "start", "t", "value", "split"]).to_csv(
        bench, index=False)
    out = tmp_path / "res.csv"
    rc = main(["backtest", "--bench", str(bench), "--methods", "run_rate,seasonal_naive",
               "--workers", "1", "--paths", "50", "--out", str(out)])
    assert rc == 0
    res = pd.read_csv(out)
    assert list(res.columns) == list(RESULT_COLUMNS)
    assert len(res) == 4  # 2 cut-offs x 2 methods
    assert set(res.cutoff) == {4, 8}
    assert (res.cases == 3 * 2).all()  # years 2004 and 2005 of 3 series


def test_ledger_panel_adds_net_cost_total():
    periods = pd.period_range("2020-01", periods=3, freq="M")
    led = pd.DataFrame({
        S.PERIOD: list(periods) * 2,
        S.UNIT: ["U1"] * 3 + ["U2"] * 3,
        S.ACCOUNT: ["4010"] * 6,
        S.KIND: [S.UTFALL] * 6,
        S.AMOUNT: [-1.0, -2.0, -3.0, -10.0, -20.0, -30.0],
    })
    panel = ledger_panel(led)
    assert set(panel.series_id) == {"U1|4010", "U2|4010", NET_COST_ID}
    tot = panel.loc[panel.series_id == NET_COST_ID, "value"].to_numpy()
    np.testing.assert_allclose(tot, [-11, -22, -33])
    assert (panel.start == "2020-01").all()
