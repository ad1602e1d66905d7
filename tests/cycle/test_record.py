"""The forecast of record: fastställd, else latest laid, else the stored statistical forecast.

Computed once per key and read back by a second process; a laid version rebuilt from its
stored statistical forecast gives, series by series, what was laid.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.laid import build_laid
from forecast.cycle.laid_store import LaidStore
from forecast.cycle.record import (
    KIND_LAID,
    KIND_LOCKED,
    KIND_STATISTICAL,
    Spec,
    resolve,
    statistical,
)
from forecast.engine import hierarchy as H
from forecast.engine.region import forecast_region
from forecast.store.statistical import StatisticalStore
from tests.fakes import FAKE_METHODS, small_dataset

AS_OF = pd.Period("2023-04", freq="M")
SPEC = Spec(n_paths=40, seed=3)
ADJ = Adjustment(comment="dygnsvila från hösten", amount_tkr=-5000.0, division="Div A",
                 category="Personal", start="2023-05", rule="prognos", author="Anna")


class Counting:
    """The engine with fake methods, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, ds, as_of, *, n_paths, seed, method, progress):
        self.calls += 1
        return forecast_region(ds, as_of, n_paths=n_paths, seed=seed, workers=1,
                               forecaster=FAKE_METHODS, default_method="fake")


@pytest.fixture(scope="module")
def ds():
    return small_dataset()


@pytest.fixture
def stores(store_url):
    return store_url, StatisticalStore(store_url), LaidStore(store_url)


def _lay(rec, laid, *, comment="april", adjs=()):
    af = apply_adjustments(rec.statistical, list(adjs))
    draft = build_laid(af, dataset="D", author="Anna", comment=comment, method="test",
                       stat_forecast_id=rec.stat_id)
    return laid.lay(draft)


def _personnel(rf):
    cat = rf.keys.loc[rf.keys["account"] == "Personalkostnader", "category"].iloc[0]
    return replace(ADJ, category=cat)


def test_statistical_is_computed_once_per_key_and_a_new_key_computes_again(ds, stores):
    _, stat, _ = stores
    engine = Counting()
    a, sid = statistical(ds, AS_OF, stat, SPEC, compute=engine)
    b, sid2 = statistical(ds, AS_OF, stat, SPEC, compute=engine)
    assert engine.calls == 1 and sid == sid2
    assert np.array_equal(a.paths, b.paths)
    statistical(ds, AS_OF, stat, replace(SPEC, seed=4), compute=engine)
    other = replace(ds, source_hash="another")
    statistical(other, AS_OF, stat, SPEC, compute=engine)
    assert engine.calls == 3


def test_rule_statistical_then_latest_laid_then_locked(ds, stores):
    _, stat, laid = stores
    engine = Counting()
    rec = resolve(ds, AS_OF, dataset="D", laid=laid, store=stat, spec=SPEC, compute=engine)
    assert rec.kind == KIND_STATISTICAL and rec.laid is None
    assert "ej lagd" in rec.heading()
    v1 = _lay(rec, laid, comment="första")
    laid.lock("D", AS_OF, author="Chef", version=v1.version)
    _lay(rec, laid, comment="andra", adjs=[_personnel(rec.statistical)])
    now = resolve(ds, AS_OF, dataset="D", laid=laid, store=stat, spec=SPEC, compute=engine)
    assert now.kind == KIND_LOCKED and now.laid.version == 1
    assert engine.calls == 1  # every later resolve read the stored forecast


def test_a_laid_version_with_an_adjustment_is_rebuilt_to_the_tkr(ds, stores):
    _, stat, laid = stores
    engine = Counting()
    rec = resolve(ds, AS_OF, dataset="D", laid=laid, store=stat, spec=SPEC, compute=engine)
    lf = _lay(rec, laid, adjs=[_personnel(rec.statistical)])
    now = resolve(ds, AS_OF, dataset="D", laid=laid, store=stat, spec=SPEC, compute=engine)
    assert now.kind == KIND_LAID and now.laid.id == lf.id and now.notes == ()
    totals = H.year_totals(now.final, ())
    assert totals[H.FORECAST].iloc[0] == pytest.approx(lf.summary()["final"], abs=0.5)
    by_div = H.year_totals(now.final, ("division",)).set_index("division")[H.FORECAST]
    laid_div = lf.series.groupby("division")["final_year"].sum()
    assert np.allclose(by_div[laid_div.index], laid_div, atol=0.5)
    stat_total = H.year_totals(now.statistical, ())[H.FORECAST].iloc[0]
    assert totals[H.FORECAST].iloc[0] - stat_total == pytest.approx(-5000.0, abs=0.5)
    assert any("dygnsvila" in v for _, v in now.provenance())


def test_a_version_laid_on_other_data_is_not_the_record(ds, stores):
    _, stat, laid = stores
    engine = Counting()
    rec = resolve(ds, AS_OF, dataset="D", laid=laid, store=stat, spec=SPEC, compute=engine)
    _lay(rec, laid)
    other = replace(ds, source_hash="changed-ledger")
    now = resolve(other, AS_OF, dataset="D", laid=laid, store=stat, spec=SPEC, compute=engine)
    assert now.kind == KIND_STATISTICAL and engine.calls == 2


def test_a_second_process_reads_the_same_number_without_computing(ds, stores, tmp_path):
    url, stat, laid = stores
    rec = resolve(ds, AS_OF, dataset="D", laid=laid, store=stat, spec=SPEC, compute=Counting())
    lf = _lay(rec, laid, adjs=[_personnel(rec.statistical)])
    script = textwrap.dedent(f"""
        import pandas as pd
        from forecast.cycle.laid_store import LaidStore
        from forecast.cycle.record import Spec, resolve
        from forecast.engine import hierarchy as H
        from forecast.store.statistical import StatisticalStore
        from tests.fakes import small_dataset

        def refuse(*a, **k):
            raise SystemExit("computed again")

        rec = resolve(small_dataset(), pd.Period("2023-04", freq="M"), dataset="D",
                      laid=LaidStore({url!r}), store=StatisticalStore({url!r}),
                      spec=Spec(n_paths=40, seed=3), compute=refuse)
        print(rec.kind, rec.laid.version, H.year_totals(rec.final, ())[H.FORECAST].iloc[0])
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    kind, version, total = out.stdout.split()[0], out.stdout.split()[1], out.stdout.split()[2]
    assert (kind, int(version)) == ("lagd", lf.version)
    assert float(total) == pytest.approx(lf.summary()["final"], abs=0.5)


def test_a_version_laid_before_forecasts_were_stored_shows_what_was_laid(ds, stores):
    """No stored basis: the statistical forecast is computed again (another method here, so
    it differs) and every series' year total is moved to the laid one, with a note."""
    _, stat, laid = stores
    first = Counting()
    rec = resolve(ds, AS_OF, dataset="D", laid=None, store=None, spec=SPEC, compute=first)
    lf = laid.lay(build_laid(apply_adjustments(rec.statistical, [_personnel(rec.statistical)]),
                             dataset="D", author="Anna", comment="äldre", method="test"))
    assert lf.stat_forecast_id is None

    def other(ds, as_of, *, n_paths, seed, method, progress):
        return forecast_region(ds, as_of, n_paths=n_paths, seed=seed + 1, workers=1,
                               forecaster=FAKE_METHODS, default_method="fake")

    now = resolve(ds, AS_OF, dataset="D", laid=laid, store=stat, spec=SPEC, compute=other)
    assert now.laid.id == lf.id and now.notes and "innan prognoser lagrades" in now.notes[0]
    year = H.series_year_paths(now.final).mean(axis=1)
    assert np.allclose(year, lf.series["final_year"], atol=0.5)
    assert H.year_totals(now.final, ())[H.FORECAST].iloc[0] == pytest.approx(
        lf.summary()["final"], abs=0.5)
