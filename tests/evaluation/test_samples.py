import pytest

from forecast.evaluation.samples import split_series


def test_split_is_by_series_stratified_and_reproducible():
    ids = [f"S{i:03d}" for i in range(40)]
    cats = ["A"] * 30 + ["B"] * 10
    dev, conf = split_series(ids, cats, seed=14)
    assert set(dev) | set(conf) == set(ids) and not set(dev) & set(conf)
    assert sum(i < "S030" for i in dev) == 15  # half of each category
    assert sum(i >= "S030" for i in dev) == 5
    assert (dev, conf) == split_series(list(reversed(ids)), list(reversed(cats)), seed=14)
    assert split_series(ids, cats, seed=15) != (dev, conf)


def test_split_rejects_duplicates_and_ragged_categories():
    with pytest.raises(ValueError):
        split_series(["a", "a"])
    with pytest.raises(ValueError):
        split_series(["a", "b"], ["x"])
