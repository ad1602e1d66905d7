"""The report narrative as typed in the app's form: Swedish numbers, mkr or tkr, every row checked.

The app's form (``ui.narrative_form``) gives plain text cells: a summary, a comment per
division, and three tables (measures, risks and opportunities, assumptions) whose amounts are
typed the Swedish way ("2,5" is two and a half) in the unit the user states (mkr or tkr).
:func:`narrative_from_form` reads them into a :class:`~forecast.report.narrative.Narrative`
and lists *every* problem with the table, row and column (field) named; nothing is rounded,
guessed or dropped. A row left wholly empty is no row (the editor's blank new line); a row
with anything in it is read or refused.

:func:`form_of` turns a stored narrative back into the form's cells (amounts in the chosen
unit, Swedish text), so the form opens on the narrative in force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from forecast.io.formatting import fmt_number
from forecast.io.parsing import ParseError, parse_number
from forecast.report.narrative import (
    KINDS,
    MAX_MKR,
    MAX_ROWS,
    MAX_SHORT,
    MAX_TEXT,
    PROBABILITIES,
    Assumption,
    Measure,
    Narrative,
    Risk,
)

Unit = Literal["mkr", "tkr"]
UNITS: tuple[Unit, ...] = ("mkr", "tkr")
MEASURE_COLUMNS = ("Åtgärd", "Ansvarig", "Planerad effekt", "Effekt hittills", "Prognos")
RISK_COLUMNS = ("Risk eller möjlighet", "Typ", "Belopp från", "Belopp till", "Sannolikhet")
ASSUMPTION_COLUMNS = ("Antagande", "Värde", "Intervall", "Källa")
MEASURES, RISKS, ASSUMPTIONS = "Åtgärder", "Risker och möjligheter", "Antaganden"


class NarrativeFormError(ValueError):
    """The form cannot be saved; :attr:`problems` names each field (and row) and what is allowed."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class NarrativeForm:
    """The form's cells as typed (text; None for an empty cell)."""

    summary: str = ""
    comments: Mapping[str, str] = field(default_factory=dict)
    measures: Sequence[Mapping[str, Any]] = ()
    risks: Sequence[Mapping[str, Any]] = ()
    assumptions: Sequence[Mapping[str, Any]] = ()
    unit: Unit = "mkr"


def _cell(row: Mapping[str, Any], col: str) -> str:
    v = row.get(col)
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def _filled(rows: Sequence[Mapping[str, Any]], cols: Sequence[str]
            ) -> list[tuple[int, dict[str, str]]]:
    out = []
    for i, row in enumerate(rows, start=1):
        cells = {c: _cell(row, c) for c in cols}
        if any(cells.values()):
            out.append((i, cells))
    return out


class _Reader:
    """Collects the problems of one form while reading its cells."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.problems: list[str] = []

    def text(self, value: str, where: str, limit: int, *, required: bool = False) -> str:
        if required and not value:
            self.problems.append(f"{where}: får inte vara tom.")
        elif len(value) > limit:
            self.problems.append(f"{where}: högst {fmt_number(limit)} tecken tillåts "
                                 f"(här {fmt_number(len(value))}).")
        return value[:limit]

    def amount(self, value: str, where: str) -> float | None:
        """An amount in the form's unit, as mkr (None when empty)."""
        if not value:
            return None
        try:
            v = parse_number(value)
        except ParseError:
            self.problems.append(f"{where}: «{value}» är inget belopp; skriv {self.unit} med "
                                 "decimalkomma, t.ex. -2,5.")
            return None
        mkr = v / 1000.0 if self.unit == "tkr" else v
        if abs(mkr) > MAX_MKR:
            self.problems.append(f"{where}: högst ±{fmt_number(MAX_MKR)} mkr tillåts.")
            return None
        if self.unit == "tkr" and v != round(v, -2):
            self.problems.append(f"{where}: {value} tkr går inte att visa i mkr med en decimal "
                                 "som rapporten gör; skriv hela hundratal tkr (t.ex. 2 500) "
                                 "eller beloppet i mkr.")
            return None
        if self.unit == "mkr" and v != round(v, 1):
            self.problems.append(f"{where}: högst en decimal i mkr (här {value}).")
            return None
        return round(mkr, 1)

    def choice(self, value: str, where: str, allowed: Sequence[str], default: str) -> str:
        v = value.lower() or default
        if v and v not in allowed:
            self.problems.append(f"{where}: «{value}» duger inte; tillåtna: "
                                 f"{', '.join(a for a in allowed if a)}.")
        return v


def _bounded(rows: Sequence[Mapping[str, Any]], cols: Sequence[str], table: str,
             r: _Reader) -> list[tuple[int, dict[str, str]]]:
    filled = _filled(rows, cols)
    if len(filled) > MAX_ROWS:
        r.problems.append(f"{table}: högst {MAX_ROWS} rader tillåts (här {len(filled)}).")
        return filled[:MAX_ROWS]
    return filled


def _measures(rows: Sequence[Mapping[str, Any]], r: _Reader) -> tuple[Measure, ...]:
    out = []
    for i, c in _bounded(rows, MEASURE_COLUMNS, MEASURES, r):
        w = f"{MEASURES}, rad {i}"
        out.append(Measure(r.text(c["Åtgärd"], f"{w}, Åtgärd", MAX_SHORT, required=True),
                           r.text(c["Ansvarig"], f"{w}, Ansvarig", MAX_SHORT),
                           r.amount(c["Planerad effekt"], f"{w}, Planerad effekt"),
                           r.amount(c["Effekt hittills"], f"{w}, Effekt hittills"),
                           r.amount(c["Prognos"], f"{w}, Prognos")))
    return tuple(out)


def _risks(rows: Sequence[Mapping[str, Any]], r: _Reader) -> tuple[Risk, ...]:
    out = []
    for i, c in _bounded(rows, RISK_COLUMNS, RISKS, r):
        w = f"{RISKS}, rad {i}"
        text = r.text(c["Risk eller möjlighet"], f"{w}, Risk eller möjlighet", MAX_SHORT,
                      required=True)
        kind = r.choice(c["Typ"], f"{w}, Typ", KINDS, "risk")
        low = r.amount(c["Belopp från"], f"{w}, Belopp från")
        high = r.amount(c["Belopp till"], f"{w}, Belopp till")
        if low is not None and high is not None and low > high:
            r.problems.append(f"{w}: Belopp från ({c['Belopp från']}) är större än Belopp till "
                              f"({c['Belopp till']}); ange det lägre beloppet först.")
        prob = r.choice(c["Sannolikhet"], f"{w}, Sannolikhet", ("", *PROBABILITIES), "")
        out.append(Risk(text, kind, low, high, prob))
    return tuple(out)


def _assumptions(rows: Sequence[Mapping[str, Any]], r: _Reader) -> tuple[Assumption, ...]:
    out = []
    for i, c in _bounded(rows, ASSUMPTION_COLUMNS, ASSUMPTIONS, r):
        w = f"{ASSUMPTIONS}, rad {i}"
        out.append(Assumption(r.text(c["Antagande"], f"{w}, Antagande", MAX_SHORT, required=True),
                              r.text(c["Värde"], f"{w}, Värde", MAX_SHORT, required=True),
                              r.text(c["Intervall"], f"{w}, Intervall", MAX_SHORT),
                              r.text(c["Källa"], f"{w}, Källa", MAX_SHORT)))
    return tuple(out)


def narrative_from_form(form: NarrativeForm, divisions: Sequence[str]) -> Narrative:
    """The :class:`Narrative` of the form's cells.

    Args:
        form: what the user typed.
        divisions: the dataset's divisions, in the order the report lists them.

    Raises:
        NarrativeFormError: every problem, each naming the field (table, row, column) and
            what is allowed.
    """
    if form.unit not in UNITS:
        raise NarrativeFormError([f"Enhet: «{form.unit}» duger inte; tillåtna: mkr, tkr."])
    r = _Reader(form.unit)
    summary = r.text((form.summary or "").strip(), "Sammanfattning", MAX_TEXT)
    unknown = [d for d in form.comments if d not in divisions]
    if unknown:
        r.problems.append(f"Kommentar per division: {unknown[0]!r} finns inte i datasetet; "
                          f"kända: {', '.join(divisions)}.")
    comments = []
    for d in divisions:
        text = r.text((form.comments.get(d) or "").strip(), f"Kommentar, {d}", MAX_TEXT)
        if text:
            comments.append((d, text))
    out = Narrative(summary=summary, divisions=tuple(comments),
                    measures=_measures(form.measures, r), risks=_risks(form.risks, r),
                    assumptions=_assumptions(form.assumptions, r))
    if r.problems:
        raise NarrativeFormError(r.problems)
    return out


def _show(mkr: float | None, unit: Unit) -> str:
    if mkr is None:
        return ""
    return fmt_number(mkr * 1000.0, 0) if unit == "tkr" else fmt_number(mkr, 1)


def form_of(n: Narrative | None, unit: Unit = "mkr") -> NarrativeForm:
    """The form's cells showing ``n`` (an empty form for None), amounts in ``unit``."""
    if n is None:
        return NarrativeForm(unit=unit)
    return NarrativeForm(
        summary=n.summary, comments=dict(n.divisions),
        measures=[dict(zip(MEASURE_COLUMNS, (m.action, m.responsible, _show(m.planned_mkr, unit),
                                             _show(m.done_mkr, unit),
                                             _show(m.forecast_mkr, unit)), strict=True))
                  for m in n.measures],
        risks=[dict(zip(RISK_COLUMNS, (k.text, k.kind, _show(k.low_mkr, unit),
                                       _show(k.high_mkr, unit), k.probability), strict=True))
               for k in n.risks],
        assumptions=[dict(zip(ASSUMPTION_COLUMNS, (a.name, a.value, a.range, a.source),
                              strict=True)) for a in n.assumptions],
        unit=unit)
