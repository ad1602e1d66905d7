"""The command line's shared flags and file reading (:mod:`cli.common`, :mod:`cli.cycle`)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from cli.common import EXIT_INPUT, EXIT_IO, CliError, read_narrative_file
from cli.main import build_parser
from forecast.report.narrative import MAX_FILE_BYTES

NARRATIVE = Path(__file__).resolve().parents[1] / "data" / "berattelse_2023-04.yaml"
DIVISIONS = ["Kirurgi", "Medicin", "Nära vård"]


def _parsers() -> dict[str, argparse.ArgumentParser]:
    """Every subcommand's parser, ``scenario``'s actions as ``scenario <action>``."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    out: dict[str, argparse.ArgumentParser] = {}
    for name, p in sub.choices.items():
        nested = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if not nested:
            out[name] = p
        for a in nested:
            out.update({f"{name} {k}": v for k, v in a.choices.items()})
    return out


def _option(p: argparse.ArgumentParser, flag: str) -> argparse.Action | None:
    return next((a for a in p._actions if flag in a.option_strings), None)


def test_every_month_flag_is_written_the_same_way() -> None:
    seen = []
    for name, p in _parsers().items():
        for flag in ("--as-of", "--mot"):
            action = _option(p, flag)
            if action is not None:
                seen.append(name)
                assert action.metavar == "ÅÅÅÅ-MM", (name, flag)
                assert action.type is None, (name, flag)  # parsed by as_of_argument at run
    assert {"prognos", "rapport", "berattelse", "prognosforandring", "scenario run",
            "scenario jamfor"} <= set(seen)


def test_store_flags_mean_the_same_in_every_command() -> None:
    """``--dataset`` and ``--db`` are declared once; ``rapport`` once had its own, stale help."""
    helps: dict[str, set[str | None]] = {"--dataset": set(), "--db": set()}
    taking = set()
    for name, p in _parsers().items():
        if name.startswith("datamangd"):  # the audit log's database only: no dataset
            continue
        for flag, seen in helps.items():
            action = _option(p, flag)
            if action is not None:
                seen.add(action.help)
                taking.add(name)
    assert {"rapport", "berattelse", "prognosforandring", "prognos", "scenario run"} <= taking
    assert len(helps["--dataset"]) == 1 and len(helps["--db"]) == 1, helps
    assert "Egen huvudbok" not in str(helps["--dataset"])


def test_read_narrative_file(tmp_path: Path) -> None:
    f = tmp_path / "b.yaml"
    f.write_bytes(NARRATIVE.read_bytes())
    n = read_narrative_file(f, DIVISIONS)
    assert n.summary.startswith("Nämnden redovisar")
    assert [d for d, _ in n.divisions] == ["Kirurgi", "Medicin"]


def test_narrative_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "stor.yaml"
    f.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(CliError) as err:
        read_narrative_file(f, DIVISIONS)
    assert err.value.code == EXIT_INPUT
    assert err.value.message == "stor.yaml: filen är 256 kB; högst 256 kB tillåts."


@pytest.mark.parametrize("name, meaning", [("saknas.yaml", "filen eller katalogen finns inte"),
                                           ("katalog", "sökvägen är en katalog")])
def test_unreadable_narrative_file_is_explained_in_swedish(tmp_path: Path, name: str,
                                                           meaning: str) -> None:
    (tmp_path / "katalog").mkdir()
    with pytest.raises(CliError) as err:
        read_narrative_file(tmp_path / name, DIVISIONS)
    assert err.value.code == EXIT_IO
    assert err.value.message == f"kunde inte läsa {str(tmp_path / name)!r}: {meaning}"


def test_bad_content_names_file_field_and_row(tmp_path: Path) -> None:
    f = tmp_path / "b.yaml"
    f.write_text("risker:\n  - text: R\n    typ: fara\n", encoding="utf-8")
    with pytest.raises(CliError) as err:
        read_narrative_file(f, DIVISIONS)
    assert err.value.code == EXIT_INPUT
    assert "b.yaml: risker, rad 1, typ" in err.value.message
