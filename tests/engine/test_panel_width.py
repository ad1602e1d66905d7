"""The region forecast pulls combo's ranges toward the panel's typical width."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.engine import region
from forecast.methods.combination import panel_width_factors, year_total_width


def test_panel_widths_scale_combo_series_only() -> None:
    rng = np.random.default_rng(5)
    n, n_paths, h = 30, 500, 20  # as of April: 8 months of this year + 12 of the next
    point = rng.uniform(50, 150, (n, h))
    spread = rng.uniform(0.5, 8, n)
    dev = rng.normal(size=(n, n_paths, h))
    dev -= dev.mean(axis=1, keepdims=True)  # as combo's paths: their mean is the point
    paths = (point[:, None, :] + spread[:, None, None] * dev).astype(np.float32)
    used = ["combo"] * (n - 2) + ["three_year_profile", "run_rate"]
    ytd = rng.uniform(100, 300, n)
    before = paths.copy()
    region._panel_widths(paths, point, used, ytd, pd.Period("2023-04", freq="M"))
    widths = np.array([year_total_width(before[i], point[i], ytd[i], 4)
                       if used[i] == "combo" else np.nan for i in range(n)])
    f = panel_width_factors(widths, 4)
    for i in range(n):
        expect = point[i] + f[i] * (before[i].astype(float) - point[i])
        np.testing.assert_allclose(paths[i], expect, rtol=1e-5, atol=1e-3)
    np.testing.assert_array_equal(paths[-2:], before[-2:])  # other methods untouched
    # the means stay the point (the Prognos is unchanged), the ranges move toward each other
    np.testing.assert_allclose(paths.mean(axis=1), before.mean(axis=1), atol=1e-3)
    assert np.std(np.log(f[:-2])) > 0
