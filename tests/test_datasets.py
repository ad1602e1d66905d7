"""Tests of forecast.datasets: a dataset kept on the server, owned and shared."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from forecast import datasets as DS
from forecast.access import NOT_FOUND, DatasetOwner, Identity, policy
from forecast.cycle.roles import parse_roles
from forecast.io.dataset_files import DatasetFiles, InputFile, dataset_key, load_dataset
from forecast.io.readers import ReadOptions
from tests.io import ledger_fixtures as X

ROLES = parse_roles('[roller]\ncontroller = ["anna", "cecilia"]\ngranskare = ["bo", "dan"]\n'
                    '[grupper]\nhsn = ["anna", "bo"]\nprimarvard = ["cecilia", "dan"]\n',
                    "roller.toml")
ANNA, BO, CECILIA, DAN, EVE = (policy(Identity(n, "test"), ROLES)
                               for n in ("anna", "bo", "cecilia", "dan", "eve"))


def _files(tmp_path: Path) -> DatasetFiles:
    amounts = X.known_amounts()
    return DatasetFiles(
        ledgers=(InputFile.from_path(X.write_raindance(tmp_path / "hb.csv", amounts)),),
        organisation=InputFile.from_path(X.write_org(tmp_path / "org.csv")),
        kontoplan=InputFile.from_path(X.write_map(tmp_path / "map.csv")))


def test_round_trip_gives_the_same_dataset(tmp_path: Path) -> None:
    files, opts = _files(tmp_path), ReadOptions(amount_unit="kr")
    key = DS.save(files, opts, ANNA.new_owner(), tmp_path / "store")
    assert DS.is_key(key) and key.startswith("ds-")
    assert DS.save(files, opts, ANNA.new_owner(), tmp_path / "store") == key  # same owner
    back = DS.load(key, ANNA, tmp_path / "store").dataset
    pd.testing.assert_frame_equal(back.ledger, load_dataset(files, opts).dataset.ledger)
    assert back.source == "hb.csv, org.csv, map.csv"
    assert back.source_hash == dataset_key(files, opts)  # the hash stays in the provenance


def test_the_url_key_is_random_and_not_the_data_hash(tmp_path: Path) -> None:
    files, opts = _files(tmp_path), ReadOptions(amount_unit="kr")
    a = DS.save(files, opts, ANNA.new_owner(), tmp_path / "s")
    c = DS.save(files, opts, CECILIA.new_owner(), tmp_path / "s")
    data_hash = dataset_key(files, opts)
    assert a != c  # the second department's upload of the same file is its own dataset
    assert data_hash not in a and data_hash[:32] not in a and a[3:] != data_hash[:32]
    assert not (tmp_path / "s" / data_hash).exists()


def test_who_sees_a_dataset(tmp_path: Path) -> None:
    key = DS.save(_files(tmp_path), ReadOptions(amount_unit="kr"), ANNA.new_owner(),
                  tmp_path / "s")
    assert DS.info(key, tmp_path / "s").owner == DatasetOwner("anna", frozenset({"hsn"}))
    DS.load(key, BO, tmp_path / "s")  # same group: a viewer sees it
    for outsider in (CECILIA, DAN, EVE):  # another department, and a user in no role
        with pytest.raises(DS.StoreError) as hidden:
            DS.load(key, outsider, tmp_path / "s")
        with pytest.raises(DS.StoreError) as missing:
            DS.load("ds-" + "0" * 32, outsider, tmp_path / "s")
        assert str(hidden.value) == str(missing.value) == NOT_FOUND  # exactly as missing


@pytest.mark.parametrize("key", ["../../etc/passwd", "A" * 64, "0" * 64, "ds-" + "0" * 31,
                                 "ds-" + "G" * 32, "", None])
def test_bad_keys_never_touch_a_path(tmp_path: Path, key: object) -> None:
    with pytest.raises(DS.StoreError, match="Ogiltig datamängdsnyckel"):
        DS.read(key, ANNA, tmp_path)  # type: ignore[arg-type]


def test_missing_changed_or_old_format(tmp_path: Path) -> None:
    with pytest.raises(DS.StoreError, match=NOT_FOUND):
        DS.read("ds-" + "0" * 32, ANNA, tmp_path)
    files, opts = _files(tmp_path), ReadOptions(amount_unit="kr")
    key = DS.save(files, opts, ANNA.new_owner(), tmp_path / "s")
    first = sorted((tmp_path / "s" / key).glob("*.bin"))[0]
    first.write_bytes(first.read_bytes() + b"1101;410;3111;x;202301;5;\r\n")
    with pytest.raises(DS.StoreError, match="har ändrats"):
        DS.load(key, ANNA, tmp_path / "s")
    manifest = tmp_path / "s" / key / "manifest.json"
    m = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**m, "version": 1}), encoding="utf-8")  # no owner known
    with pytest.raises(DS.StoreError, match=NOT_FOUND):
        DS.load(key, ANNA, tmp_path / "s")


def test_single_user_mode_sees_its_own(tmp_path: Path) -> None:
    me = policy(Identity("me", "test"), parse_roles("", "x").__class__(None, "ingen"))
    key = DS.save(_files(tmp_path), ReadOptions(amount_unit="kr"), me.new_owner(), tmp_path)
    assert DS.load(key, me, tmp_path).dataset.source_hash
