"""Warnings about what a forecast rests on, and the methods' Swedish names."""

from __future__ import annotations

import dataclasses

import numpy as np

from forecast.engine.basis import basis_warnings
from forecast.methods.names import METHOD_NAMES, error_in_words, method_name, methods_text
from tests.scenario_fixtures import make_rf


def _with(rf, **kw):
    return dataclasses.replace(rf, **kw)


def test_no_warning_for_a_tested_standard_forecast() -> None:
    rf = make_rf(n_paths=20)
    n = rf.n_series
    rf = _with(rf, method=("combo",) * n, backtest_ape=np.full(n, 2.0),
               prior_year_outcome=np.full(n, -100.0))
    assert basis_warnings(rf) == []


def test_short_history_untested_and_no_prior_year_are_said() -> None:
    rf = make_rf(n_paths=20)
    n = rf.n_series
    rf = _with(rf, method=("run_rate",) * n, backtest_ape=np.full(n, np.nan),
               prior_year_outcome=np.zeros(n))
    w = basis_warnings(rf)
    assert len(w) == 3
    assert w[0].startswith(f"Alla {n} serier har för kort historik") and "Årstakt" in w[0]
    assert "fel är okänt" in w[1]
    assert f"Utfall för {rf.as_of.year - 1} saknas" in w[2]


def test_some_fallbacks_are_counted() -> None:
    rf = make_rf(n_paths=20)
    n = rf.n_series
    method = ("combo",) * (n - 2) + ("mean", "run_rate")
    rf = _with(rf, method=method, backtest_ape=np.full(n, 2.0),
               prior_year_outcome=np.full(n, -1.0))
    (w,) = basis_warnings(rf)
    assert w.startswith(f"2 av {n} serier") and "Snitt hittills (1 serie)" in w


def test_method_names_are_swedish_and_cover_the_methods() -> None:
    from forecast import methods as M

    assert M.REGISTRY
    for alias in M.REGISTRY:
        assert alias in METHOD_NAMES, alias
    assert method_name("combo", short=True) == "Kombination"
    assert "Theta" in method_name("combo")
    assert method_name("okänd") == "okänd"
    assert methods_text(["combo", "combo", "run_rate"]) == \
        "Kombination (2 serier), Årstakt (1 serie)"
    assert methods_text(["combo"]) == "Kombination"
    assert error_in_words(float("nan")).startswith("inte backtestad")
    assert "2,1\u00a0%" in error_in_words(2.14)


def test_method_sentence_names_method_and_error_in_words() -> None:
    from forecast.engine.basis import method_sentence

    rf = make_rf(n_paths=20)
    n = rf.n_series
    ape = np.linspace(1.0, 3.0, n)
    rf = _with(rf, method=("combo",) * n, backtest_ape=ape)
    s = method_sentence(rf, {})
    assert s.startswith(f"Metod ({n} serier): Kombination av tre metoder")
    assert f"{np.median(ape):.1f}".replace(".", ",") in s and "median" in s
    unit = rf.keys["unit"].iat[0]
    account = rf.keys["account"].iat[0]
    one = method_sentence(rf, {"unit": unit, "account": account})
    assert one.startswith("Metod: Kombination") and "1,0\u00a0%" in one
    assert method_sentence(rf, {"unit": "finns inte"}) == "Inga serier i urvalet."
    assert "korrigerad" not in s
    assert "seriens egna fel tidigare år" in s  # combo's range follows the own errors
    assert "typiska bredden bland alla serier" in s  # ... pulled toward the panel's width
    other = _with(rf, method=("run_rate",) * n)
    assert "egna fel" not in method_sentence(other, {})
    levelled = _with(rf, level_correction=(("kostnad", -0.8, 4),))
    assert method_sentence(levelled, {}).endswith(
        "Regionens nivå är korrigerad efter tidigare års fel vid samma månad: kostnader "
        "-0,8\u00a0% (4 tidigare år).")
    assert "vidgade" not in method_sentence(levelled, {})
    wide = _with(levelled, totals_width=(("Medicin", 1.3),))
    assert method_sentence(wide, {}).endswith(
        " Intervallen för nettototaler är vidgade till vad totalens egna fel tidigare år vid "
        "samma månad visar: Medicin ×1,30.")
