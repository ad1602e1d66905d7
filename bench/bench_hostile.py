"""Hostile-input benchmark (issue 13): every hostile file of the issue's table, read in its own
child process; prints the time and peak memory per row and whether it was refused or done.

Goal: every row refused or done in under 5 s and 500 MB. The peer is the behaviour before the
fix as the issue measured it (quoted in the last column; re-running it would take the
machine: 23 GB for the first row). The database rows of the table (corrupt file, locked
store, newer schema) belong to the store's own work and are not run here.

Peak memory is the child's maximum resident set size from ``os.wait4`` (the kernel's rusage
of that child and its waited-for children, e.g. a process pool); "cpu s" is that child's user +
system CPU time from the same rusage and "op cpu" the operation's own (``time.process_time``
in the child, without pool workers); on a shared machine the wall times scale with the load,
the CPU times much less. "op s" times the operation only: the hostile files are made and the
CLI module and the base data set are loaded first; a CLI row includes loading the embedded
data and whatever the command imports when it runs, as the command does. "wall s" is the whole
child from starting Python (making the files, start-up imports, the base data, the operation).

Usage::

    PYTHONPATH=. python bench/bench_hostile.py            # all rows, full sizes
    PYTHONPATH=. python bench/bench_hostile.py --only xfd  # one row
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import hostile_files as H  # noqa: E402

GOAL_S, GOAL_MB = 5.0, 500.0

# key: (title, issue's measured behaviour before the fix)
ROWS: dict[str, tuple[str, str]] = {
    "header500k": ("CSV, rubrik med 500 000 fält (4,9 MB)", "23 GB, dödad efter 108 s"),
    "header40k": ("CSV, 40 000 fält × 5 000 rader", "4,7 GB, 20 s"),
    "xfd": ("XLSX, celler i kolumn XFD, 20 000 rader", "2,8 GB, 88 s"),
    "units5k": ("CSV, 5 000 olika enheter", "6 s"),
    "units20k": ("CSV, 20 000 olika enheter", "41 s"),
    "units60k": ("CSV, 60 000 olika enheter", "267 s"),
    "bomb": ("YAML-aliasbomb i description (≈ 400 byte)", "3,5 GB, 57 s, MemoryError"),
    "assumptions3k": ("scenario med 3 000 antaganden", "842 MB, 69 s"),
    "draws": ("scenario run --draws 300000000", "_ArrayMemoryError-traceback"),
    "paths": ("prognos --paths 100000", "BrokenProcessPool, 5,6 GB, 141 s"),
    "noasof": ("enhet utan utfall i prognosmånaden", "godtogs, saknad månad = 0"),
    "category": ("categories: [Läkemedl]", "skillnad 0 tkr, exit 0"),
    "nan": (".nan / .inf / 1e300 i scenariovärden", "exit 0 med tomma celler / TypeError"),
    "inhyrd": ("'Inhyrd personal' odelad", "styrdes till 'övriga', lista kapad"),
    "sheet2": ("data på blad 2; sammanställning heter Huvudbok", "fel blad, inget namn"),
    "utf16": ("UTF-16 utan BOM", "NUL-tecken i meddelandet"),
    "macro": ("Excel 4.0-makroblad i .xlsx", "godtogs"),
    "fullwidth": ("helbredds ＝＋－＠ först i en cell", "neutraliserades inte"),
    # issue 28 (read through load_dataset, as the CLI's --data and the Data page do)
    "csv2m": ("CSV, 2 000 000 rader (44 MB)", "20,8 s / 1 246 MB"),
    "csv1m": ("CSV, 1 000 000 rader", "23 s / 1 499 MB"),
    "csv300k": ("CSV, 300 000 giltiga rader", "7,4 s / 2,85 s CPU (issue 28)"),
    "csv1200k": ("CSV, 20 000 serier × 60 mån i en fil", "-"),
    "region5y": ("CSV, 20 000 serier × 60 mån, en fil per år", "-"),
    "csvover": ("CSV, 1 250 001 rader (över gränsen)", "-"),
    "longline": ("CSV, en rad på 40 MB", "-"),
    "mixed": ("CSV, halva UTF-8, halva Windows-1252", "mojibake, godtogs"),
    "gap": ("serie utan utfall i februari", "godtogs"),
    "xlsx1m": ("XLSX, 1 000 000 enkolumnsrader", "dödad efter 60 s"),
    "xlsx200k": ("XLSX, 200 000 rader", "19–26 s"),
    "strings3m": ("XLSX, 3 000 000 delade texter", "46 s / 612 MB"),
    "styles400k": ("XLSX, 400 000 cellformat", "17 s / 768 MB, TypeError"),
    "zips": ("XLSX: trasig magi, CRC, avkortad, falska storlekar, XXE", "traceback"),
    "sie_ver": ("SIE, 300 000 #VER", "10,7 s / 668 MB"),
    "sie_trans": ("SIE, 1 900 000 #TRANS", "36 s / 2 307 MB"),
    "sie_konto": ("SIE, en #KONTO-rad på 40 MB", "10,7 s / 3 561 MB"),
    "sie_braces": ("SIE, 100 000 { på en rad", "13,6 s"),
    "yaml_deep": ("YAML, 50 000 nästlade listor", "15–21 s"),
    "seed": ("prognos --seed 4294967296", "godtogs"),
    "argparse": ("okänt argument (argparse)", "engelska"),
}


# --- the operations, run in the child ------------------------------------------------------


_BASE: list[object] = []


def _warm_up() -> None:
    """Import the libraries and load the base data set before the clock starts: the rows time
    reading the hostile input, not starting Python (the CLI rows load their data themselves).
    """
    import cli.main
    import forecast.io.export  # noqa: F401

    cli.main.build_parser()  # every subcommand module and parser (light: nothing heavy)
    import scenarios.files  # noqa: F401
    from forecast.ledger.dataset import load_default

    _BASE.append(load_default())


def _import(path: Path, as_of: str | None = "2023-04", sheet: str | None = None,
            accounts: object = None) -> str:
    """The ledger file loaded as the app and CLI load it (no organisation file)."""
    from forecast.io.dataset_files import DatasetFiles, InputFile, load_dataset
    from forecast.io.parsing import ValidationFailed
    from forecast.io.readers import ReadOptions

    try:
        files = DatasetFiles((InputFile.from_path(path),))
        ds = load_dataset(files, ReadOptions(sheet=sheet), as_of=as_of,
                          accounts=accounts).dataset  # type: ignore[arg-type]
    except ValidationFailed as exc:
        return "avvisad: " + str(exc.problems[0])
    return f"klar: {len(ds.ledger)} rader, {ds.ledger['unit'].nunique()} enheter"


def _split(path: Path) -> str:
    """The answer for 'Inhyrd personal' when the chart splits it on three accounts."""
    from forecast.ledger.dimensions import AccountHierarchy

    base = _BASE[0]
    chart = AccountHierarchy(accounts=tuple(
        a for a in base.accounts.accounts if a.name != "Inhyrd personal"))  # type: ignore[attr-defined]
    return _import(path, as_of=None, accounts=chart)


def _scenario(path: Path) -> str:
    from scenarios.files import ScenarioFileError, load_scenario

    try:
        sc = load_scenario(path)
    except ScenarioFileError as exc:
        return "avvisad: " + exc.messages[0]
    return f"klar: {len(sc.assumptions)} antaganden"


def _cli(argv: list[str]) -> str:
    from cli.main import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own exit
            code = int(exc.code or 0)
    text = " ".join(err.getvalue().split())
    return f"{'avvisad' if code else 'klar'} (exit {code}): {text[:300]}"


def _load(path: Path) -> str:
    """Through load_dataset, as ``--data`` and the Data page read a set."""
    from forecast.io.dataset_files import DatasetFiles, InputFile, load_dataset
    from forecast.io.parsing import ValidationFailed

    try:
        ds = load_dataset(DatasetFiles((InputFile.from_path(path),))).dataset
    except ValidationFailed as exc:
        return "avvisad: " + str(exc.problems[0])[:200]
    return f"klar: {len(ds.ledger)} rader"


def _zips(d: Path) -> str:
    from forecast.io.dataset_files import DatasetFiles, InputFile, load_dataset
    from forecast.io.parsing import ValidationFailed

    out = []
    for kind in H.MALFORMED_ZIPS:
        try:
            load_dataset(DatasetFiles((InputFile(f"{kind}.xlsx", H.malformed_zip(kind)),)))
            out.append(f"{kind}: godtogs")
        except ValidationFailed as exc:
            out.append(f"{kind}: avvisad ({exc.problems[0].message[:50]})")
        except Exception as exc:  # the row's outcome
            out.append(f"{kind}: {type(exc).__name__}")
    return "; ".join(out)


def _valid_csv(d: Path, n: int) -> Path:
    acc = ("Personalkostnader", "Läkemedel", "Försäljning", "Sjukvårdsartiklar")
    lines = [H.HEADER] + [f"{2021 + (i // 12) % 3}-{1 + i % 12:02d};U{i // 144:05d};"
                          f"{acc[(i // 36) % 4]};utfall;-1,5" for i in range(n)]
    return H._write(d / f"giltig_{n}.csv", "\n".join(lines).encode())


_REGION_ACCOUNTS = ("Läkemedel", "Försäljning", "Patientavgifter", "Sjukvårdsartiklar",
                    "Köp av verksamhet")


def _write_region(path: Path, n_series: int, months: list[str], budget: bool) -> Path:
    """``n_series`` unit × category series over ``months`` (``YYYY-MM``); ≈ 37 bytes a row
    with outcome only, ≈ 43 with a budget column."""
    acc = _REGION_ACCOUNTS
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("Period;Enhet;Konto;Utfall" + (";Budget\n" if budget else "\n"))
        for s in range(n_series):
            u, a = f"U{s // len(acc):04d}", acc[s % len(acc)]
            tail = ";-1000\n" if budget else "\n"
            f.writelines(f"{m};{u};{a};-{1000 + s % 997},5{tail}" for m in months)
    return path


def _region_csv(d: Path, n_series: int, n_months: int) -> Path:
    """A region's ledger in one file: ``n_months`` from January 2019, outcome only."""
    months = [f"{2019 + m // 12}-{1 + m % 12:02d}" for m in range(n_months)]
    return _write_region(d / f"region_{n_series}x{n_months}.csv", n_series, months, False)


def _region_years(d: Path, n_series: int = 20_000, years: int = 5) -> list[Path]:
    """A region's ledger as one file per year (outcome and budget columns, 12 months each)."""
    return [_write_region(d / f"huvudbok_{y}.csv", n_series,
                          [f"{y}-{m:02d}" for m in range(1, 13)], True)
            for y in range(2019, 2019 + years)]


def _load_set(paths: list[Path]) -> str:
    """Several ledger files read as one set (the Data page's several files, ``--data`` twice)."""
    from forecast.io.dataset_files import DatasetFiles, InputFile, load_dataset
    from forecast.io.parsing import ValidationFailed

    try:
        ds = load_dataset(DatasetFiles(tuple(InputFile.from_path(p) for p in paths))).dataset
    except ValidationFailed as exc:
        return "avvisad: " + str(exc.problems[0])[:200]
    return f"klar: {len(paths)} filer, {len(ds.ledger)} rader"


def _make28(key: str, d: Path) -> Callable[[], str] | None:
    files: dict[str, Callable[[], Path]] = {
        "csv2m": lambda: H.many_rows_csv(d, 2_000_000),
        "csv1m": lambda: H.many_rows_csv(d, 1_000_000),
        "csv300k": lambda: _valid_csv(d, 300_000),
        "csv1200k": lambda: _region_csv(d, 20_000, 60),
        "csvover": lambda: H.many_rows_csv(d, 1_250_001),
        "longline": lambda: H.long_line_csv(d),
        "mixed": lambda: H.mixed_encoding_csv(d),
        "gap": lambda: H.gap_csv(d),
        "xlsx1m": lambda: H.big_xlsx(d, 1_000_000),
        "xlsx200k": lambda: H.big_xlsx(d, 200_000),
        "strings3m": lambda: H.many_shared_strings_xlsx(d),
        "styles400k": lambda: H.many_styles_xlsx(d),
        "sie_ver": lambda: H.many_vouchers_sie(d),
        "sie_trans": lambda: H.many_trans_sie(d),
        "sie_konto": lambda: H.long_konto_sie(d),
        "sie_braces": lambda: H.braces_sie(d),
    }
    if key in files:
        p = files[key]()
        return lambda: _load(p)
    if key == "region5y":
        ps = _region_years(d)
        return lambda: _load_set(ps)
    if key == "zips":
        return lambda: _zips(d)
    if key == "yaml_deep":
        p = H.deep_yaml(d)
        return lambda: _scenario(p)
    if key == "seed":
        return lambda: _cli(["prognos", "--as-of", "2023-04", "--out", str(d / "p.xlsx"),
                             "--seed", "4294967296"])
    if key == "argparse":
        return lambda: _cli(["prognos", "--okand"])
    return None


def _fullwidth(_: Path) -> str:
    import pandas as pd

    from forecast.io.export import ExportTable, neutralise

    cells = ["\uff1d1+2", "\uff0bcmd", "\uff0d2", "\uff20SUM(A1)"]
    ExportTable("t", "t", pd.DataFrame({"x": cells}))
    out = [neutralise(c) for c in cells]
    ok = all(o.startswith("'") for o in out)
    return f"{'neutraliserade' if ok else 'EJ neutraliserade'}: {', '.join(out)}"


def _make(key: str, d: Path) -> Callable[[], str]:
    if (op := _make28(key, d)) is not None:
        return op
    if key == "header500k":
        p = H.wide_header_csv(d, 500_000)
        return lambda: _import(p)
    if key == "header40k":
        p = H.wide_header_csv(d, 40_000, rows=5_000)
        return lambda: _import(p)
    if key == "xfd":
        p = H.xfd_xlsx(d, 20_000)
        return lambda: _import(p)
    if key.startswith("units"):
        p = H.distinct_units_csv(d, int(key[5:-1]) * 1000)
        return lambda: _import(p, as_of="2023-01")
    if key == "bomb":
        p = H.alias_bomb_yaml(d)
        return lambda: _scenario(p)
    if key == "assumptions3k":
        p = H.many_assumptions_yaml(d, 3_000)
        return lambda: _scenario(p)
    if key == "draws":
        p = H.scenario_yaml(d, "lon", "type: lon\npct: 3")
        return lambda: _cli(["scenario", "run", str(p), "--out", str(d / "s.xlsx"),
                             "--draws", "300000000"])
    if key == "paths":
        return lambda: _cli(["prognos", "--as-of", "2023-04", "--out", str(d / "p.xlsx"),
                             "--paths", "100000"])
    if key == "noasof":
        p = H.missing_as_of_csv(d)
        return lambda: _import(p)
    if key == "category":
        p = H.scenario_yaml(d, "pris", "type: pris\npct_per_year: 3\ncategories: [Läkemedl]")
        return lambda: _cli(["scenario", "run", str(p), "--out", str(d / "s.xlsx")])
    if key == "nan":
        ps = [H.scenario_yaml(d, f"v{i}", f"type: lon\npct: {v}")
              for i, v in enumerate((".nan", ".inf", "1e300"))]
        return lambda: " | ".join(_scenario(p) for p in ps)
    if key == "inhyrd":
        p = H.unsplit_agency_csv(d)
        return lambda: _import(p) + " || kontoplan utan kontot 'Inhyrd personal': " + _split(p)
    if key == "sheet2":
        p = H.second_sheet_xlsx(d, summary_named_huvudbok=True)
        return lambda: _import(p) + " || med --blad Data: " + _import(p, sheet="Data")
    if key == "utf16":
        p = H.utf16_no_bom_csv(d)
        return lambda: _import(p)
    if key == "macro":
        p = H.macro_sheet_xlsx(d)
        return lambda: _import(p)
    if key == "fullwidth":
        return lambda: _fullwidth(d)
    raise KeyError(key)


def child(key: str) -> None:
    """Run one row (files made first, untimed) and print a JSON line.

    With ``BENCH_CODE_ROOT`` set, the product's code is imported from that checkout (the
    "before" column: a ``git worktree`` of main), the hostile files still from this one.
    """
    os.environ.pop("BUDGETPROGNOS_RAISE", None)
    if code_root := os.environ.get("BENCH_CODE_ROOT"):
        sys.path.insert(0, code_root)
    with tempfile.TemporaryDirectory() as tmp:
        op = _make(key, Path(tmp))
        _warm_up()
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            outcome = op()
        except BaseException as exc:  # reported as the row's outcome
            outcome = f"FEL {type(exc).__name__}: {exc}"[:300]
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"op_s": secs, "op_cpu_s": cpu, "outcome": outcome}))


# --- the parent: one child per row, rusage of that child ------------------------------------


BEFORE_TIMEOUT_S, BEFORE_MEM_MB = 90.0, 3000
"""The "before" runs are capped (address space and time) so the old code cannot take the
shared machine; a capped run shows as killed."""


def _cap() -> None:
    limit = BEFORE_MEM_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def measure(key: str, code_root: str | None = None) -> dict[str, object]:
    """Run row ``key`` in a child; its own peak RSS from ``os.wait4`` (not the max so far).

    ``code_root``: run the product code of that checkout (the "before" column).
    """
    t0 = time.perf_counter()
    extra = {"BENCH_CODE_ROOT": code_root} if code_root else {}
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, __file__, "--child", key],
                                stdout=subprocess.PIPE, stderr=err, text=True,
                                preexec_fn=_cap if code_root else None,
                                env={**os.environ, "PYTHONPATH": str(ROOT), **extra})
        assert proc.stdout is not None
        timer = threading.Timer(BEFORE_TIMEOUT_S, proc.kill) if code_root else None
        if timer is not None:
            timer.start()
        out = proc.stdout.read()
        if timer is not None:
            timer.cancel()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        err_text = err.read()
    wall = time.perf_counter() - t0
    try:
        res = json.loads(out.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        res = {"op_s": float("nan"), "op_cpu_s": float("nan"),
               "outcome": f"BARNPROCESSEN DOG: {err_text[-300:]}"}
    return {"key": key, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, **res}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--before", metavar="DIR",
                    help="also run each row on the code of DIR (a git worktree of main), "
                         f"capped at {BEFORE_MEM_MB} MB and {BEFORE_TIMEOUT_S:.0f} s")
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return 0
    keys = args.only or list(ROWS)
    load = os.getloadavg()
    print(f"Maskin: {os.cpu_count()} kärnor, belastning (1/5/15 min) "
          f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} vid start; mål < {GOAL_S:.0f} s "
          f"(op s) och < {GOAL_MB:.0f} MB per rad\n")
    print(f"{'rad':<48} {'op s':>6} {'op cpu':>6} {'wall s':>7} {'cpu s':>6} {'topp MB':>8}  "
          "mål  utfall  [före: issue]")
    worst_ok = True
    for key in keys:
        title, before = ROWS[key]
        runs = [("", measure(key))]
        if args.before:
            runs.insert(0, ("före: ", measure(key, args.before)))
        for label, r in runs:
            ok = float(r["op_s"]) < GOAL_S and float(r["peak_mb"]) < GOAL_MB  # type: ignore[arg-type]
            if not label:
                worst_ok &= ok
            print(f"{(label + title)[:48]:<48} {r['op_s']:>6.2f} {r['op_cpu_s']:>6.2f} "
                  f"{r['wall_s']:>7.2f} {r['cpu_s']:>6.2f} {r['peak_mb']:>8.0f}  "
                  f"{'ja ' if ok else 'NEJ'}  {r['outcome']}"
                  + ("" if args.before else f"  [före: {before}]"), flush=True)
    load = os.getloadavg()
    print(f"\nAlla rader inom {GOAL_S:.0f} s och {GOAL_MB:.0f} MB: {'ja' if worst_ok else 'NEJ'}"
          f" (belastning vid slut {load[0]:.1f})")
    return 0 if worst_ok else 1


if __name__ == "__main__":
    sys.exit(main())
