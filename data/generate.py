"""Generate the embedded example data set: the fictional region *Exempelregionen*.

The data is synthetic. Each unit × account series is built as
level × seasonality × trend × events × noise, and then rescaled per (division, account) so that
the January–April sums of 2022 and 2023 (outcome) and of the 2023 budget equal figures
calibrated against the published report of seed 001 (Region Jämtland Härjedalen, HSN per April
2023; see ``data/README.md``). The division × account targets come from iterative proportional
fitting of a plausible prior onto the published category totals and division totals.

Usage::

    python data/generate.py [--out DIR]

Re-running writes byte-identical files (fixed seed, fixed formatting, stable order, LF).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20230430
OUT_DIR = Path(__file__).resolve().parent

FIRST = pd.Period("2016-01", freq="M")
LAST_BUDGET = pd.Period("2023-12", freq="M")
LAST_OUTCOME = pd.Period("2023-04", freq="M")
MONTHS = pd.period_range(FIRST, LAST_BUDGET, freq="M")
NT = len(MONTHS)
T_OUT = (LAST_OUTCOME - FIRST).n + 1  # number of outcome months
YEARS = list(range(2016, 2024))
MONTH_NO = np.array([p.month for p in MONTHS])
YEAR_NO = np.array([p.year for p in MONTHS])
T_YEARS = np.arange(NT) / 12.0

DIVISIONS = ("Kirurgi", "Medicin", "Nära vård", "Stab")

# ---------------------------------------------------------------- accounts
PA, FS, EB, OI = "Patientavgifter", "Försäljning", "Erhållna bidrag", "Övriga intäkter"
PK, KR, KV, VT = ("Personalkostnader", "Köpt riks- och regionvård", "Köp av verksamhet",
                  "Verksamhetsanknutna tjänster")
IL, IS, IO = ("Inhyrd personal läkare", "Inhyrd personal sjuksköterskor",
              "Inhyrd personal övriga")
LM, SA, LB = "Läkemedel", "Sjukvårdsartiklar, övrigt material och varor", "Lämnade bidrag"
FK, KK, OK, AV = ("Fastighetskostnader", "Konsultkostnader", "Övriga kostnader",
                  "Avskrivningar/finansnetto")
ACCOUNTS = (PA, FS, EB, OI, PK, KR, KV, VT, IL, IS, IO, LM, SA, LB, FK, KK, OK, AV)
REVENUE = (PA, FS, EB, OI)
AGENCY = (IL, IS, IO)
AGENCY_CATEGORY = {IL: "läkare", IS: "sjuksköterskor", IO: "övriga"}
SIGN = {a: (1.0 if a in REVENUE else -1.0) for a in ACCOUNTS}
AIX = {a: i for i, a in enumerate(ACCOUNTS)}

# ---------------------------------------------------------------- calibration targets
# Seed 001, January–April, tkr, signed (rjh_2023_jan_apr_kostnadsslag.csv):
# account: (outcome 2023, budget 2023, outcome 2022)
CATEGORY_TARGETS: dict[str, tuple[float, float, float]] = {
    PA: (38106, 45005, 35602),
    FS: (210652, 180573, 194496),
    EB: (292175, 253458, 293087),
    OI: (7510, 13404, 5462),
    PK: (-834911, -762064, -771121),
    KR: (-159339, -145826, -155298),
    KV: (-3153, 727, -5072),
    VT: (-158652, -145327, -140796),
    "Inhyrd personal": (-106185, -38318, -56977),
    LM: (-196813, -175017, -180881),
    SA: (-87208, -85549, -83908),
    LB: (-967, -667, -1539),
    FK: (-20077, -18448, -18347),
    KK: (-5913, -5602, -5591),
    OK: (-71303, -69395, -68315),
    AV: (-15384, -15808, -14724),
}
WINDOWS = ("out23", "bud23", "out22")
# Division figures of seed 001 (mkr, Jan–Apr): revenue and gross cost, per window, and the
# annual 2023 budget. Rounded in the report; rescaled below to the category totals.
DIVISION_REVENUE = {"out23": (37, 122, 365, 25), "bud23": (31, 105, 348, 9),
                    "out22": (33, 107, 337, 51)}
DIVISION_GROSS = {"out23": (-448, -517, -604, -92), "bud23": (-390, -460, -528, -83),
                  "out22": (-391, -473, -542, -97)}
ANNUAL_BUDGET_2023 = {"revenue": (82e3, 316e3, 992e3, 27e3),
                      "gross": (-1153e3, -1367e3, -1543e3, -249e3)}

# Fixed division allocation (tkr, Jan–Apr) of agency staff and the two tiny categories.
# Agency per category from seed 001's table (läkare −54/−40/−35 mkr, sjuksköterskor −50/−17/−12,
# övriga −2/0/0; primärvård doctors −22/−15/−15 mkr sit in Nära vård).
FIXED: dict[str, dict[str, tuple[float, float, float, float]]] = {
    IL: {"out23": (-16600, -13500, -24000, 0), "bud23": (-7500, -6500, -10000, 0),
         "out22": (-13000, -11000, -16200, 0), "out21": (-10500, -9000, -15400, 0)},
    IS: {"out23": (-17900, -22000, -10000, 0), "bud23": (-5000, -5500, -2500, 0),
         "out22": (-6100, -7000, -3500, 0), "out21": (-4500, -5300, -2500, 0)},
    IO: {"out23": (-600, -900, -685, 0), "bud23": (-400, -500, -418, 0),
         "out22": (-60, -67, -50, 0), "out21": (-50, -50, -50, 0)},
    KV: {"out23": (-900, 0, -2253, 0), "bud23": (-400, 0, 1127, 0),
         "out22": (-1500, 0, -3572, 0)},
    LB: {"out23": (0, 0, -367, -600), "bud23": (0, 0, -217, -450),
         "out22": (0, 0, -539, -1000)},
}
# Agency FTE, average over January–April (seed 001: 2022 41/42/0, 2023 52/89/4).
FTE_TARGETS = {"läkare": {2022: 41.0, 2023: 52.0}, "sjuksköterskor": {2022: 42.0, 2023: 89.0},
               "övriga": {2022: 0.3, 2023: 4.0}}

# Prior division split (tkr, Jan–Apr scale) fitted by IPF onto the margins above.
PRIOR: dict[str, tuple[float, float, float, float]] = {
    PA: (9000, 9000, 20000, 0), FS: (15000, 70000, 120000, 5000),
    EB: (10000, 40000, 225000, 17000), OI: (2000, 2000, 3000, 500),
    PK: (250000, 240000, 300000, 45000), KR: (60000, 55000, 44000, 0),
    VT: (55000, 45000, 50000, 8600), LM: (20000, 105000, 65000, 6800),
    SA: (40000, 22000, 22000, 3200), FK: (5000, 5000, 9000, 1000),
    KK: (1000, 1000, 1500, 2500), OK: (15000, 17000, 27000, 12300),
    AV: (5000, 4000, 4000, 2400),
}
PRIOR_OVERRIDE = {("out22", EB): (10000, 40000, 225000, 45000),
                  ("bud23", EB): (10000, 40000, 225000, 4000)}

# ---------------------------------------------------------------- organisation
# (code, name, division, type, size)
UNITS: tuple[tuple[str, str, str, str, float], ...] = (
    ("K101", "Kirurgi Östersund", "Kirurgi", "klinik", 1.2),
    ("K102", "Ortopedi Östersund", "Kirurgi", "klinik", 1.1),
    ("K103", "Urologi Östersund", "Kirurgi", "klinik", 0.5),
    ("K104", "Operation Östersund", "Kirurgi", "klinik", 1.4),
    ("K105", "Anestesi och intensivvård", "Kirurgi", "klinik", 0.6),
    ("K106", "Ögonsjukvård", "Kirurgi", "klinik", 0.6),
    ("K107", "Öron-näsa-hals och hörsel", "Kirurgi", "klinik", 0.5),
    ("K108", "Kvinnosjukvård och förlossning", "Kirurgi", "klinik", 0.9),
    ("K109", "Sterilteknik", "Kirurgi", "service", 0.3),
    ("K110", "Ambulanssjukvård och ambulanshelikopter", "Kirurgi", "ambulans", 0.9),
    ("M201", "Akutmottagning", "Medicin", "klinik", 0.9),
    ("M202", "Internmedicin Östersund", "Medicin", "klinik", 1.3),
    ("M203", "Kardiologi", "Medicin", "klinik", 0.7),
    ("M204", "Infektion", "Medicin", "klinik", 0.5),
    ("M205", "Onkologi och hematologi", "Medicin", "klinik", 0.8),
    ("M206", "Njurmedicin och dialys", "Medicin", "klinik", 0.5),
    ("M207", "Barn- och ungdomsmedicin", "Medicin", "klinik", 0.6),
    ("M208", "Neurologi och rehabiliteringsmedicin", "Medicin", "klinik", 0.6),
    ("M209", "Geriatrik", "Medicin", "klinik", 0.5),
    ("M210", "Hud- och könsmottagning", "Medicin", "klinik", 0.3),
    ("N301", "Hälsocentral Strömsund", "Nära vård", "hc", 0.6),
    ("N302", "Hälsocentral Krokom", "Nära vård", "hc", 0.5),
    ("N303", "Hälsocentral Brunflo", "Nära vård", "hc", 0.4),
    ("N304", "Hälsocentral Hammarstrand", "Nära vård", "hc", 0.3),
    ("N305", "Hälsocentral Järpen", "Nära vård", "hc", 0.45),
    ("N306", "Hälsocentral Sveg", "Nära vård", "hc", 0.5),
    ("N307", "Hälsocentral Funäsdalen", "Nära vård", "hc", 0.3),
    ("N308", "Hälsocentral Lit", "Nära vård", "hc", 0.3),
    ("N309", "Hälsocentral Z-gränd", "Nära vård", "hc", 0.6),
    ("N310", "Hälsocentral Lugnvik", "Nära vård", "hc", 0.5),
    ("N311", "Hälsocentral Bräcke", "Nära vård", "hc", 0.3),
    ("N312", "Hälsocentral Åre", "Nära vård", "hc", 0.35),
    ("N313", "Vuxenpsykiatri", "Nära vård", "psyk", 1.3),
    ("N314", "Barn- och ungdomspsykiatri", "Nära vård", "psyk", 0.6),
    ("N315", "Rehabilitering och habilitering", "Nära vård", "psyk", 0.6),
    ("N316", "Ungdoms- och barnmorskemottagning", "Nära vård", "hc", 0.25),
    ("S401", "Hälso- och sjukvårdsdirektörens stab", "Stab", "stab", 1.0),
    ("S402", "Patientsäkerhet", "Stab", "stab", 0.4),
    ("S403", "Smittskydd och vårdhygien", "Stab", "stab", 0.4),
    ("S404", "Verksamhetsstöd och IT", "Stab", "stab", 0.6),
)
UNIT_IDS = tuple(u[0] for u in UNITS)
UIX = {u: i for i, u in enumerate(UNIT_IDS)}
NU = len(UNITS)
NA = len(ACCOUNTS)

# Relative weight of each account in a unit of each type (0 = the unit has no such account).
_PROFILE_ORDER = (PA, FS, EB, OI, PK, KR, KV, VT, IL, IS, IO, LM, SA, LB, FK, KK, OK, AV)
PROFILES: dict[str, tuple[float, ...]] = {
    "klinik":   (1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1),
    "service":  (0, .5, 0, 1, 1, 0, 0, .3, 0, 0, 0, 0, 2, 0, 1, 0, 1, 2),
    "ambulans": (.5, 1, .3, 1, 1, 0, 0, 3, 0, .5, 0, .2, .8, 0, 1, .3, 1.5, 2),
    "hc":       (1, .3, 1, 0, 1, 0, 0, 1, 1, .6, 0, 1, 1, 0, 1, 0, 1, 0),
    "psyk":     (.6, .5, 1, .5, 1, 0, 0, .6, .3, .8, 0, 1, 0, 0, 1, 0, 1, .5),
    "stab":     (0, .5, 1, 1, 1, 0, 0, .8, 0, 0, 0, 0, 0, 0, .5, 1, 1, 1),
}
# Per-unit multipliers on the profile (adds or removes accounts, shapes the split).
OVERRIDES: dict[str, dict[str, float]] = {
    "K101": {KR: 1.5, OI: 1.0},
    "K103": {AV: 0},
    "K104": {PA: .1, IS: 2.5, SA: 3.0, IL: .5, OI: .5, KK: .5},
    "K105": {PA: .1, IS: 2.0, IL: .3},
    "K106": {KV: 1.0, IS: .3, AV: 0},
    "K107": {IO: 1.0, IS: .3, AV: 0},
    "K108": {IS: 1.5, EB: .5},
    "M201": {IL: 1.5, IS: 1.5, PA: 1.5, OI: .5},
    "M202": {IS: 2.0, OI: 1.0, KK: .5},
    "M203": {AV: 0},
    "M204": {AV: 0},
    "M205": {LM: 6.0, KR: 1.5, EB: .5},
    "M206": {LM: 2.0, SA: 2.0, AV: 0},
    "M207": {EB: .5, AV: 0},
    "M208": {IO: 1.0, AV: 0},
    "M209": {AV: 0},
    "M210": {IS: 0, IL: 0, AV: 0},
    "N301": {AV: 1.0},
    "N302": {FK: 0},
    "N303": {FK: 0, FS: 0},
    "N304": {FK: 0, FS: 0},
    "N305": {FK: 0},
    "N307": {IS: 2.0, FK: 0},
    "N308": {FK: 0, FS: 0},
    "N309": {AV: 1.0, OI: .5},
    "N310": {FK: 0, FS: 0},
    "N311": {FK: 0, FS: 0},
    "N312": {IS: 2.0, FK: 0},
    "N313": {IL: .5, KR: 1.0, IO: 1.0, SA: .3, KK: .5},
    "N314": {IL: .3, KR: .5, FK: 0, OI: 0},
    "N315": {KV: 1.0, IO: 1.0, IL: 0, FK: 0, OI: 0},
    "N316": {LB: 1.0, IL: 0, IS: 0, FS: 0},
    "S401": {LB: 1.0, EB: .5},
    "S402": {FK: 0},
    "S403": {LM: 1.0, EB: 2.0, VT: 1.5, SA: 1.0},
    "S404": {KK: 2.0, AV: 2.0},
}
TOURIST_UNITS = ("N307", "N312")  # winter and summer peaks in patient fees

# ---------------------------------------------------------------- seasonality, trend, noise
_SEASON: dict[str, tuple[float, ...]] = {
    PA: (1.00, 1.05, 1.10, 1.00, 1.02, 0.95, 0.70, 0.90, 1.05, 1.10, 1.08, 0.85),
    FS: (0.95, 0.98, 1.02, 1.00, 1.00, 1.00, 0.85, 0.95, 1.02, 1.05, 1.03, 1.15),
    EB: (0.95, 0.95, 1.00, 1.00, 1.00, 1.10, 0.90, 0.90, 1.00, 1.00, 1.00, 1.20),
    OI: (0.90, 1.00, 1.00, 1.00, 1.00, 1.00, 0.80, 0.90, 1.00, 1.00, 1.00, 1.30),
    PK: (1.00, 0.95, 1.01, 0.98, 1.00, 1.07, 0.80, 0.97, 1.00, 1.02, 1.00, 1.12),
    KR: (0.95, 1.00, 1.05, 1.00, 1.02, 0.98, 0.80, 0.92, 1.02, 1.05, 1.03, 1.18),
    KV: (0.95, 0.95, 1.00, 1.00, 1.00, 1.00, 0.90, 0.95, 1.00, 1.00, 1.00, 1.25),
    VT: (1.00, 0.97, 1.02, 0.98, 1.00, 0.98, 0.85, 0.95, 1.02, 1.03, 1.02, 1.18),
    IL: (0.90, 0.90, 0.95, 0.95, 1.00, 1.20, 1.45, 1.25, 0.95, 0.90, 0.90, 0.95),
    IS: (0.85, 0.85, 0.90, 0.95, 1.00, 1.25, 1.60, 1.30, 0.95, 0.85, 0.85, 0.90),
    IO: (0.90, 0.90, 0.95, 0.95, 1.00, 1.20, 1.40, 1.20, 0.95, 0.90, 0.90, 0.95),
    LM: (1.00, 0.95, 1.03, 0.98, 1.00, 1.00, 0.92, 0.97, 1.00, 1.03, 1.02, 1.10),
    SA: (0.98, 0.97, 1.03, 0.98, 1.00, 0.98, 0.82, 0.95, 1.03, 1.05, 1.02, 1.19),
    LB: (0.70, 0.70, 1.20, 0.80, 0.80, 1.20, 0.60, 0.80, 1.20, 0.90, 0.90, 2.20),
    FK: (1.05, 1.05, 1.00, 0.98, 0.95, 0.95, 0.90, 0.95, 0.98, 1.00, 1.05, 1.14),
    KK: (0.70, 0.90, 1.05, 1.00, 1.05, 1.00, 0.60, 0.80, 1.10, 1.15, 1.15, 1.50),
    OK: (0.95, 0.97, 1.03, 0.98, 1.00, 0.98, 0.80, 0.92, 1.02, 1.05, 1.05, 1.25),
    AV: (1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.05),
}
SEASON = {a: np.array(v) / np.mean(v) for a, v in _SEASON.items()}
GROWTH = {PA: .01, FS: .03, EB: .04, OI: .02, PK: .005, KR: .035, KV: 0.0, VT: .045,
          LM: .08, SA: .02, LB: 0.0, FK: .03, KK: .02, OK: .02, AV: .03}
NOISE = {PA: .06, FS: .08, EB: .10, OI: .25, PK: .02, KR: .12, KV: .30, VT: .07, IL: .15,
         IS: .18, IO: .25, LM: .07, SA: .08, LB: .30, FK: .06, KK: .35, OK: .10, AV: .03}
# Wage revision (löneöversyn), effective in April each year.
WAGE_REVISION = {2016: .022, 2017: .022, 2018: .023, 2019: .024, 2020: .020, 2021: .021,
                 2022: .024, 2023: .041}
# Drug cost growth per year.
DRUG_GROWTH = {2016: .05, 2017: .07, 2018: .06, 2019: .09, 2020: .08, 2021: .07, 2022: .10,
               2023: .11}
# Agency cost level by year (Jan–Apr, mkr) before calibration: falling to 2019, then rising.
AGENCY_PATH = {IL: (38, 36, 33, 31, 32, 35, 40, 54), IS: (10, 9, 8, 8, 10, 12, 17, 50),
               IO: (.3, .3, .2, .2, .2, .15, .18, 2.2)}


def _idx(period: str) -> int:
    return (pd.Period(period, freq="M") - FIRST).n


def _window(name: str) -> slice:
    year = {"out23": 2023, "bud23": 2023, "out22": 2022, "out21": 2021}[name]
    start = (year - 2016) * 12
    return slice(start, start + 4)


# ---------------------------------------------------------------- shapes
def _bump(spec: list[tuple[str, str, float]]) -> np.ndarray:
    """Relative additive effect over month ranges ``(first, last, size)``."""
    out = np.zeros(NT)
    for first, last, size in spec:
        out[_idx(first):_idx(last) + 1] += size
    return out


COVID: dict[str, np.ndarray] = {
    PK: _bump([("2020-03", "2022-02", .01), ("2020-04", "2020-06", .035),
               ("2020-11", "2021-02", .025), ("2021-12", "2022-02", .02)]),
    SA: _bump([("2020-03", "2020-06", .35), ("2020-07", "2020-12", .15),
               ("2021-01", "2021-12", .08), ("2022-01", "2022-02", .05)]),
    VT: _bump([("2020-04", "2020-05", .05), ("2020-06", "2021-06", .14),
               ("2021-07", "2021-11", .07), ("2021-12", "2022-02", .18),
               ("2022-03", "2022-03", .05)]),
    PA: _bump([("2020-03", "2020-03", -.15), ("2020-04", "2020-05", -.32),
               ("2020-06", "2020-06", -.15), ("2020-07", "2020-12", -.08),
               ("2021-01", "2021-06", -.05)]),
    FS: _bump([("2020-04", "2020-06", -.10)]),
    KR: _bump([("2020-04", "2020-06", -.20), ("2021-07", "2021-12", .08)]),
    EB: _bump([("2020-04", "2022-03", .12), ("2020-06", "2020-06", 1.2),
               ("2020-12", "2020-12", .9), ("2021-06", "2021-06", .6),
               ("2021-12", "2021-12", .8), ("2022-06", "2022-06", .5)]),
}


def _agency_level(account: str) -> np.ndarray:
    """Monthly level path through the Jan–Apr anchors, log-linear between them."""
    anchors_t = np.array([(y - 2016) * 12 + 1.5 for y in YEARS])
    vals = np.log(np.array(AGENCY_PATH[account], dtype=float))
    return np.exp(np.interp(np.arange(NT), anchors_t, vals))


def account_shape(account: str) -> np.ndarray:
    """Region-wide shape (level 1) of one account: trend × seasonality × events."""
    season = SEASON[account][MONTH_NO - 1]
    if account in AGENCY:
        return _agency_level(account) * season
    if account == PK:
        steps = np.ones(NT)
        for y, rate in WAGE_REVISION.items():
            steps[(YEAR_NO > y) | ((YEAR_NO == y) & (MONTH_NO >= 4))] *= 1 + rate
        trend = steps * (1 + GROWTH[PK]) ** T_YEARS
    elif account == LM:
        rates = np.array([DRUG_GROWTH[y] for y in YEAR_NO])
        trend = np.exp(np.cumsum(np.log1p(rates) / 12))
    else:
        trend = (1 + GROWTH[account]) ** T_YEARS
    return trend * season * (1 + COVID.get(account, np.zeros(NT)))


# ---------------------------------------------------------------- targets
def _ipf(prior: np.ndarray, rows: np.ndarray, cols: np.ndarray, n_iter: int = 500) -> np.ndarray:
    """Iterative proportional fitting of a non-negative matrix to row and column sums."""
    x = prior.astype(float).copy()
    for _ in range(n_iter):
        x *= (rows / np.where(x.sum(1) > 0, x.sum(1), 1))[:, None]
        x *= (cols / np.where(x.sum(0) > 0, x.sum(0), 1))[None, :]
    return x


def division_targets() -> dict[str, dict[str, np.ndarray]]:
    """Signed Jan–Apr targets per window → account → division (tkr)."""
    wi = {w: i for i, w in enumerate(WINDOWS)}
    out: dict[str, dict[str, np.ndarray]] = {}
    for w in WINDOWS:
        res: dict[str, np.ndarray] = {a: np.array(FIXED[a][w], dtype=float) for a in FIXED}
        for kind, accs, div in (("rev", REVENUE, DIVISION_REVENUE[w]),
                                ("cost", [a for a in ACCOUNTS if a not in REVENUE], None)):
            free = [a for a in accs if a not in FIXED]
            if kind == "rev":
                total = sum(CATEGORY_TARGETS[a][wi[w]] for a in REVENUE)
                d = np.array(div, dtype=float)
            else:
                cats = [c for c in CATEGORY_TARGETS if c not in REVENUE]
                total = -sum(CATEGORY_TARGETS[c][wi[w]] for c in cats)
                d = -np.array(DIVISION_GROSS[w], dtype=float)
            d = d / d.sum() * total
            # Fixed accounts are all costs; KV's positive budget is a credit lowering gross cost.
            fixed_mag = 0.0 if kind == "rev" else sum(SIGN[a] * res[a] for a in FIXED)
            cols = d - fixed_mag
            rows = np.array([abs(CATEGORY_TARGETS[a][wi[w]]) for a in free])
            prior = np.array([PRIOR_OVERRIDE.get((w, a), PRIOR[a]) for a in free], dtype=float)
            fit = _ipf(prior, rows, cols)
            for a, r in zip(free, fit, strict=True):
                res[a] = SIGN[a] * r
        out[w] = res
    out["out21"] = {a: np.array(FIXED[a]["out21"], dtype=float) for a in AGENCY}
    return out


# ---------------------------------------------------------------- generation
def _weights(rng: np.random.Generator) -> np.ndarray:
    """Static unit weights (NU × NA), zero where a unit lacks the account."""
    w = np.zeros((NU, NA))
    for i, (code, _, _, typ, size) in enumerate(UNITS):
        prof = dict(zip(_PROFILE_ORDER, PROFILES[typ], strict=True))
        prof.update({a: prof.get(a, 1.0) * m if prof.get(a, 0) else m
                     for a, m in OVERRIDES.get(code, {}).items()})
        for a, v in prof.items():
            w[i, AIX[a]] = v * size
    return w * rng.lognormal(0.0, 0.25, size=w.shape)


def _division_index() -> np.ndarray:
    return np.array([DIVISIONS.index(u[2]) for u in UNITS])


def _ramp_factor(anchors: list[tuple[slice, float]]) -> np.ndarray:
    """Factor over time: constant in each window, log-linear between, flat outside."""
    pts_t, pts_v = [], []
    for sl, r in anchors:
        pts_t += [sl.start, sl.stop - 1]
        pts_v += [np.log(r), np.log(r)]
    return np.exp(np.interp(np.arange(NT), pts_t, pts_v))


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Build the five tables of the example data set.

    Args:
        seed: Seed of the numpy Generator.

    Returns:
        Frames keyed by file name (``ledger.csv`` …), ready to write.
    """
    rng = np.random.default_rng(seed)
    targets = division_targets()
    div = _division_index()
    w0 = _weights(rng)
    tilt = rng.normal(0.0, 0.012, size=(NU, 1, 1))
    w = w0[:, :, None] * np.exp(tilt * T_YEARS[None, None, :])  # NU × NA × NT
    # Reorganisation 1 Sep 2019: anaesthesia moves from Operation (K104) to K105.
    reorg = _idx("2019-09")
    for a, share in ((PK, .30), (SA, .15), (IL, .5), (IS, .25)):
        moved = w[UIX["K104"], AIX[a], reorg:] * share
        w[UIX["K104"], AIX[a], reorg:] -= moved
        w[UIX["K105"], AIX[a], reorg:] += moved
    shapes = np.stack([account_shape(a) for a in ACCOUNTS])  # NA × NT
    x = w * shapes[None, :, :]
    for code in TOURIST_UNITS:
        x[UIX[code], AIX[PA], :] *= np.where(np.isin(MONTH_NO, (2, 3, 7)), 1.35, 0.95)
    sd = np.array([NOISE[a] for a in ACCOUNTS])[None, :, None]
    x *= rng.lognormal(-sd**2 / 2, sd, size=x.shape)
    # S403 Smittskydd: covid grants and test costs much larger than elsewhere.
    pandemic = np.zeros(NT)
    pandemic[_idx("2020-04"):_idx("2022-03") + 1] = 1.0
    x[UIX["S403"], AIX[EB], :] *= 1 + 3.0 * pandemic
    x[UIX["S403"], AIX[VT], :] *= 1 + 1.5 * pandemic
    measures, effects = _measures(rng)
    mag = _calibrate(x, w0, div, targets)
    # The reported savings, loosely, in the unit's own series; recalibrating afterwards spreads
    # the difference over the division, so the published totals still hold.
    for m in measures.itertuples():
        e = effects.loc[effects["measure_id"] == m.id]
        ui, ai = UIX[m.unit], AIX[m.account]
        for p, v in zip(e["period"], e["effect_tkr"], strict=True):
            t = _idx(p)
            mag[ui, ai, t] = max(0.3 * mag[ui, ai, t], mag[ui, ai, t] - v)
    outcome = _calibrate(mag, w0, div, targets) * np.array([SIGN[a] for a in ACCOUNTS])[
        None, :, None]
    _one_offs(outcome)
    outcome[:, :, T_OUT:] = 0.0
    budget = _budgets(outcome, w0, div, targets)
    ledger = _ledger_frame(outcome, budget, w0)
    return {
        "ledger.csv": ledger,
        "units.csv": pd.DataFrame([(u[0], u[1], u[2]) for u in UNITS],
                                  columns=["unit", "unit_name", "division"]),
        "agency_fte.csv": _agency_fte(outcome, w0, rng),
        "measures.csv": measures,
        "measure_effects.csv": effects,
    }


def _calibrate(x: np.ndarray, w0: np.ndarray, div: np.ndarray,
               targets: dict[str, dict[str, np.ndarray]]) -> np.ndarray:
    """Rescale each (division, account) of ``x`` (magnitudes) through its target windows."""
    out = np.zeros_like(x)
    for a in ACCOUNTS:
        ai = AIX[a]
        wins = ["out21", "out22", "out23"] if a in AGENCY else ["out22", "out23"]
        for d in range(len(DIVISIONS)):
            members = np.where((div == d) & (w0[:, ai] > 0))[0]
            tgt = [abs(targets[wn][a][d]) for wn in wins]
            if len(members) == 0:
                if any(t > 0 for t in tgt):
                    raise ValueError(f"no unit of {DIVISIONS[d]} has {a}")
                continue
            agg = x[members, ai, :].sum(0)
            anchors = [(_window(wn), t / agg[_window(wn)].sum()) for wn, t in
                       zip(wins, tgt, strict=True)]
            out[members, ai, :] = x[members, ai, :] * _ramp_factor(anchors)
    return out


def _one_offs(outcome: np.ndarray) -> None:
    """A few realistic oddities outside the calibration windows (in place, signed tkr)."""
    outcome[UIX["S404"], AIX[KK], _idx("2018-11")] -= 3500.0  # IT procurement
    outcome[UIX["K110"], AIX[OK], _idx("2019-12")] -= 4200.0  # ambulance vehicle write-off
    outcome[UIX["M205"], AIX[LM], _idx("2017-03")] *= 0.35  # drug rebate credited in March
    outcome[UIX["M202"], AIX[FS], _idx("2021-06")] *= 0.4  # invoicing to Norway reversed
    outcome[UIX["M202"], AIX[FS], _idx("2021-07")] *= 1.6  # … and re-invoiced


def _budget_keys() -> dict[str, np.ndarray]:
    """Smooth seasonal keys: damped outcome seasonality without December accruals; agency flat."""
    keys = {}
    for a in ACCOUNTS:
        base = np.ones(12) if a in AGENCY else 1 + 0.8 * (SEASON[a] - 1)
        base[11] = min(base[11], 1.0)
        keys[a] = base / base.sum()
    return keys


def _budget_2023(targets: dict[str, dict[str, np.ndarray]],
                 keys: dict[str, np.ndarray]) -> np.ndarray:
    """Division × account × month budget 2023: Jan–Apr as published, May–Dec to the annual frame."""
    out = np.zeros((len(DIVISIONS), NA, 12))
    for d in range(len(DIVISIONS)):
        for kind, accs in (("revenue", REVENUE),
                           ("gross", tuple(a for a in ACCOUNTS if a not in REVENUE))):
            for a in accs:
                key = _wage_key(keys[a], a, 2023)
                out[d, AIX[a]] = targets["bud23"][a][d] / key[:4].sum() * key
            ids = [AIX[a] for a in accs]
            first = out[d, ids, :4].sum()
            scale = (ANNUAL_BUDGET_2023[kind][d] - first) / out[d, ids, 4:].sum()
            out[d, ids, 4:] *= scale
    return out


def _budgets(outcome: np.ndarray, w0: np.ndarray, div: np.ndarray,
             targets: dict[str, dict[str, np.ndarray]]) -> np.ndarray:
    """Periodised budgets per unit, account and month (signed tkr).

    A year's budget is last year's outcome × planned growth (agency: half of it; grants without
    their one-off spikes), times a factor drifting log-linearly from 1 in 2016 to whatever
    makes 2023 meet the published budget, so the budget series runs into 2023 without a jump.
    """
    budget = np.zeros_like(outcome)
    nd = len(DIVISIONS)
    keys = _budget_keys()
    plan_growth = {PK: .015, LM: .04, EB: -.03, PA: .01}
    base = np.zeros((nd, NA, len(YEARS)))
    for yi, y in enumerate(YEARS):
        prev = y - 1 if y > 2016 else 2016
        sl = slice((prev - 2016) * 12, (prev - 2016) * 12 + 12)
        for d in range(nd):
            members = div == d
            for a in ACCOUNTS:
                series = outcome[members, AIX[a], sl].sum(0)
                level = 12 * np.median(series) if a == EB else series.sum()
                g = 0.5 if a in AGENCY else 1 + plan_growth.get(a, .015)
                base[d, AIX[a], yi] = level * g * (0.98 if y == 2016 else 1.0)
    b23 = _budget_2023(targets, keys)
    y23 = len(YEARS) - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = b23.sum(2) / base[:, :, y23]
    rho = np.where(np.isfinite(rho) & (rho > 0), np.clip(rho, 0.6, 1.4), 1.0)
    for d in range(nd):
        for ai, a in enumerate(ACCOUNTS):
            _spread(budget, outcome, w0, div, d, ai, y23, b23[d, ai])
            for yi in range(y23):
                drift = rho[d, ai] ** (yi / y23)
                monthly = base[d, ai, yi] * drift * _wage_key(keys[a], a, YEARS[yi])
                _spread(budget, outcome, w0, div, d, ai, yi, monthly)
    return budget


def _wage_key(key: np.ndarray, account: str, year: int) -> np.ndarray:
    if account != PK:
        return key
    k = key * np.where(np.arange(12) >= 3, 1 + WAGE_REVISION[year], 1.0)
    return k / k.sum()


def _spread(budget: np.ndarray, outcome: np.ndarray, w0: np.ndarray, div: np.ndarray, d: int,
            ai: int, yi: int, monthly: np.ndarray) -> None:
    """Split a division's monthly budget over its units by last year's outcome shares."""
    members = np.where((div == d) & (w0[:, ai] > 0))[0]
    if len(members) == 0:
        return
    prev = max(yi - 1, 0)
    share = np.abs(outcome[members, ai, prev * 12:prev * 12 + 12]).sum(1)
    share = share / share.sum() if share.sum() > 0 else np.full(len(members), 1 / len(members))
    budget[members, ai, yi * 12:yi * 12 + 12] = share[:, None] * monthly[None, :]


def _measures(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The transition plans (omställningsplan) 2022 and 2023 and their reported effects."""
    rows = [
        ("OP22-1", "Minskad närvarotid genom schemaöversyn", "M202", PK, 6000, "2022-03", 2022,
         .75),
        ("OP22-2", "Egen rekrytering ersätter hyrläkare", "N301", IL, 4500, "2022-04", 2022, .45),
        ("OP22-3", "Samordnad bemanning operation och IVA", "K104", PK, 5000, "2022-05", 2022,
         .65),
        ("OP23-1", "Återrekrytering av egna sjuksköterskor", "M202", IS, 8000, "2023-02", 2023,
         .55),
        ("OP23-2", "Minskad hyrpersonal på vårdavdelning", "K101", IS, 6000, "2023-03", 2023, .5),
        ("OP23-3", "Minskad övertid och extra tid", "M201", PK, 5000, "2023-01", 2023, .8),
        ("OP23-4", "Bemanningsfri hälsocentral", "N309", IL, 4000, "2023-01", 2023, .6),
        ("OP23-5", "Översyn av läkemedelssortiment", "M205", LM, 3000, "2023-01", 2023, .9),
        ("OP23-6", "Vakansprövning av administrativa tjänster", "S404", PK, 2000, "2023-01",
         2023, .7),
    ]
    measures = pd.DataFrame([r[:7] for r in rows],
                            columns=["id", "name", "unit", "account", "planned_annual_tkr",
                                     "start_period", "year"])
    target_rate = {2022: 0.64, 2023: 0.62}
    effects = []
    for year in (2022, 2023):
        last = pd.Period(f"{year}-12", freq="M") if year < 2023 else LAST_OUTCOME
        planned = 0.0
        part = []
        for mid, _, _, _, annual, start, y, rate in rows:
            if y != year:
                continue
            s = pd.Period(start, freq="M")
            months = pd.period_range(s, last, freq="M")
            per_month = annual / ((pd.Period(f"{y}-12", freq="M") - s).n + 1)
            planned += per_month * len(months)
            ramp = np.minimum(1.0, 0.4 + 0.2 * np.arange(len(months)))
            vals = per_month * rate * ramp * rng.lognormal(0, 0.15, len(months))
            part += [(mid, str(p), v) for p, v in zip(months, vals, strict=True)]
        scale = target_rate[year] * planned / sum(v for _, _, v in part)
        effects += [(m, p, v * scale) for m, p, v in part]
    eff = pd.DataFrame(effects, columns=["measure_id", "period", "effect_tkr"])
    eff["effect_tkr"] = eff["effect_tkr"].round(1) + 0.0
    return measures, eff


def _agency_fte(outcome: np.ndarray, w0: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Agency FTE per unit, category and outcome month, from cost over a price per FTE."""
    price0 = {IL: 195.0, IS: 85.0, IO: 90.0}  # tkr per FTE-month in 2016
    parts = []
    for a in AGENCY:
        cost = -outcome[:, AIX[a], :T_OUT]
        price = price0[a] * 1.03 ** T_YEARS[:T_OUT]
        fte = cost / price[None, :] * rng.lognormal(0, 0.05, size=cost.shape)
        tot = fte.sum(0)
        anchors = [(_window(f"out{y % 100}"), FTE_TARGETS[AGENCY_CATEGORY[a]][y] * 4
                    / tot[_window(f"out{y % 100}")].sum()) for y in (2022, 2023)]
        fte *= _ramp_factor(anchors)[None, :T_OUT]
        for ui in np.where(w0[:, AIX[a]] > 0)[0]:
            for t in range(T_OUT):
                parts.append((str(MONTHS[t]), UNIT_IDS[ui], AGENCY_CATEGORY[a], fte[ui, t]))
    df = pd.DataFrame(parts, columns=["period", "unit", "category", "fte"])
    df["fte"] = df["fte"].clip(lower=0).round(2) + 0.0
    return df.sort_values(["period", "unit", "category"], kind="stable").reset_index(drop=True)


def _ledger_frame(outcome: np.ndarray, budget: np.ndarray, w0: np.ndarray) -> pd.DataFrame:
    """Long ledger frame, rounded to 0.1 tkr, in a stable order."""
    ui, ai = np.nonzero(w0 > 0)
    frames = []
    for kind, arr, nt in (("utfall", outcome, T_OUT), ("budget", budget, NT)):
        vals = np.round(arr[ui, ai, :nt], 1) + 0.0
        frames.append(pd.DataFrame({
            "period": np.tile(np.array([str(p) for p in MONTHS[:nt]]), len(ui)),
            "unit": np.repeat(np.array(UNIT_IDS)[ui], nt),
            "account": np.repeat(np.array(ACCOUNTS)[ai], nt),
            "kind": kind,
            "amount_tkr": vals.ravel(),
            "_a": np.repeat(ai, nt),
            "_k": 0 if kind == "utfall" else 1,
        }))
    df = pd.concat(frames, ignore_index=True)
    df = df.sort_values(["period", "unit", "_a", "_k"], kind="stable")
    return df.drop(columns=["_a", "_k"]).reset_index(drop=True)


def write(frames: dict[str, pd.DataFrame], out: Path) -> None:
    """Write the frames as UTF-8 CSV with LF line endings and fixed number formats."""
    out.mkdir(parents=True, exist_ok=True)
    formats = {"ledger.csv": "%.1f", "agency_fte.csv": "%.2f", "measure_effects.csv": "%.1f",
               "measures.csv": "%.1f"}
    for name, df in frames.items():
        df.to_csv(out / name, index=False, lineterminator="\n", encoding="utf-8",
                  float_format=formats.get(name))


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python data/generate.py [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    write(generate(), args.out)


if __name__ == "__main__":
    main()
