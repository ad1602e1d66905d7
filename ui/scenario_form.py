"""The scenario controls and their pure mapping to and from a Scenario.

The blocks say which assumption fields the page shows.

A scenario is edited as one *base* (the preset or stored scenario) plus control values. Each
assumption type has one block of controls; a field the page does not show keeps the base's
value, so a preset round-trips unchanged (:func:`controls_from_scenario` then
:func:`scenario_from_controls` gives the preset back). Both functions are pure and tested.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import JsonValue, ValidationError

from forecast.io.entry import NumberField
from scenarios import assumptions as A

if TYPE_CHECKING:
    import pandas as pd
    from pydantic_core import ErrorDetails

Kind = Literal["range", "float", "int", "bool", "month", "optmonth"]
ControlValue = float | bool | str | None
"""A control's value: a number (None while its text does not parse), a switch or a month."""
Data = dict[str, JsonValue]
"""An assumption or scenario as JSON (``model_dump(mode="json")``)."""


@dataclass(frozen=True)
class Control:
    """One field of an assumption shown on the page."""

    field: str
    label: str
    kind: Kind
    min: float | None = None
    max: float | None = None
    step: float = 1.0
    help: str = ""
    decimals: int = 2
    """Decimals the number field accepts and shows."""
    none_label: str = ""
    """For an optional month: what the empty choice means, in Swedish."""


@dataclass(frozen=True)
class Block:
    """The controls of one assumption type and how to make a default instance."""

    type: str
    controls: tuple[Control, ...]
    defaults: Mapping[str, JsonValue]
    """Required fields without a model default (values for a newly enabled block)."""


def number(v: object) -> float:
    """The number of a control value or a JSON field (TypeError for anything else)."""
    if isinstance(v, bool | int | float | str):
        return float(v)
    raise TypeError(f"väntade ett tal, fick {v!r}")


def whole_number(v: object) -> int:
    """The whole number of a control value or a JSON field (TypeError for anything else)."""
    if isinstance(v, bool | int | float | str):
        return int(v)
    raise TypeError(f"väntade ett heltal, fick {v!r}")


def _pct(field: str, label: str, lo: float | None, hi: float | None, step: float,
         help: str = "", decimals: int = 2) -> Control:
    return Control(field, label, "range", lo, hi, step, help, decimals)


FIRST_MONTH = "första prognosmånaden"
"""What an empty optional start month means (the models' default)."""


BLOCKS: tuple[Block, ...] = (
    Block("dygnsvila", (
        Control("start", "Startmånad", "month", help="AB från 2023-10, läkare från 2024-02"),
        _pct("extra_need", "Extra bemanningsbehov, % av egen personalkostnad", 0.0, 100.0, 0.5,
             "Inget publicerat underlag finns: ange ett intervall."),
        Control("extra_fte", "Ange behovet i årsarbetare i stället", "bool",
                help="Då gäller årsarbetarna nedan gånger kostnaden per årsarbetare, inte "
                     "procenten ovan."),
        _pct("extra_fte", "Extra årsarbetare", 0.0, 100_000.0, 1.0, decimals=1),
        Control("staff_share", "Personalgruppens andel av personalkostnaden (0–1)", "float",
                0.0, 1.0, 0.05),
        Control("agency_share", "Andel som täcks av hyrpersonal (0–1)", "float", 0.0, 1.0, 0.05),
        Control("overtime_share", "Andel som täcks av övertid (0–1)", "float", 0.0, 1.0, 0.05),
        _pct("agency_multiplier", "Hyrpersonalens kostnad jämfört med egen personal, ×",
             1.0, 10.0, 0.1),
    ), {}),
    Block("hyrpersonal", (
        Control("target_share_pct", "Mål för hyrandel, % av personalkostnad", "float",
                0.0, 100.0, 0.1, "Regionernas gemensamma mål: högst 2 %."),
        Control("target_month", "Målet nås (månad)", "optmonth",
                none_label="december prognosåret"),
        Control("ramp_start", "Nedtrappningen börjar (månad)", "optmonth",
                none_label=FIRST_MONTH),
        _pct("agency_multiplier", "Hyrpersonalens kostnad jämfört med egen personal, ×",
             1.0, 10.0, 0.1),
    ), {}),
    Block("omstallningsplan", (
        Control("realisation_pct", "Ange realiseringsgrad själv", "bool",
                help="Annars används den realiseringsgrad som data visar hittills."),
        _pct("realisation_pct", "Realiseringsgrad, % av planerad effekt", 0.0, 200.0, 1.0),
        Control("ramp_months", "Upptrappning, månader", "int", 0.0, 36.0, 1.0, decimals=0),
        Control("carry_over", "Effekten fortsätter planåren", "bool"),
    ), {}),
    Block("lon", (
        _pct("pct", "Löneökning, %", -20.0, 50.0, 0.1, "Märket: 4,1 % (2023), 3,3 % (2024)."),
        Control("month", "Gäller från", "month"),
        Control("baseline_pct", "Redan i basprognosen, %", "float", -20.0, 50.0, 0.1),
        Control("repeat_yearly", "Upprepa varje år", "bool"),
    ), {}),
    Block("pris", (
        _pct("pct_per_year", "Extra prisökning, % per år", -50.0, 100.0, 0.1,
             "T.ex. enligt SKR:s LPIK; ingen förvald nivå."),
        Control("start", "Från månad", "optmonth", none_label=FIRST_MONTH),
    ), {"pct_per_year": {"low": 0.0, "likely": 1.0, "high": 2.0}}),
    Block("statsbidrag", (
        _pct("amount_tkr", "Belopp, tkr", -10_000_000.0, 10_000_000.0, 1000.0,
             "Negativt belopp = indraget bidrag.", decimals=0),
        Control("month", "Bokförs (månad)", "month"),
        Control("recurring", "Varje månad från och med månaden", "bool"),
    ), {"amount_tkr": {"low": 0.0, "likely": 10_000.0, "high": 20_000.0}}),
    Block("volym", (
        _pct("pct", "Volymförändring, %", -50.0, 100.0, 0.5),
        Control("start", "Från månad", "optmonth", none_label=FIRST_MONTH),
    ), {"pct": {"low": 0.0, "likely": 1.0, "high": 2.0}}),
    Block("sjukfranvaro", (
        _pct("change_pp", "Förändring av sjukfrånvaron, procentenheter", -20.0, 20.0, 0.1),
        _pct("elasticity_pct_per_pp", "Personalkostnad, % per procentenhet", 0.0, 20.0, 0.1),
        Control("start", "Från månad", "optmonth", none_label=FIRST_MONTH),
    ), {"change_pp": {"low": -1.0, "likely": -0.5, "high": 0.0}}),
)

MODELS: dict[str, type[A._Assumption]] = {
    "dygnsvila": A.Dygnsvila, "hyrpersonal": A.Hyrpersonal, "omstallningsplan": A.Omstallningsplan,
    "lon": A.Lon, "pris": A.Pris, "statsbidrag": A.Statsbidrag, "volym": A.Volym,
    "sjukfranvaro": A.Sjukfranvaro,
}

ENABLED = "enabled"
RANGE_PARTS = ("low", "likely", "high")
OPTIONAL_RANGES = {("omstallningsplan", "realisation_pct"), ("dygnsvila", "extra_fte")}
"""Range fields that may be None; a bool control of the same field switches them on."""


def path(type_: str, field: str, part: str = "") -> str:
    """The control path ``type.field[.part]`` (also the widget key suffix)."""
    return f"{type_}.{field}" + (f".{part}" if part else "")


def default_assumption(type_: str, first_month: str) -> Data:
    """A new assumption of ``type_`` as a dict, valid with the model's defaults."""
    block = next(b for b in BLOCKS if b.type == type_)
    data: Data = {"type": type_, **block.defaults}
    for c in block.controls:
        if c.kind == "month" and c.field not in data:
            model_default = MODELS[type_].model_fields[c.field].default
            if model_default is None or str(model_default).startswith("Pydantic"):
                data[c.field] = first_month
    return MODELS[type_].model_validate(data).model_dump(mode="json")


def controls_from_scenario(scenario: A.Scenario, first_month: str) -> dict[str, ControlValue]:
    """Control values for ``scenario``: the first assumption of each type fills its block.

    Blocks of types the scenario lacks get the type's defaults and ``enabled = False``.
    """
    values: dict[str, ControlValue] = {}
    present: dict[str, Data] = {}
    for a in scenario.assumptions:
        present.setdefault(a.type, a.model_dump(mode="json"))
    for block in BLOCKS:
        data = present.get(block.type) or default_assumption(block.type, first_month)
        values[path(block.type, ENABLED)] = block.type in present
        for c in block.controls:
            v = data.get(c.field)
            if c.kind == "range":
                rng = v if isinstance(v, dict) else _fallback_range(block.type, c.field)
                for part in RANGE_PARTS:
                    values[path(block.type, c.field, part)] = number(rng[part])
            elif c.kind == "bool" and (block.type, c.field) in OPTIONAL_RANGES:
                values[path(block.type, c.field, "set")] = v is not None
            elif c.kind == "bool":
                values[path(block.type, c.field)] = bool(v)
            elif c.kind in ("month", "optmonth"):
                values[path(block.type, c.field)] = str(v) if v else ""
            elif c.kind == "int":
                values[path(block.type, c.field)] = whole_number(v or 0)
            else:
                values[path(block.type, c.field)] = number(data[c.field])
    return values


def _fallback_range(type_: str, field: str) -> dict[str, float]:
    if (type_, field) == ("omstallningsplan", "realisation_pct"):
        return {"low": 48.0, "likely": 64.0, "high": 80.0}
    if (type_, field) == ("dygnsvila", "extra_fte"):
        return {"low": 20.0, "likely": 40.0, "high": 60.0}
    return {"low": 0.0, "likely": 0.0, "high": 0.0}


def scenario_from_controls(base: A.Scenario, values: Mapping[str, ControlValue], *,
                           first_month: str, name: str | None = None) -> A.Scenario:
    """The scenario the controls describe: ``base`` with each block's fields overridden.

    The first assumption of an enabled type is updated in place (its other fields and any
    further assumptions of that type are kept); an enabled type missing from ``base`` is
    appended with defaults; assumptions of a disabled type are removed.

    Raises:
        pydantic.ValidationError: if a value is out of range (e.g. low > likely).
    """
    blocks = {b.type: b for b in BLOCKS}
    out: list[JsonValue] = []
    done: set[str] = set()

    def updated(data: Data, block: Block) -> Data:
        data = dict(data)
        for c in block.controls:
            key = path(block.type, c.field)
            if c.kind == "range":
                if (block.type, c.field) in OPTIONAL_RANGES and \
                        not values.get(path(block.type, c.field, "set"), False):
                    data[c.field] = None
                    continue
                data[c.field] = {p: number(values[path(block.type, c.field, p)])
                                 for p in RANGE_PARTS}
            elif c.kind == "bool" and (block.type, c.field) in OPTIONAL_RANGES:
                continue
            elif c.kind == "optmonth":
                data[c.field] = values.get(key) or None
            elif c.kind == "month":
                data[c.field] = values.get(key) or data.get(c.field)
            elif c.kind == "int":
                data[c.field] = whole_number(values[key])
            elif c.kind == "bool":
                data[c.field] = bool(values[key])
            else:
                data[c.field] = number(values[key])
        return data

    for a in base.assumptions:
        block = blocks.get(a.type)
        if block is None:
            out.append(a.model_dump(mode="json"))
            continue
        if not values.get(path(a.type, ENABLED), False):
            continue
        if a.type in done:
            out.append(a.model_dump(mode="json"))
            continue
        done.add(a.type)
        out.append(updated(a.model_dump(mode="json"), block))
    for block in BLOCKS:
        if block.type not in done and values.get(path(block.type, ENABLED), False):
            out.append(updated(default_assumption(block.type, first_month), block))
    data = base.model_dump(mode="json")
    data["assumptions"] = out
    if name:
        data["name"] = name
    return A.Scenario.model_validate(data)


# --------------------------------------------------------------------------- number fields


def number_fields() -> dict[str, NumberField]:
    """The number field of every numeric control, by control path (``type.field[.part]``).

    A range control has three fields whose labels name the part ("… – låg"), so a screen
    reader and an error message say which of the three is meant.
    """
    out: dict[str, NumberField] = {}
    for block in BLOCKS:
        for c in block.controls:
            if c.kind == "range":
                for part, word in zip(RANGE_PARTS, PART_WORDS, strict=True):
                    out[path(block.type, c.field, part)] = NumberField(
                        f"{c.label} – {word}", c.min, c.max, c.decimals)
            elif c.kind in ("float", "int"):
                out[path(block.type, c.field)] = NumberField(
                    c.label, c.min, c.max, 0 if c.kind == "int" else c.decimals)
    return out


PART_WORDS = ("låg", "trolig", "hög")
"""Swedish names of a range's parts, in :data:`RANGE_PARTS` order."""

_WORDS = {"low": "låg", "likely": "trolig", "high": "hög"}
_PYDANTIC = {
    "greater_than_equal": "måste vara minst {ge}",
    "less_than_equal": "måste vara högst {le}",
    "greater_than": "måste vara större än {gt}",
    "less_than": "måste vara mindre än {lt}",
    "missing": "saknas",
    "string_pattern_mismatch": "har fel form (månad skrivs ÅÅÅÅ-MM)",
    "int_parsing": "måste vara ett heltal",
    "float_parsing": "måste vara ett tal",
}


def _labels_by_field() -> dict[tuple[str, str], str]:
    return {(b.type, c.field): c.label for b in BLOCKS for c in b.controls}


def _swedish_numbers(text: str) -> str:
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


def validation_messages(errors: Sequence[ErrorDetails]) -> list[str]:
    """Swedish messages for pydantic's ``exc.errors()`` of a scenario, naming the control.

    "assumptions.0.dygnsvila.extra_need: Value error, måste uppfylla low ≤ likely ≤ high"
    becomes "Dygnsvila › Extra bemanningsbehov …: måste uppfylla låg ≤ trolig ≤ hög …".
    """
    labels = _labels_by_field()
    out: list[str] = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ())]
        type_ = next((x for x in loc if x in A.TYPE_NAMES), "")
        rest = loc[loc.index(type_) + 1:] if type_ else loc
        where = A.TYPE_NAMES.get(type_, "Scenariot")
        if rest:
            field = labels.get((type_, rest[0]), rest[0])
            part = " – ".join(_WORDS.get(x, x) for x in rest[1:])
            where += f" › {field}" + (f" – {part}" if part else "")
        kind = str(e.get("type", ""))
        if kind in _PYDANTIC:
            ctx = {k: _swedish_numbers(str(v)) for k, v in (e.get("ctx") or {}).items()}
            msg = _PYDANTIC[kind].format_map({**{"ge": "", "le": "", "gt": "", "lt": ""}, **ctx})
        else:
            msg = str(e.get("msg", "")).removeprefix("Value error, ")
            for en, sv in {**_WORDS, **{f: labels.get((type_, f), f) for f in
                                        ("agency_share", "overtime_share")}}.items():
                msg = re.sub(rf"\b{en}\b", sv, msg)
            msg = _swedish_numbers(msg)
        out.append(f"{where}: {msg}")
    return out


# --------------------------------------------------------------------------- plan measures

MEASURE_COLUMNS = ("Namn", "Belopp, mkr per år", "Start", "Enhet", "Konto", "Realisering låg",
                   "Realisering trolig", "Realisering hög")
AMOUNT_FIELD = NumberField("Belopp, mkr per år", 0.001, A.MAX_TKR / 1000.0, 3)
REALISATION_FIELD = NumberField("Realisering, %", 0.0, 200.0, 1)


def measure_rows(measures: Sequence[A.PlanMeasure], whole_region: str) -> pd.DataFrame:
    """The editor's rows of the user's measures (amount in mkr as Swedish text)."""
    import pandas as pd

    rows = []
    for m in measures:
        r = m.realisation_pct
        rows.append({"Namn": m.name, "Belopp, mkr per år": AMOUNT_FIELD.show(
            m.planned_annual_tkr / 1000.0), "Start": m.start, "Enhet": m.unit or whole_region,
            "Konto": m.account,
            "Realisering låg": REALISATION_FIELD.show(r.low) if r else "",
            "Realisering trolig": REALISATION_FIELD.show(r.likely) if r else "",
            "Realisering hög": REALISATION_FIELD.show(r.high) if r else ""})
    return pd.DataFrame(rows, columns=list(MEASURE_COLUMNS))


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v) or str(v).strip() == ""


def _measure(i: int, row: Mapping[str, object], whole_region: str
             ) -> tuple[A.PlanMeasure | None, list[str]]:
    where = f"Åtgärd rad {i + 1}"
    errors: list[str] = []
    for col in ("Namn", "Belopp, mkr per år", "Start", "Enhet", "Konto"):
        if _blank(row.get(col)):
            errors.append(f"{where}, kolumn {col}: saknas")
    if errors:
        return None, errors
    from forecast.io.entry import EntryError

    try:
        amount = AMOUNT_FIELD.parse(str(row["Belopp, mkr per år"]))
    except EntryError as exc:
        return None, [f"{where}, kolumn Belopp: {exc}"]
    parts = [row.get(f"Realisering {w}") for w in PART_WORDS]
    rate: dict[str, float] | None = None
    if not all(_blank(p) for p in parts):
        if any(_blank(p) for p in parts):
            return None, [f"{where}: ange realisering låg, trolig och hög, eller ingen"]
        try:
            vals = [REALISATION_FIELD.parse(str(p)) for p in parts]
        except EntryError as exc:
            return None, [f"{where}, kolumn Realisering: {exc}"]
        rate = dict(zip(RANGE_PARTS, vals, strict=True))
    unit = "" if row["Enhet"] == whole_region else str(row["Enhet"])
    try:
        return A.PlanMeasure(name=str(row["Namn"]).strip(), unit=unit,
                             account=str(row["Konto"]), planned_annual_tkr=amount * 1000.0,
                             start=str(row["Start"]), realisation_pct=rate), []
    except ValidationError as exc:
        return None, [f"{where}: {m}" for m in validation_messages(exc.errors())]


def measures_from_rows(rows: Sequence[Mapping[str, object]], *, whole_region: str
                       ) -> tuple[list[A.PlanMeasure], list[str]]:
    """The user's measures from the editor's rows, or Swedish messages naming row and column.

    Completely empty rows are ignored; nothing else is dropped or guessed.
    """
    out: list[A.PlanMeasure] = []
    errors: list[str] = []
    for i, row in enumerate(rows):
        if all(_blank(row.get(c)) for c in MEASURE_COLUMNS):
            continue
        m, errs = _measure(i, row, whole_region)
        errors += errs
        if m is not None:
            out.append(m)
    return out, errors


def with_plan_measures(scenario: A.Scenario, added: Sequence[A.PlanMeasure],
                       with_data: bool) -> A.Scenario:
    """``scenario`` with its (first) omställningsplan's added measures replaced.

    ``with_data`` False leaves the data set's measures out (``measures = []``).
    """
    out = []
    done = False
    for a in scenario.assumptions:
        if isinstance(a, A.Omstallningsplan) and not done:
            done = True
            keep = (None if a.measures == [] else a.measures) if with_data else []
            a = a.model_copy(update={"added": list(added), "measures": keep})
        out.append(a)
    return scenario.model_copy(update={"assumptions": out})
