"""Progress by step: the region forecast reports series done of total, and the result does
not depend on it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.engine import region as engine


def test_progress_reports_each_step_and_changes_nothing(small_dataset, fake_methods):
    ds = small_dataset()
    as_of = pd.Period("2023-04", "M")
    seen = []
    rf = engine.forecast_region(ds, as_of, n_paths=20, workers=1, forecaster=fake_methods,
                                choose=True, progress=lambda s, d, t: seen.append((s, d, t)))
    plain = engine.forecast_region(ds, as_of, n_paths=20, workers=1, forecaster=fake_methods,
                                   choose=True)
    assert np.array_equal(rf.paths, plain.paths)
    steps = list(dict.fromkeys(s for s, _, _ in seen))
    # the per-series backtest and forecast run in one pass per series: one step
    assert steps == ["Backtest och prognos per serie"]
    fc = [(d, t) for s, d, t in seen if s == steps[0]]
    assert fc[-1] == (rf.n_series, rf.n_series) and len(fc) > 1
    assert [d for d, _ in fc] == sorted(d for d, _ in fc)


def test_progress_with_a_structural_break_has_both_steps(small_dataset, fake_methods):
    ds = small_dataset()
    seen = []
    engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=20, workers=1,
                           forecaster=fake_methods, choose=True,
                           steps=[pd.Period("2021-03", "M")],
                           progress=lambda s, d, t: seen.append(s))
    assert list(dict.fromkeys(seen)) == ["Backtest per serie", "Prognos per serie"]
