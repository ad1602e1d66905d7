import numpy as np

from forecast.engine import joint as J

SEASON = 1 + 0.2 * np.sin(np.arange(12) / 12 * 2 * np.pi)


def _histories(n_series: int, common: float, rng: np.random.Generator, years: int = 7,
               n: int = 4) -> list[np.ndarray]:
    """Series whose within-year growth has a common and an own part (prior-year errors)."""
    f = rng.normal(size=years)
    out = []
    for _ in range(n_series):
        months = []
        for k in range(years):
            g = common * f[k] + np.sqrt(1 - common**2) * rng.normal()
            # growth inside the year shows up as a year-end surprise of the profile rule
            months.append(100 * SEASON * (1 + 0.05 * g * np.arange(12) / 11))
        out.append(np.concatenate(months)[: 12 * (years - 1) + n])
    return out


def test_coupling_keeps_every_series_paths_and_widens_a_correlated_total():
    rng = np.random.default_rng(0)
    hist = _histories(40, 0.9, rng)
    paths = rng.normal(size=(40, 500, 10)).astype(np.float32)
    out = J.joint_paths(paths, hist, 4, np.random.default_rng(1))
    for i in range(40):  # the same paths, re-paired
        np.testing.assert_array_equal(np.sort(out[i], axis=0), np.sort(paths[i], axis=0))
    sd_ind = paths[:, :, :8].sum(axis=(0, 2)).std()
    sd_joint = out[:, :, :8].sum(axis=(0, 2)).std()
    assert sd_joint > 2.5 * sd_ind  # 40 series correlated about 0.9 · shrinkage


def test_uncorrelated_history_stays_close_to_independent():
    rng = np.random.default_rng(2)
    hist = _histories(40, 0.0, rng)
    paths = rng.normal(size=(40, 500, 10)).astype(np.float32)
    out = J.joint_paths(paths, hist, 4, np.random.default_rng(3))
    ratio = out[:, :, :8].sum(axis=(0, 2)).std() / paths[:, :, :8].sum(axis=(0, 2)).std()
    assert 0.6 < ratio < 1.8


def test_surprises_are_standardised_and_aligned_by_year():
    rng = np.random.default_rng(4)
    hist = _histories(3, 0.5, rng)
    hist.append(hist[0][24:])  # the same series, two years shorter
    hist.append(np.zeros(60))  # no information: no surprise
    u = J.surprises(hist, 4)
    assert u.shape == (5, J.MAX_YEARS)
    np.testing.assert_allclose(np.sqrt(np.mean(u[0][u[0] != 0] ** 2)), 1.0)
    k = np.count_nonzero(u[3])
    # the shorter copy has the same most recent years, in the same columns
    np.testing.assert_allclose(np.sign(u[3][:k]), np.sign(u[0][:k]))
    assert not u[4].any()


def test_the_methods_own_errors_are_used_when_given():
    rng = np.random.default_rng(6)
    paths = rng.normal(size=(30, 400, 6)).astype(np.float32)
    hist = [np.zeros(60)] * 30  # no history of its own: only the errors can couple
    common = rng.normal(size=5)
    errors = common[None, :] + 0.1 * rng.normal(size=(30, 5))
    errors[0, 3:] = np.nan  # a short series
    out = J.joint_paths(paths, hist, 8, np.random.default_rng(7), errors=errors)
    ratio = out[:, :, :4].sum(axis=(0, 2)).std() / paths[:, :, :4].sum(axis=(0, 2)).std()
    assert ratio > 3  # 30 series moving together
    same = J.joint_paths(paths, hist, 8, np.random.default_rng(7))
    np.testing.assert_allclose(same[:, :, :4].sum(axis=(0, 2)).std(),
                               paths[:, :, :4].sum(axis=(0, 2)).std(), rtol=0.25)


def test_choice_errors_matrix_is_aligned_by_year_back():
    from forecast.engine.region import _choice_errors
    from forecast.methods.selection import Choice

    m = _choice_errors([Choice("a", 1.0, 2, "", (1.0, -2.0)), None,
                        Choice("a", 1.0, 3, "", (0.5, float("nan"), 3.0))])
    np.testing.assert_array_equal(np.isnan(m), [[False, False, True], [True] * 3,
                                                [False, True, False]])
    assert m[2, 2] == 3.0
    assert _choice_errors([None, "combo"]) is None
