"""The embedded font's subsets are made once and kept on disk, checked, and remade when damaged."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from forecast.report import docx_fonts as F
from forecast.report.fonts import font_dir

FACE = "DejaVuSans.ttf"


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(F.ENV_CACHE, str(tmp_path))
    F.subset_face.cache_clear()
    yield tmp_path / "fonts"
    F.subset_face.cache_clear()


def test_the_subset_is_kept_and_read_back_equal(cache: Path) -> None:
    made = F.subset_face(FACE)
    fresh = F._subset((font_dir() / FACE).read_bytes())
    assert made == fresh
    files = list(cache.iterdir())
    assert len(files) == 1 and files[0].name.startswith("DejaVuSans-")
    F.subset_face.cache_clear()
    assert F.subset_face(FACE) == made  # from disk this time
    cmap = TTFont(io.BytesIO(made)).getBestCmap()
    assert {0x2212, ord("å"), ord("Ö"), 0x00A0} <= set(cmap)


def test_a_damaged_file_is_made_again(cache: Path) -> None:
    made = F.subset_face(FACE)
    (path,) = cache.iterdir()
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0xFF
    path.write_bytes(bytes(raw))
    F.subset_face.cache_clear()
    assert F.subset_face(FACE) == made
    assert path.read_bytes()[32:] == made


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
def test_an_unwritable_cache_costs_only_the_time(cache: Path) -> None:
    cache.parent.chmod(0o500)
    try:
        assert F.subset_face(FACE) == F._subset((font_dir() / FACE).read_bytes())
        assert not cache.exists()
    finally:
        cache.parent.chmod(0o700)


def test_a_cache_path_that_is_a_file_costs_only_the_time(cache: Path) -> None:
    cache.write_bytes(b"not a directory")
    assert F.subset_face(FACE) == F._subset((font_dir() / FACE).read_bytes())
    assert cache.is_file()
