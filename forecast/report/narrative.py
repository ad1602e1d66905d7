"""The report's words that only people can give (issue 25).

The summary, division comments, measures, risks and opportunities, and the forecast's
assumptions.

A :class:`Narrative` belongs to one dataset and month. It is entered in the app (kept in the
store, :mod:`forecast.report.narrative_store`) or given to the CLI as a YAML/JSON file
(``rapport --berattelse FIL``); :func:`parse_narrative` checks a file's content and names the
field and row of anything it cannot use. Amounts are in mkr (as the seeds print them), with at
most one decimal.

File format (every key optional)::

    sammanfattning: "Nämnden redovisar ..."
    divisioner:
      Kirurgi: "Ambulanshelikoptern ..."
    atgarder:
      - atgard: Minskad hyrpersonal
        ansvarig: Divisionschef Kirurgi
        planerad_effekt_mkr: 37
        effekt_hittills_mkr: 4
        prognos_mkr: 9
    risker:
      - text: Dygnsvila från oktober
        typ: risk            # risk eller möjlighet
        belopp_min_mkr: -20
        belopp_max_mkr: -10
        sannolikhet: hög     # låg, medel eller hög
    antaganden:
      - namn: Löneöversyn
        varde: "4,1 % från april"
        intervall: "3,5–4,5 %"
        kalla: Märket 2023
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from forecast.io.formatting import fmt_number

MAX_FILE_BYTES = 256 * 1024
MAX_TEXT = 4000
MAX_SHORT = 200
MAX_ROWS = 50
MAX_MKR = 1_000_000.0
PROBABILITIES = ("låg", "medel", "hög")
KINDS = ("risk", "möjlighet")
KEYS = ("sammanfattning", "divisioner", "atgarder", "risker", "antaganden")


class NarrativeError(ValueError):
    """Content that cannot be used (Swedish message naming the field and row)."""


@dataclass(frozen=True)
class Measure:
    """One measure of the action plan (seed 000's cause/aktivitet/effekt; seed 002's plan)."""

    action: str
    responsible: str = ""
    planned_mkr: float | None = None
    done_mkr: float | None = None
    forecast_mkr: float | None = None


@dataclass(frozen=True)
class Risk:
    """A risk (negative amount) or an opportunity (positive), with its range and likelihood."""

    text: str
    kind: str = "risk"
    low_mkr: float | None = None
    high_mkr: float | None = None
    probability: str = ""


@dataclass(frozen=True)
class Assumption:
    """One assumption of the forecast, in words: name, value, range and source."""

    name: str
    value: str
    range: str = ""
    source: str = ""


@dataclass(frozen=True)
class Narrative:
    """Everything written by people for one month's report.

    Attributes:
        summary: the opening words of the summary box.
        divisions: (division, comment) pairs, printed after the division figures.
        measures: the action plan's measures.
        risks: risks and opportunities.
        assumptions: the forecast's assumptions.
        author: who saved it (the store fills it in).
        version: the stored version (0 = not stored, e.g. given as a file).
        created: when it was stored (ISO, UTC), empty if not stored.
    """

    summary: str = ""
    divisions: tuple[tuple[str, str], ...] = ()
    measures: tuple[Measure, ...] = ()
    risks: tuple[Risk, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    author: str = ""
    version: int = 0
    created: str = field(default="")

    def is_empty(self) -> bool:
        """True when nothing is written."""
        return not (self.summary.strip() or self.divisions or self.measures or self.risks
                    or self.assumptions)

    def comment_of(self, division: str) -> str:
        """The comment given for ``division`` (empty if none)."""
        return next((c for d, c in self.divisions if d == division), "")

    def to_payload(self) -> dict[str, Any]:
        """The narrative as the file format's mapping (the store keeps this as JSON)."""
        return {
            "sammanfattning": self.summary,
            "divisioner": dict(self.divisions),
            "atgarder": [{"atgard": m.action, "ansvarig": m.responsible,
                          "planerad_effekt_mkr": m.planned_mkr,
                          "effekt_hittills_mkr": m.done_mkr, "prognos_mkr": m.forecast_mkr}
                         for m in self.measures],
            "risker": [{"text": r.text, "typ": r.kind, "belopp_min_mkr": r.low_mkr,
                        "belopp_max_mkr": r.high_mkr, "sannolikhet": r.probability}
                       for r in self.risks],
            "antaganden": [{"namn": a.name, "varde": a.value, "intervall": a.range,
                            "kalla": a.source} for a in self.assumptions],
        }

    def to_json(self) -> str:
        """:meth:`to_payload` as JSON text."""
        return json.dumps(self.to_payload(), ensure_ascii=False, sort_keys=True)


def _text(value: Any, where: str, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise NarrativeError(f"{where}: ska vara text, inte {type(value).__name__}.")
        value = str(value)
    text = value.strip()
    if required and not text:
        raise NarrativeError(f"{where}: får inte vara tom.")
    if len(text) > limit:
        raise NarrativeError(f"{where}: högst {limit} tecken tillåts (här {len(text)}).")
    return text


def _mkr(value: Any, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise NarrativeError(f"{where}: ska vara ett belopp i mkr, t.ex. -12,5.")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace("\u2212", "-").replace(" ", "")
                          .replace("\u00a0", "").replace(",", "."))
        except ValueError:
            raise NarrativeError(f"{where}: {value!r} är inget belopp; skriv mkr med "
                                 "decimalkomma, t.ex. -12,5.") from None
    if not isinstance(value, int | float) or not math.isfinite(float(value)):
        raise NarrativeError(f"{where}: ska vara ett belopp i mkr, t.ex. -12,5.")
    v = float(value)
    if abs(v) > MAX_MKR:
        raise NarrativeError(f"{where}: {fmt_number(v, 1)} mkr är utanför "
                             f"±{fmt_number(MAX_MKR)} mkr.")
    if round(v, 1) != v:
        raise NarrativeError(f"{where}: högst en decimal (mkr), här {v:g}.")
    return v


def _rows(value: Any, where: str) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise NarrativeError(f"{where}: ska vara en lista med rader.")
    if len(value) > MAX_ROWS:
        raise NarrativeError(f"{where}: högst {MAX_ROWS} rader tillåts (här {len(value)}).")
    for i, row in enumerate(value, start=1):
        if not isinstance(row, Mapping):
            raise NarrativeError(f"{where}, rad {i}: ska vara fält med namn och värde.")
    return value


def _unknown(row: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    extra = [str(k) for k in row if k not in allowed]
    if extra:
        raise NarrativeError(f"{where}: okänt fält {extra[0]!r}; tillåtna: "
                             f"{', '.join(allowed)}.")


def _measures(value: Any) -> tuple[Measure, ...]:
    out = []
    allowed = ("atgard", "ansvarig", "planerad_effekt_mkr", "effekt_hittills_mkr",
               "prognos_mkr")
    for i, r in enumerate(_rows(value, "atgarder"), start=1):
        w = f"atgarder, rad {i}"
        _unknown(r, allowed, w)
        out.append(Measure(_text(r.get("atgard"), f"{w}, atgard", MAX_SHORT, required=True),
                           _text(r.get("ansvarig"), f"{w}, ansvarig", MAX_SHORT),
                           _mkr(r.get("planerad_effekt_mkr"), f"{w}, planerad_effekt_mkr"),
                           _mkr(r.get("effekt_hittills_mkr"), f"{w}, effekt_hittills_mkr"),
                           _mkr(r.get("prognos_mkr"), f"{w}, prognos_mkr")))
    return tuple(out)


def _risks(value: Any) -> tuple[Risk, ...]:
    out = []
    allowed = ("text", "typ", "belopp_min_mkr", "belopp_max_mkr", "sannolikhet")
    for i, r in enumerate(_rows(value, "risker"), start=1):
        w = f"risker, rad {i}"
        _unknown(r, allowed, w)
        kind = _text(r.get("typ") or "risk", f"{w}, typ", MAX_SHORT).lower()
        if kind not in KINDS:
            raise NarrativeError(f"{w}, typ: {kind!r} duger inte; tillåtna: {', '.join(KINDS)}.")
        prob = _text(r.get("sannolikhet"), f"{w}, sannolikhet", MAX_SHORT).lower()
        if prob and prob not in PROBABILITIES:
            raise NarrativeError(f"{w}, sannolikhet: {prob!r} duger inte; tillåtna: "
                                 f"{', '.join(PROBABILITIES)}.")
        low = _mkr(r.get("belopp_min_mkr"), f"{w}, belopp_min_mkr")
        high = _mkr(r.get("belopp_max_mkr"), f"{w}, belopp_max_mkr")
        if low is not None and high is not None and low > high:
            raise NarrativeError(f"{w}: belopp_min_mkr ({low:g}) är större än "
                                 f"belopp_max_mkr ({high:g}).")
        out.append(Risk(_text(r.get("text"), f"{w}, text", MAX_SHORT, required=True), kind,
                        low, high, prob))
    return tuple(out)


def _assumptions(value: Any) -> tuple[Assumption, ...]:
    out = []
    allowed = ("namn", "varde", "intervall", "kalla")
    for i, r in enumerate(_rows(value, "antaganden"), start=1):
        w = f"antaganden, rad {i}"
        _unknown(r, allowed, w)
        out.append(Assumption(_text(r.get("namn"), f"{w}, namn", MAX_SHORT, required=True),
                              _text(r.get("varde"), f"{w}, varde", MAX_SHORT, required=True),
                              _text(r.get("intervall"), f"{w}, intervall", MAX_SHORT),
                              _text(r.get("kalla"), f"{w}, kalla", MAX_SHORT)))
    return tuple(out)


def parse_narrative(data: Any, divisions: Sequence[str] | None = None) -> Narrative:
    """A :class:`Narrative` from the file format's mapping, every field checked.

    Args:
        data: the parsed YAML/JSON (a mapping with the keys of :data:`KEYS`).
        divisions: the dataset's divisions; a comment for another name is refused.

    Raises:
        NarrativeError: the first field that cannot be used (field and row named).
    """
    if data is None:
        return Narrative()
    if not isinstance(data, Mapping):
        raise NarrativeError("berättelsen ska vara fält med namn och värde (sammanfattning, "
                             "divisioner, atgarder, risker, antaganden).")
    _unknown(data, KEYS, "berättelsen")
    divs = data.get("divisioner") or {}
    if not isinstance(divs, Mapping):
        raise NarrativeError("divisioner: ska vara division: kommentar.")
    comments = []
    for name, text in divs.items():
        d = _text(name, "divisioner", MAX_SHORT, required=True)
        if divisions is not None and d not in divisions:
            raise NarrativeError(f"divisioner: {d!r} finns inte i datasetet; kända: "
                                 f"{', '.join(divisions)}.")
        t = _text(text, f"divisioner, {d}", MAX_TEXT)
        if t:
            comments.append((d, t))
    return Narrative(summary=_text(data.get("sammanfattning"), "sammanfattning", MAX_TEXT),
                     divisions=tuple(comments), measures=_measures(data.get("atgarder")),
                     risks=_risks(data.get("risker")),
                     assumptions=_assumptions(data.get("antaganden")))


def load_narrative_bytes(data: bytes, name: str,
                         divisions: Sequence[str] | None = None) -> Narrative:
    """A narrative file's bytes (YAML or JSON, UTF-8), bounded and checked.

    Raises:
        NarrativeError: too large, not UTF-8, not YAML/JSON, or a field that cannot be used;
            the message starts with the file's name.
    """
    if len(data) > MAX_FILE_BYTES:
        raise NarrativeError(f"{name}: filen är {len(data) // 1024} kB; högst "
                             f"{MAX_FILE_BYTES // 1024} kB tillåts.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NarrativeError(f"{name}: filen är inte UTF-8-text.") from None
    import yaml

    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (rad {mark.line + 1})" if mark is not None else ""
        raise NarrativeError(f"{name}: inte giltig YAML/JSON{where}.") from None
    try:
        return parse_narrative(parsed, divisions)
    except NarrativeError as exc:
        raise NarrativeError(f"{name}: {exc}") from None


def narrative_from_json(text: str, *, author: str = "", version: int = 0,
                        created: str = "") -> Narrative:
    """A stored narrative (JSON of :meth:`Narrative.to_payload`)."""
    return replace(parse_narrative(json.loads(text)), author=author, version=version,
                   created=created)


FILE_HEADER = ("# Berättelse till rapporten (budgetprognos). Belopp i mkr med högst en decimal;\n"
               "# läses in igen med «rapport --berattelse FIL», «berattelse spara FIL» eller i\n"
               "# appen (Export → Berättelse till rapporten).\n")


def narrative_to_yaml(n: Narrative) -> bytes:
    """``n`` in the file format (UTF-8 YAML) that :func:`load_narrative_bytes` reads back."""
    import yaml

    body = yaml.safe_dump(n.to_payload(), allow_unicode=True, sort_keys=False, width=100)
    return (FILE_HEADER + body).encode("utf-8")
