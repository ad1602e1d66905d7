"""How evenly can a range estimated from a few earlier errors cover by width quarter? (a script)

A simulation, not a measurement on data: every "series" has a true relative error sd σ (log-
normal across series), its year-end errors are drawn from a normal or a heavy-tailed
(Student t, 4 df, scaled to sd σ) distribution, and the range is built as ``combo``'s
``width="own"`` builds it: s = sqrt((r² + Σ e_k²)/(1 + K)) from K earlier errors and a prior
spread r (σ times a lognormal factor: a model's own spread is an imperfect guide), then
P10/P90 = ± z·c·s with c set so that coverage is 80 % overall. Coverage is then read by
quarter of the range width, as in ``research/m3/m3_per_case_report.py``. With the true σ known
(K → ∞) every quarter would cover 80 %; this shows what a handful of years allows, and
what pulling each width toward the panel's median (``power`` < 1) does to it.

Usage::

    .venv/bin/python -m research.m3.width_quarter_sim
"""

from __future__ import annotations

import numpy as np
from scipy import stats

Z80 = stats.norm.ppf(0.9)


def draw(rng: np.random.Generator, sigma: np.ndarray, size: tuple[int, ...],
         heavy: bool) -> np.ndarray:
    """Errors with sd ``sigma`` per row: normal, or Student t (4 df) scaled to that sd."""
    if heavy:
        return rng.standard_t(4, size=size) / np.sqrt(2.0) * sigma[:, None]
    return rng.normal(size=size) * sigma[:, None]


def quarters(n: int, k: int, prior_noise: float, heavy: bool, seed: int = 0,
             power: float = 1.0) -> list[float]:
    """Coverage % by width quarter (narrowest first) with c fitted to 80 % overall.

    ``power`` < 1: the scale is pulled toward the panel's median, s^p · median(s)^(1 − p)
    (``combo``'s panel width rule).
    """
    rng = np.random.default_rng(seed)
    sigma = np.exp(rng.normal(np.log(0.05), 0.6, n))
    past = draw(rng, sigma, (n, k), heavy)
    now = draw(rng, sigma, (n, 1), heavy)[:, 0]
    r = sigma * np.exp(rng.normal(0.0, prior_noise, n))
    s = np.sqrt((r**2 + (past**2).sum(axis=1)) / (1 + k))
    s = s**power * np.median(s) ** (1.0 - power)
    ratio = np.abs(now) / (Z80 * s)
    c = np.quantile(ratio, 0.8)  # overall 80 %
    covered = ratio <= c
    edges = np.quantile(s, [0.25, 0.5, 0.75])
    q = np.digitize(s, edges)
    return [100 * float(covered[q == i].mean()) for i in range(4)]


def main() -> int:
    n = 200_000
    print("Täckning % per breddkvartil (smalast först), c satt till 80 % totalt; "
          f"{n} simulerade serier")
    print(f"{'fel':8s} {'K':>3s} {'brus i r':>9s}   Q1    Q2    Q3    Q4   värsta |täckning − 80|")
    for heavy in (False, True):
        for k in (3, 5, 10, 30):
            for noise in (0.3, 0.6):
                cov = quarters(n, k, noise, heavy)
                worst = max(abs(x - 80) for x in cov)
                print(f"{'t(4)' if heavy else 'normal':8s} {k:3d} {noise:9.1f}  "
                      + "  ".join(f"{x:4.1f}" for x in cov) + f"   {worst:4.1f}")
    print("\nMed skalan dragen mot panelens median, s^p · median(s)^(1 − p); K = 5")
    print(f"{'fel':8s} {'p':>4s} {'brus i r':>9s}   Q1    Q2    Q3    Q4   värsta |täckning − 80|")
    for heavy in (False, True):
        for power in (1.0, 0.9, 0.8, 0.7):
            for noise in (0.3, 0.6):
                cov = quarters(n, 5, noise, heavy, power=power)
                worst = max(abs(x - 80) for x in cov)
                print(f"{'t(4)' if heavy else 'normal':8s} {power:4.1f} {noise:9.1f}  "
                      + "  ".join(f"{x:4.1f}" for x in cov) + f"   {worst:4.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
