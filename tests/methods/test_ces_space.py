"""CES with a restricted model space: AutoCES' own choice wherever it lies in the space."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.methods import make_method


def _series(seed: int, n: int = 70) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 1 + rng.uniform(0, 0.5) * np.sin(2 * np.pi * t / 12 + rng.uniform(0, 6))
    return rng.uniform(100, 900) * season * rng.lognormal(0, rng.uniform(0.02, 0.2), n)


def _chosen(m: object) -> str:
    return str(m.model_.model_["seasontype"])  # type: ignore[attr-defined]


def test_full_space_is_autoces_itself() -> None:
    for seed in range(8):
        y = _series(seed)
        a = make_method("ces").fit(y, 1)
        b = make_method("ces", space=("F", "P", "S", "N")).fit(y, 1)
        np.testing.assert_array_equal(a.predict(10), b.predict(10))


def test_restricted_space_keeps_autoces_choice_inside_it() -> None:
    seen_inside = seen_outside = 0
    for seed in range(40):
        y = _series(seed)
        full = make_method("ces").fit(y, 1)
        small = make_method("ces", space=("N", "S", "P")).fit(y, 1)
        assert _chosen(small) in ("N", "S", "P")
        if _chosen(full) != "F":
            np.testing.assert_array_equal(full.predict(10), small.predict(10))
            seen_inside += 1
        else:
            seen_outside += 1
            # the best of the rest by AICc
            ics = {t: make_method("ces", space=(t,)).fit(y, 1).model_.model_["aicc"]
                   for t in ("N", "S", "P")}
            assert _chosen(small) == min(ics, key=ics.get)
    assert seen_inside > 0


def test_unknown_season_type_is_refused() -> None:
    with pytest.raises(ValueError):
        make_method("ces", space=("X",))
    with pytest.raises(ValueError):
        make_method("ces", space=())
