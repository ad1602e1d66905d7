"""Tests of forecast.io.dataset_store: a dataset kept on the server under its key."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from forecast.io import dataset_store as DS
from forecast.io.dataset_files import DatasetFiles, InputFile, dataset_key, load_dataset
from forecast.io.readers import ReadOptions
from tests.io import ledger_fixtures as X


def _files(tmp_path: Path) -> DatasetFiles:
    amounts = X.known_amounts()
    return DatasetFiles(
        ledgers=(InputFile.from_path(X.write_raindance(tmp_path / "hb.csv", amounts)),),
        organisation=InputFile.from_path(X.write_org(tmp_path / "org.csv")),
        kontoplan=InputFile.from_path(X.write_map(tmp_path / "map.csv")))


def test_round_trip_gives_the_same_dataset(tmp_path: Path) -> None:
    files, opts = _files(tmp_path), ReadOptions(amount_unit="kr")
    key = DS.save(files, opts, tmp_path / "store")
    assert key == load_dataset(files, opts).dataset.source_hash == dataset_key(files, opts)
    assert DS.save(files, opts, tmp_path / "store") == key  # storing twice is harmless
    back = DS.load(key, tmp_path / "store").dataset
    pd.testing.assert_frame_equal(back.ledger, load_dataset(files, opts).dataset.ledger)
    assert back.source == "hb.csv, org.csv, map.csv" and back.source_hash == key


def test_options_are_part_of_the_key(tmp_path: Path) -> None:
    files = _files(tmp_path)
    assert dataset_key(files, ReadOptions(amount_unit="kr")) != dataset_key(files, ReadOptions())


@pytest.mark.parametrize("key", ["../../etc/passwd", "A" * 64, "0" * 63, "", None])
def test_bad_keys_never_touch_a_path(tmp_path: Path, key: object) -> None:
    with pytest.raises(DS.StoreError, match="Ogiltig datamängdsnyckel"):
        DS.read(key, tmp_path)  # type: ignore[arg-type]


def test_missing_or_changed_store(tmp_path: Path) -> None:
    with pytest.raises(DS.StoreError, match="finns inte längre"):
        DS.read("0" * 64, tmp_path)
    files, opts = _files(tmp_path), ReadOptions(amount_unit="kr")
    key = DS.save(files, opts, tmp_path / "s")
    first = sorted((tmp_path / "s" / key).glob("*.bin"))[0]
    first.write_bytes(first.read_bytes() + b"1101;410;3111;x;202301;5;\r\n")
    with pytest.raises(DS.StoreError, match="har ändrats"):
        DS.load(key, tmp_path / "s")
