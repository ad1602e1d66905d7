"""``budgetprognos backtest``: the year-end accuracy protocol as a console command.

Examples::

    budgetprognos backtest --bench m3_monthly.csv.gz --out m3.csv
    budgetprognos backtest --sample 300 --seed 0 --methods combo,ets --out m3_sample.csv
    budgetprognos backtest --out region.csv          # the embedded example region
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import CliError, check_range, load_dataset
from cli.dataset_args import add_dataset_arguments
from forecast.io.limits import MAX_PATHS, MAX_SEED, MIN_PATHS, fmt_int

if TYPE_CHECKING:
    import pandas as pd

MAX_BACKTEST_WORKERS = 32
"""Worker processes the backtest may start (the machine's cores are the useful maximum)."""

NET_COST_ID = "Regionen|nettokostnad"


def default_methods() -> tuple[str, ...]:
    """The methods run without ``--methods``: ``combo`` and the four reference methods."""
    from forecast.methods import REFERENCE_METHODS

    return ("combo", *REFERENCE_METHODS)


def ledger_panel(ledger: pd.DataFrame) -> pd.DataFrame:
    """Benchmark panel of a ledger: every bottom series' outcome plus the net cost total."""
    import pandas as pd

    from forecast.ledger import schema as S

    nx = S.to_nixtla(ledger, S.UTFALL)
    total = nx.groupby(S.DS, as_index=False)[S.Y].sum()
    total[S.UID] = NET_COST_ID
    nx = pd.concat([nx, total[[S.UID, S.DS, S.Y]]], ignore_index=True)
    frames = []
    for uid, g in nx.groupby(S.UID, sort=True):
        g = g.sort_values(S.DS)
        months = pd.period_range(g[S.DS].min(), g[S.DS].max(), freq="M")
        vals = g.set_index(g[S.DS].dt.to_period("M"))[S.Y].reindex(months, fill_value=0.0)
        frames.append(pd.DataFrame({
            "series_id": uid,
            "start": str(months[0]),
            "t": range(len(months)),
            "value": vals.to_numpy(float),
        }))
    return pd.concat(frames, ignore_index=True)


HELP = "mät årsprognosens träffsäkerhet (april- och augustiprognos mot årsutfall)"
DESCRIPTION = "Årsprognosprotokollet: fel i årsutfallet efter april och augusti."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``backtest`` command's arguments (registered by :mod:`cli.main`)."""
    p.add_argument("--bench", type=Path, default=None,
                   help="panel (CSV/CSV.gz: series_id,start,t,value); utan: exempelregionen")
    p.add_argument("--sample", type=int, default=None, help="antal slumpvis valda serier")
    p.add_argument("--split", choices=("dev", "confirm"), default=None,
                   help="bara utvecklings- eller bekräftelseurvalet av --bench (delat per "
                        "serie och kategori)")
    p.add_argument("--split-seed", type=int, default=None,
                   help="slumpfrö för delningen (standard 15; den första regelns var 14)")
    p.add_argument("--seed", type=int, default=0, help="slumpfrö för urval och banor")
    p.add_argument("--methods", default=None,
                   help="kommaseparerade metodnamn (standard: combo och de fyra "
                        "referensmetoderna)")
    p.add_argument("--paths", type=int, default=None, metavar="N",
                   help=f"simulerade banor per fall, {fmt_int(MIN_PATHS)}–{fmt_int(MAX_PATHS)} "
                        "(standard: protokollets antal)")
    p.add_argument("--workers", type=int, default=2, help="processer")
    p.add_argument("--cases-out", type=Path, default=None,
                   help="skriv även alla fall med alla kolumner (CSV) hit")
    p.add_argument("--per-case", type=Path, default=None,
                   help="skriv ett fall per rad (serie, år, brytmånad, metod, prognos, "
                        "utfall, P10, P90) som CSV hit")
    p.add_argument("--out", type=Path, required=True, help="resultat-CSV")
    add_dataset_arguments(p)


def _check_args(args: argparse.Namespace) -> None:
    """Fill the protocol's defaults, bound every size flag and check the names before any work.

    Raises:
        CliError: a flag outside its range, an unknown method or a missing bench file.
    """
    from forecast.evaluation.backtest import N_PATHS, VARIANTS
    from forecast.methods import REGISTRY

    if args.paths is None:
        args.paths = N_PATHS
    if args.methods is None:
        args.methods = ",".join(default_methods())
    check_range("--paths", args.paths, MIN_PATHS, MAX_PATHS)
    check_range("--workers", args.workers, 1, MAX_BACKTEST_WORKERS)
    check_range("--seed", args.seed, 0, MAX_SEED)
    if args.sample is not None:
        check_range("--sample", args.sample, 1, 1_000_000)
    known = sorted({*REGISTRY, *VARIANTS, "choice"})
    unknown = [m.strip() for m in args.methods.split(",") if m.strip()
               and m.strip() not in known]
    if unknown:
        raise CliError(f"okänd metod {', '.join(unknown)}; kända: {', '.join(known)}")
    if args.bench is not None and not args.bench.is_file():
        raise CliError(f"filen {str(args.bench)!r} finns inte")
    if args.bench is not None and getattr(args, "data", None):
        raise CliError("ange antingen --bench eller --data, inte båda")
    if args.split is not None and args.bench is None:
        raise CliError("--split kräver --bench (en panel med kolumnen category)")
    if args.split_seed is not None:
        check_range("--split-seed", args.split_seed, 0, MAX_SEED)


def run(args: argparse.Namespace) -> int:
    """Run the backtest and write one row per cut-off and method."""
    warnings.filterwarnings("ignore")
    _check_args(args)
    import pandas as pd

    from forecast.evaluation.backtest import (
        CUTOFFS,
        RESULT_COLUMNS,
        aggregate,
        per_case_table,
        read_bench,
        run_backtest,
    )
    from forecast.evaluation.samples import SPLIT_SEED, bench_split

    if args.bench is not None:
        panel = read_bench(args.bench)
        if args.split is not None:
            try:
                dev, conf = bench_split(str(args.bench), args.split_seed
                                        if args.split_seed is not None else SPLIT_SEED)
            except ValueError as exc:
                print(f"{args.bench}: kan inte dela urvalet ({exc}); filen behöver "
                      "kolumnerna series_id, category och start", file=sys.stderr)
                return 2
            panel = panel.loc[panel["series_id"].isin(dev if args.split == "dev" else conf)]
    else:
        panel = ledger_panel(load_dataset(args, None).ledger)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    t0 = time.perf_counter()
    cases = run_backtest(panel, methods, cutoffs=CUTOFFS, n_paths=args.paths,
                         sample=args.sample, seed=args.seed, workers=args.workers)
    if cases.empty:
        print("Inga fall: ingen serie har tre års historik före ett helt år.", file=sys.stderr)
        pd.DataFrame(columns=list(RESULT_COLUMNS)).to_csv(args.out, index=False)
        return 1
    table = aggregate(cases, workers=args.workers, n_paths=args.paths)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, float_format="%.4f")
    if args.cases_out is not None:
        cases.to_csv(args.cases_out, index=False)
    if args.per_case is not None:
        args.per_case.parent.mkdir(parents=True, exist_ok=True)
        per_case_table(cases).to_csv(args.per_case, index=False)
    with pd.option_context("display.width", 200):
        print(table.round(2).to_string(index=False))
    print(f"{args.paths} banor per fall; {len(cases)} fall-metod-rader på "
          f"{time.perf_counter() - t0:.0f} s → {args.out}")
    return 0
