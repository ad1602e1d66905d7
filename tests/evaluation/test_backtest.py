import numpy as np
import pandas as pd
import pytest

from forecast.evaluation.backtest import (
    RESULT_COLUMNS,
    Series,
    aggregate,
    case_years,
    enumerate_cases,
    forecast_case,
    read_bench,
    run_backtest,
)


def _panel(specs):
    rows = []
    for sid, start, values in specs:
        rows += [(sid, start, t, float(v)) for t, v in enumerate(values)]
    return pd.DataFrame(rows, columns=["series_id", "start", "t", "value"])


SEASON = np.array([5, 3, 4, 6, 8, 9, 12, 11, 7, 6, 4, 10], dtype=float)


def test_case_enumeration_by_hand():
    panel = _panel([
        ("A", "2000-01", np.ones(60)),  # Jan 2003 at t=36, Jan 2004 at t=48 -> 2 years
        ("B", "2000-07", np.ones(50)),  # Jan 2004 at t=42 but ends t=49 -> none
        ("C", "2001-03", np.ones(60)),  # Jan 2004 at t=34 (<36), Jan 2005 at t=46 -> 1 year
    ])
    cases = enumerate_cases(panel)
    got = sorted(zip(cases.series_id, cases.year, cases.cutoff, cases.n_history, strict=True))
    assert got == [
        ("A", 2003, 4, 40), ("A", 2003, 8, 44),
        ("A", 2004, 4, 52), ("A", 2004, 8, 56),
        ("C", 2005, 4, 50), ("C", 2005, 8, 54),
    ]
    assert case_years(Series("C", 2001, 3, np.ones(60))) == [(2005, 46)]


def test_read_bench_drops_unknown_start(tmp_path):
    df = _panel([("A", "2000-01", np.ones(3)), ("B", "", np.ones(3))])
    df["category"] = "X"
    df["split"] = "train"
    p = tmp_path / "b.csv.gz"
    df.to_csv(p, index=False)
    out = read_bench(p)
    assert set(out.series_id) == {"A"}
    assert list(out.columns) == ["series_id", "start", "t", "value"]


def test_forecast_case_protocol_figures():
    y = np.tile(SEASON, 5)
    r = forecast_case("run_rate", y, 1, 48, 4, 0, np.random.default_rng(0))
    assert r["actual"] == pytest.approx(SEASON.sum())
    assert r["forecast"] == pytest.approx(SEASON[:4].sum() * 12 / 4)
    r = forecast_case("seasonal_naive", y, 1, 48, 8, 100, np.random.default_rng(0))
    assert r["forecast"] == pytest.approx(SEASON.sum())
    assert r["p10"] <= r["forecast"] <= r["p90"]


def test_aggregate_by_hand():
    cases = pd.DataFrame({
        "cutoff": [4, 4, 4, 8],
        "method": ["m"] * 4,
        "forecast": [101.0, 90.0, 100.0, 100.0],
        "actual": [100.0, 100.0, 100.0, 100.0],
        "p10": [95.0, 80.0, np.nan, 99.0],
        "p90": [105.0, 85.0, np.nan, 101.0],
        "seconds": [1.0, 1.0, 1.0, 2.0],
    })
    t = aggregate(cases, workers=2)
    assert list(t.columns) == list(RESULT_COLUMNS)
    r4 = t.loc[t.cutoff == 4].iloc[0]
    assert r4.cases == 3
    assert r4.median_ape == pytest.approx(1.0)
    assert r4.mean_ape == pytest.approx(11 / 3)
    assert r4.share_ape_over_5 == pytest.approx(100 / 3)
    assert r4.coverage_p10_p90 == pytest.approx(50.0)
    assert r4.median_width_pct == pytest.approx(7.5)
    assert r4.seconds == pytest.approx(1.5)


def test_run_backtest_exact_methods_on_seasonal_panel():
    panel = _panel([("S", "2000-01", np.tile(SEASON, 5)), ("K", "2000-01", np.full(60, 3.0))])
    cases = run_backtest(panel, ["seasonal_naive", "run_rate"], workers=1, n_paths=50)
    t = aggregate(cases)
    assert (t.cases == 4).all()
    sn = cases.loc[(cases.method == "seasonal_naive")]
    assert np.allclose(sn.forecast, sn.actual)
    k = cases.loc[(cases.series_id == "K")]
    assert np.allclose(k.forecast, k.actual)


def test_run_backtest_parallel_equals_serial():
    rng = np.random.default_rng(0)
    panel = _panel([(f"S{i}", "2001-05", 50 + rng.normal(0, 1, 70).cumsum()) for i in range(4)])
    a = run_backtest(panel, ["three_year_profile"], workers=1, chunk_size=1, n_paths=50)
    b = run_backtest(panel, ["three_year_profile"], workers=2, chunk_size=1, n_paths=50)
    cols = ["series_id", "year", "cutoff", "forecast", "p10", "p90"]
    pd.testing.assert_frame_equal(a[cols], b[cols])


def test_sample_is_reproducible():
    panel = _panel([(f"S{i}", "2000-01", np.full(50, 1.0 + i)) for i in range(6)])
    a = run_backtest(panel, ["run_rate"], sample=3, seed=1, workers=1, n_paths=0)
    b = run_backtest(panel, ["run_rate"], sample=3, seed=1, workers=1, n_paths=0)
    assert a.series_id.nunique() == 3
    assert list(a.series_id) == list(b.series_id)


@pytest.mark.slow
def test_m3_reference_methods_match_protocol_anchors():
    from pathlib import Path

    bench = Path(__file__).resolve().parents[3] / "shared" / "bench" / "m3_monthly.csv.gz"
    if not bench.exists():
        pytest.skip("M3 bench file not available")
    cases = run_backtest(read_bench(bench), ["three_year_profile", "run_rate"], n_paths=0)
    t = aggregate(cases).set_index(["cutoff", "method"])
    assert t.loc[(4, "three_year_profile"), "cases"] == 9118
    assert t.loc[(4, "three_year_profile"), "median_ape"] == pytest.approx(2.69, abs=0.006)
    assert t.loc[(8, "three_year_profile"), "median_ape"] == pytest.approx(1.29, abs=0.006)
    assert t.loc[(4, "run_rate"), "median_ape"] == pytest.approx(3.14, abs=0.006)


def test_forecast_case_when_every_method_fails_uses_the_last_resort():
    # Non-finite history: every method of the chain refuses it; the case still gets a row
    # (it used to leave ``point`` unbound and raise).
    y = np.full(60, np.inf)
    r = forecast_case("three_year_profile", y, 1, 48, 4, 10, np.random.default_rng(0))
    assert r["fallback"] == "level"
    assert set(r) == {"forecast", "actual", "p10", "p90", "fallback"}


def test_variants_keep_the_earlier_ces_where_their_figures_were_recorded():
    from forecast.evaluation.backtest import build_method

    # the standard until session 7 and combo_ets: AutoCES' whole model space
    assert build_method("combo_full_ces").member_kwargs == {}
    assert build_method("combo_ets").member_kwargs == {}
    # the standard and its first range: CES without the full seasonal type
    for name in ("combo", "combo_horizon"):
        assert build_method(name).member_kwargs == {"ces": {"space": ("N", "S", "P")}}


def test_panel_widths_rescale_combo_cases_around_their_point():
    from forecast.evaluation.backtest import panel_widths
    from forecast.methods.combination import panel_width_factors

    rng = np.random.default_rng(2)
    n = 40
    t = rng.uniform(100, 200, n)
    half = t * rng.uniform(0.02, 0.2, n)
    base = pd.DataFrame({"forecast": t, "p10": t - half, "p90": t + half, "actual": t,
                         "cutoff": 4, "fallback": ""})
    cases = pd.concat([base.assign(method="combo"), base.assign(method="three_year_profile")],
                      ignore_index=True)
    cases.loc[0, "fallback"] = "three_year_profile"  # a fallback keeps its own range
    out = panel_widths(cases)
    combo = out[out.method == "combo"]
    f = panel_width_factors(np.r_[np.nan, (2 * half / t)[1:]], 4)
    np.testing.assert_allclose(combo["p90"] - combo["forecast"], f * half)
    np.testing.assert_allclose(combo["forecast"] - combo["p10"], f * half)
    assert combo["p10"].iloc[0] == cases["p10"].iloc[0]
    pd.testing.assert_frame_equal(out[out.method == "three_year_profile"],
                                  cases[cases.method == "three_year_profile"])
