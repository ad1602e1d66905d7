"""A region's own first export: a Raindance-shaped ledger, organisation and account mapping.

Written here, not taken from the embedded example: title rows saying "Belopp i kronor",
``Period;Ansvar;Ansvarstext;Konto;Kontotext;Utfall;Budget``, amounts in kronor with the
ledger's debit sign (costs positive, revenue negative), outcome January–April of 2022 and
2023 and a budget for January–April 2023 only. Amounts are fixed numbers so a test can
compute what must be shown.
"""

from __future__ import annotations

from pathlib import Path

UNITS = (("4100", "Medicinkliniken", "Länssjukvård"),
         ("4200", "Kirurgkliniken", "Länssjukvård"),
         ("5100", "Hälsocentral Norr", "Närsjukvård"))
ACCOUNTS = (("3110", "Patientavgifter", -600_000.0),
            ("3510", "Såld vård andra regioner", -2_400_000.0),
            ("5010", "Månadslön", 9_000_000.0),
            ("5410", "Arbetsgivaravgifter", 3_000_000.0),
            ("5820", "Hyrläkare bemanningsföretag", 700_000.0),
            ("6420", "Läkemedel förmån", 1_500_000.0),
            ("7110", "Lokalhyra", 800_000.0))
"""(konto, kontotext, kronor per unit and month in 2022 with the ledger's debit sign)."""
UNIT_SCALE = {"4100": 1.0, "4200": 1.3, "5100": 0.4}
GROWTH_2023 = 1.08
"""2023 outcome is 8 % over 2022 in every series; the 2023 budget is 2022 × 1.05."""
BUDGET_2023 = 1.05
MONTH_STEP = 0.01
"""Month m of a year is (1 + 0.01·(m − 1)) × the level: a small rise through the spring."""
YEARS = (2022, 2023)
MONTHS = (1, 2, 3, 4)


def amount_kr(unit: str, konto: str, year: int, month: int, kind: str) -> float:
    """The kronor (debit sign) of one row; budget only exists in 2023."""
    base = dict((a, v) for a, _, v in ACCOUNTS)[konto] * UNIT_SCALE[unit]
    level = base * (1 + MONTH_STEP * (month - 1))
    if kind == "budget":
        return round(level * BUDGET_2023, 2)
    return round(level * (GROWTH_2023 if year == 2023 else 1.0), 2)


def _kr(x: float) -> str:
    """Kronor as the export prints them: ``-1 234 567,50``."""
    text = f"{abs(x):,.2f}".replace(",", " ").replace(".", ",")
    return f"-{text}" if x < 0 else text


def ledger_text() -> str:
    """The ledger file's text (``;``-separated, title rows above the header)."""
    lines = ["Huvudbok per ansvar och konto;;;;;;",
             "Belopp i kronor;;;;;;",
             ";;;;;;",
             "Period;Ansvar;Ansvarstext;Konto;Kontotext;Utfall;Budget"]
    names = {u: n for u, n, _ in UNITS}
    for year in YEARS:
        for month in MONTHS:
            for unit, _, _ in UNITS:
                for konto, text, _ in ACCOUNTS:
                    out = amount_kr(unit, konto, year, month, "utfall")
                    bud = _kr(amount_kr(unit, konto, year, month, "budget")) \
                        if year == 2023 else ""
                    lines.append(f"{year}{month:02d};{unit};{names[unit]};{konto};{text};"
                                 f"{_kr(out)};{bud}")
    return "\r\n".join(lines) + "\r\n"


def organisation_text() -> str:
    """``enhet;namn;division``."""
    return "enhet;namn;division\n" + "".join(f"{u};{n};{d}\n" for u, n, d in UNITS)


def kontoplan_text() -> str:
    """``konto_från;konto_till;kostnadsslag`` with ranges."""
    return ("konto_från;konto_till;kostnadsslag\n"
            "3100;3199;Patientavgifter\n"
            "3500;3599;Försäljning\n"
            "5000;5799;Personalkostnader\n"
            "5820;5829;Inhyrd personal läkare\n"
            "6400;6499;Läkemedel\n"
            "7100;7199;Fastighetskostnader\n")


def write(folder: Path) -> dict[str, Path]:
    """The three files in ``folder``: ``huvudbok``, ``organisation`` and ``kontoplan``."""
    files = {"huvudbok": folder / "huvudbok_raindance.csv",
             "organisation": folder / "organisation.csv",
             "kontoplan": folder / "kontoplan.csv"}
    files["huvudbok"].write_bytes(ledger_text().encode("cp1252"))
    files["organisation"].write_text(organisation_text(), encoding="utf-8")
    files["kontoplan"].write_text(kontoplan_text(), encoding="utf-8")
    return files


def dataset(folder: Path):  # noqa: ANN201 - a forecast.ledger.dataset.Dataset
    """The three files written to ``folder`` and loaded with the default read options."""
    from forecast.io.dataset_files import DatasetFiles, InputFile, load_dataset
    from forecast.io.readers import ReadOptions

    f = write(folder)
    files = DatasetFiles(ledgers=(InputFile.from_path(f["huvudbok"]),),
                         organisation=InputFile.from_path(f["organisation"]),
                         kontoplan=InputFile.from_path(f["kontoplan"]))
    return load_dataset(files, ReadOptions()).dataset


def net_kr(year: int, months: tuple[int, ...] = MONTHS) -> float:
    """Net result (reports' sign: revenue +, cost −) of the outcome of ``months`` of ``year``."""
    return -sum(amount_kr(u, a, year, m, "utfall") for u, _, _ in UNITS
                for a, _, _ in ACCOUNTS for m in months)
