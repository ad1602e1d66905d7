"""Tests of the research method ``combo_cal`` (moved from tests/methods with the method).

Run from the repository root: ``.venv/bin/python -m pytest research -p no:cacheprovider``.
"""

import numpy as np

from forecast.methods import REGISTRY, make_method
from forecast.methods.combination import Combination
from research.methods.calibrated import CalibratedCombination, register

RNG = np.random.default_rng(0)
N = 64  # 5 years + April: cut-off month 4
SEASON = np.array([5, 3, 4, 6, 8, 9, 12, 11, 7, 6, 4, 10], dtype=float)
Y = 100 + 0.3 * np.arange(N) + np.tile(SEASON, 6)[:N] + RNG.normal(0, 1, N)
H = 11


def test_not_in_the_product_registry_until_registered():
    assert "combo_cal" not in REGISTRY or REGISTRY["combo_cal"] is CalibratedCombination
    register()
    assert isinstance(make_method("combo_cal"), CalibratedCombination)


def test_contract_fit_predict_simulate():
    m = CalibratedCombination()
    assert m.fit(Y, 1) is m
    point = m.predict(H)
    assert point.shape == (H,) and np.all(np.isfinite(point))
    paths = m.simulate(H, 300, np.random.default_rng(1))
    assert paths.shape == (300, H) and np.all(np.isfinite(paths))
    q10, q50, q90 = np.quantile(paths.sum(axis=1), [0.1, 0.5, 0.9])
    assert q10 <= q50 <= q90


def test_its_own_range_never_takes_the_panel_rule():
    assert isinstance(CalibratedCombination(), Combination)
    assert not CalibratedCombination().uses_panel_width


def test_calibrated_paths_put_p10_p90_at_the_conformal_quantiles():
    from research.methods.calibrated import calibrated_paths, conformal_q

    rng = np.random.default_rng(5)
    sims = 10 + rng.standard_normal((4000, 12)) * np.linspace(1, 2, 12)
    point = np.full(12, 10.0)
    q = (-1.6, 1.0)
    out = calibrated_paths(point, sims, 8, q)
    d = out[:, :8].sum(axis=1) - point[:8].sum()
    sd = (sims[:, :8].sum(axis=1)).std()
    np.testing.assert_allclose(out.mean(axis=0), point, atol=1e-9)
    lo, hi = np.quantile(d, [0.1, 0.9])
    shift = d.mean()  # re-centring moves both by the same small amount
    assert abs(shift) < 1e-9
    assert abs(lo - q[0] * sd) < 0.03 * sd and abs(hi - q[1] * sd) < 0.03 * sd
    assert abs(lo) > abs(hi)  # lopsided like q
    # quantiles interpolate in the months left and are clamped
    assert conformal_q(8) != conformal_q(4)
    assert conformal_q(40) == conformal_q(12)
