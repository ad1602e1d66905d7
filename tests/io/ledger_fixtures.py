"""Known amounts of a small region, written as a Raindance-shaped export, SIE 4 and SIE 3.

Every writer starts from the same :func:`known_amounts` (kronor, reports' sign: revenue +,
cost −), so a test can compare what a reader returns with what was written, and two formats
with each other.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

UNITS = (("1101", "Akutmottagning", "Medicin"),
         ("1102", "Vårdavdelning Åre", "Kirurgi"),
         ("2201", "Hälsocentral Östersund", "Nära vård"))
ACCOUNTS = (("3111", "Patientavgifter öppenvård", "Patientavgifter"),
            ("3511", "Såld vård", "Försäljning"),
            ("5011", "Löner tillsvidareanställda", "Personalkostnader"),
            ("5110", "Arbetsgivaravgifter", "Personalkostnader"),
            ("5811", "Hyrläkare", "Inhyrd personal läkare"),
            ("5812", "Hyrsjuksköterskor", "Inhyrd personal sjuksköterskor"),
            ("6410", "Läkemedel öppenvård", "Läkemedel"),
            ("7010", "Lokalhyror", "Fastighetskostnader"))
REVENUE = ("3111", "3511")
OUTCOME_MONTHS = pd.period_range("2022-01", "2023-04", freq="M")
BUDGET_MONTHS = pd.period_range("2023-01", "2023-12", freq="M")
SCALE = {"3111": 90_000, "3511": 400_000, "5011": -2_500_000, "5110": -800_000,
         "5811": -150_000, "5812": -90_000, "6410": -300_000, "7010": -120_000}


def known_amounts(seed: int = 3) -> pd.DataFrame:
    """period (YYYY-MM), unit, konto, kind, kr (two decimals, reports' sign)."""
    rng = np.random.default_rng(seed)
    rows = []
    for unit, _, _ in UNITS:
        for acc, _, _ in ACCOUNTS:
            for kind, months in (("utfall", OUTCOME_MONTHS), ("budget", BUDGET_MONTHS)):
                for m in months:
                    kr = round(SCALE[acc] * rng.uniform(0.7, 1.3), 2)
                    rows.append((str(m), unit, acc, kind, kr))
    return pd.DataFrame(rows, columns=["period", "unit", "konto", "kind", "kr"])


def swedish_kr(x: float, style: int) -> str:
    """Kronor as finance systems print them; style picks -1 234,50, (1 234,50) or 1 234,50-."""
    text = f"{abs(x):,.2f}".replace(",", " ").replace(".", ",")
    if x >= 0:
        return text
    return (f"-{text}", f"({text})", f"{text}-")[style % 3]


def write_org(path: Path) -> Path:
    """Organisation file with a further level (område) above the division."""
    lines = ["enhet;namn;division;område"]
    lines += [f"{u};{n};{d};Länssjukvård" for u, n, d in UNITS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_map(path: Path) -> Path:
    """Kontoplan with ranges, a nested exception and single accounts."""
    path.write_text(
        "konto_från;konto_till;kostnadsslag\n"
        "3100;3199;Patientavgifter\n"
        "3500;3599;Försäljning\n"
        "5000;5799;Personalkostnader\n"
        "5811;;Inhyrd personal läkare\n"
        "5812;;Inhyrd personal sjuksköterskor\n"
        "6400;6499;Läkemedel\n"
        "7000;7099;Fastighetskostnader\n", encoding="utf-8")
    return path


def write_raindance(path: Path, amounts: pd.DataFrame, *, sum_rows: bool = False) -> Path:
    """Title rows, Ansvar/Verksamhet/Konto/Kontotext/Period, Utfall and Budget in kronor.

    Löner are split over two Verksamhet codes (the reader must sum them).
    """
    wide = amounts.pivot_table(index=["unit", "konto", "period"], columns="kind", values="kr",
                               aggfunc="sum").reindex(columns=["utfall", "budget"]).reset_index()
    texts = {a: t for a, t, _ in ACCOUNTS}
    lines = ["Raindance Ekonomi – Huvudbok per ansvar och konto;;;;;;", "Region Exempel, "
             "utskrift 2023-05-04;;;;;;", ";;;;;;",
             "Ansvar;Verksamhet;Konto;Kontotext;Period;Utfall;Budget"]
    k = 0
    for r in wide.itertuples():
        u, b = r.utfall, r.budget
        per = r.period.replace("-", "")
        parts = [(u, b)]
        if r.konto == "5011" and not np.isnan(u):
            first = round(u * 0.6, 2)
            parts = [(first, b), (round(u - first, 2), np.nan)]
        for j, (uu, bb) in enumerate(parts):
            k += 1
            cells = ["" if np.isnan(v) else swedish_kr(v, k) for v in (uu, bb)]
            lines.append(f"{r.unit};{410 + j};{r.konto};{texts.get(r.konto, 'Nytt konto')};{per};"
                         f"{cells[0]};{cells[1]}")
    if sum_rows:
        total = amounts.loc[amounts["kind"] == "utfall", "kr"].sum()
        lines.append(f"Summa totalt;;;;;{swedish_kr(total, 0)};")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    return path


def _sie_head(sietyp: int) -> list[str]:
    lines = ["#FLAGGA 0", '#PROGRAM "testskrivare" 1.0', "#FORMAT PC8", f"#SIETYP {sietyp}",
             '#FNAMN "Region Exempel"', "#RAR 0 20230101 20231231", "#RAR -1 20220101 20221231",
             '#DIM 1 "Ansvar"', '#DIM 6 "Projekt"']
    lines += [f'#OBJEKT 1 "{u}" "{n}"' for u, n, _ in UNITS]
    lines += [f'#KONTO {a} "{t}"' for a, t, _ in ACCOUNTS]
    lines += ['#KONTO 1930 "Bank"', "#KTYP 1930 T"]
    return lines


def _kr(x: float) -> str:
    return f"{x:.2f}"


def write_sie4(path: Path, amounts: pd.DataFrame) -> Path:
    """Outcome as #VER/#TRANS (debet sign, bank counter-entry), budget as #PBUDGET."""
    lines = _sie_head(4)
    out = amounts[amounts["kind"] == "utfall"]
    n = 0
    for (period, unit), grp in out.groupby(["period", "unit"], sort=True):
        n += 1
        date = pd.Period(period, "M").end_time.strftime("%Y%m%d")
        lines += [f'#VER A {n} {date} "Bokföring {period} {unit}"', "{"]
        total = 0.0
        for r in grp.itertuples():
            debet = -r.kr  # SIE: cost +, revenue −
            total += debet
            lines.append(f'   #TRANS {r.konto} {{1 "{unit}" 6 "P1"}} {_kr(debet)}')
        lines.append(f"   #TRANS 1930 {{}} {_kr(-total)}")
        lines.append("}")
    lines += _pbudget(amounts)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    return path


def _pbudget(amounts: pd.DataFrame) -> list[str]:
    bud = amounts[amounts["kind"] == "budget"]
    return [f'#PBUDGET 0 {r.period.replace("-", "")} {r.konto} {{1 "{r.unit}"}} {_kr(-r.kr)}'
            for r in bud.itertuples()]


def write_sie3(path: Path, amounts: pd.DataFrame, *, with_totals: bool = True) -> Path:
    """Outcome as #PSALDO per object (and, optionally, the {} total rows), budget #PBUDGET."""
    lines = _sie_head(3)
    out = amounts[amounts["kind"] == "utfall"]
    for r in out.itertuples():
        lines.append(f'#PSALDO {0 if r.period >= "2023" else -1} {r.period.replace("-", "")} '
                     f'{r.konto} {{1 "{r.unit}"}} {_kr(-r.kr)}')
    if with_totals:
        tot = out.groupby(["period", "konto"])["kr"].sum()
        for (period, konto), kr in tot.items():
            lines.append(f'#PSALDO 0 {period.replace("-", "")} {konto} {{}} {_kr(-kr)}')
    lines += _pbudget(amounts)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    return path


def expected_tkr(amounts: pd.DataFrame) -> pd.Series:
    """Sum of the known amounts per kind, tkr."""
    return amounts.groupby("kind")["kr"].sum() / 1000.0
