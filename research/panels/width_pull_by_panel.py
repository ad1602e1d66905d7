"""How strong a width pull each panel wants (session 10; exploration, no rule, a script).

On ``combo``'s ``--per-case`` files of several panels, an extra pull toward the panel's
median width, (w / m)^(q − 1) on today's ranges (today's rule has p = 0.9, so the effective
power is 0.9 · q; the median case is unchanged), and the P10–P90 coverage overall and by
width quarter per cut-off. Nothing is chosen: the figures say which panels want which pull.

Usage::

    .venv/bin/python -m research.panels.width_pull_by_panel \\
        --panel "M3 utveckling" /tmp/dev_cases.csv \\
        --panel sjukhus /tmp/hosp/cases.csv --panel turism /tmp/tour/cases.csv
"""

from __future__ import annotations

import argparse

import pandas as pd

from research.m3.m3_width_shrink import rescaled, shrink_factor

EXTRA = (1.0, 0.9, 0.8, 0.7)
TODAY = 0.9


def quarters(c: pd.DataFrame, q: float) -> list[dict]:
    lo, hi = rescaled(c, shrink_factor(c, q), {4: 1.0, 8: 1.0})
    inside = (c["actual"] >= lo) & (c["actual"] <= hi)
    w = (c["p90"] - c["p10"]) / c["forecast"].abs()
    quarter = c.assign(w=w).groupby("cutoff")["w"].transform(
        lambda x: pd.qcut(x, 4, labels=False))
    rows = []
    for n, g in c.assign(inside=inside, quarter=quarter).groupby("cutoff"):
        by_q = 100 * g.groupby("quarter")["inside"].mean()
        rows.append({"p": f"{TODAY * q:.2f}", "brytmånad": n, "alla": 100 * g["inside"].mean(),
                     **{f"kvartil {k + 1}": v for k, v in by_q.items()}})
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--panel", nargs=2, action="append", required=True, metavar=("NAMN", "FIL"))
    a = p.parse_args(argv)
    out = []
    for name, f in a.panel:
        c = pd.read_csv(f, dtype={"series_id": str})
        c = c[c["method"] == "combo"].reset_index(drop=True)
        out += [{"panel": name, **r} for q in EXTRA for r in quarters(c, q)]
    with pd.option_context("display.width", 200):
        print(pd.DataFrame(out).round(1).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
