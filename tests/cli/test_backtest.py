import numpy as np
import pandas as pd
import pytest

from cli.backtest import NET_COST_ID, ledger_panel
from cli.main import main
from forecast.evaluation.backtest import RESULT_COLUMNS
from forecast.ledger import schema as S

BENCH_COLUMNS = ["series_id", "category", "start", "t", "value", "split"]


def _walks(seed, n_series, length, category=lambda i: "M"):
    """Bench rows of ``n_series`` random walks around 100 (series ``S0``, ``S1``, …)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_series):
        vals = 100 + rng.normal(0, 2, length).cumsum()
        rows += [(f"S{i}", category(i), "2001-01", t, v, "train") for t, v in enumerate(vals)]
    return rows


def _write_bench(path, rows):
    pd.DataFrame(rows, columns=BENCH_COLUMNS).to_csv(path, index=False)
    return path


def test_cli_writes_csv_with_exact_columns(tmp_path):
    rows = _walks(seed=0, n_series=3, length=62)
    rows += [("X", "OTHER", "", t, 1.0, "train") for t in range(62)]
    bench = _write_bench(tmp_path / "bench.csv.gz", rows)
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


def _bench_file(tmp_path):
    rows = _walks(seed=1, n_series=2, length=62)
    return _write_bench(tmp_path / "bench.csv.gz", rows), rows


def test_per_case_file_has_one_row_per_case_and_method(tmp_path):
    from forecast.evaluation.backtest import PER_CASE_COLUMNS

    bench, rows = _bench_file(tmp_path)
    per_case = tmp_path / "cases.csv"
    out = tmp_path / "res.csv"
    rc = main(["backtest", "--bench", str(bench), "--methods", "run_rate,seasonal_naive",
               "--workers", "1", "--paths", "40", "--out", str(out),
               "--per-case", str(per_case)])
    assert rc == 0
    pc = pd.read_csv(per_case)
    assert list(pc.columns) == list(PER_CASE_COLUMNS)
    assert len(pc) == 2 * 2 * 2 * 2  # series x years x cut-offs x methods
    assert (pc.p10 <= pc.p90).all()
    # The actual is the sum of the year's 12 months, recomputed here from the input rows.
    vals = {(sid, t): v for sid, _, _, t, v, _ in rows}
    r = pc.loc[(pc.series_id == "S1") & (pc.year == 2005)].iloc[0]
    assert r.actual == pytest.approx(sum(vals[("S1", t)] for t in range(48, 60)))
    # The run rate's forecast at April: months 1..4 times 3.
    rr = pc.loc[(pc.series_id == "S0") & (pc.year == 2004) & (pc.cutoff == 4)
                & (pc.method == "run_rate")].iloc[0]
    assert rr.forecast == pytest.approx(3 * sum(vals[("S0", t)] for t in range(36, 40)))
    res = pd.read_csv(out)
    assert (res.n_paths == 40).all()


def test_path_count_is_bounded_before_work(tmp_path, capsys):
    bench, _ = _bench_file(tmp_path)
    rc = main(["backtest", "--bench", str(bench), "--paths", "10000000",
               "--out", str(tmp_path / "r.csv")])
    assert rc == 2
    assert "--paths" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


def test_split_selects_one_half_of_the_series(tmp_path):
    from forecast.evaluation.samples import bench_split

    rows = _walks(seed=2, n_series=6, length=50, category=lambda i: "M" if i < 4 else "F")
    bench = _write_bench(tmp_path / "bench.csv", rows)
    dev, conf = bench_split(str(bench))
    assert len(dev) == 3 and len(conf) == 3
    per_case = tmp_path / "pc.csv"
    rc = main(["backtest", "--bench", str(bench), "--split", "confirm", "--methods", "run_rate",
               "--workers", "1", "--paths", "20", "--out", str(tmp_path / "r.csv"),
               "--per-case", str(per_case)])
    assert rc == 0
    assert set(pd.read_csv(per_case).series_id) == set(conf)


def test_split_seed_chooses_the_split_and_is_bounded(tmp_path, capsys):
    from forecast.evaluation.samples import bench_split

    rows = _walks(seed=3, n_series=12, length=50, category=lambda i: "M")
    bench = _write_bench(tmp_path / "bench.csv", rows)
    halves = {seed: bench_split(str(bench), seed)[0] for seed in (14, 15)}
    assert halves[14] != halves[15]  # the two rules' splits differ
    for seed in (14, 15):
        per_case = tmp_path / f"pc{seed}.csv"
        rc = main(["backtest", "--bench", str(bench), "--split", "dev", "--split-seed",
                   str(seed), "--methods", "run_rate", "--workers", "1", "--paths", "20",
                   "--out", str(tmp_path / "r.csv"), "--per-case", str(per_case)])
        assert rc == 0
        assert set(pd.read_csv(per_case).series_id) == set(halves[seed])
    rc = main(["backtest", "--bench", str(bench), "--split", "dev", "--split-seed", "-1",
               "--out", str(tmp_path / "bad.csv")])
    assert rc == 2
    assert "--split-seed" in capsys.readouterr().err
    assert not (tmp_path / "bad.csv").exists()


def test_split_needs_a_category_column(tmp_path, capsys):
    bench = tmp_path / "b.csv"
    pd.DataFrame({"series_id": ["A"] * 50, "start": "2001-01", "t": range(50),
                  "value": 1.0}).to_csv(bench, index=False)
    rc = main(["backtest", "--bench", str(bench), "--split", "dev",
               "--out", str(tmp_path / "r.csv")])
    assert rc == 2
    assert "category" in capsys.readouterr().err
