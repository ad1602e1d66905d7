"""Swedish names of every assumption field, for side-by-side comparisons and exports."""

from __future__ import annotations

from scenarios.assumptions import PARAM_NAMES, Scenario

FIELD_LABELS: dict[str, str] = {
    **PARAM_NAMES,
    "start": "Startmånad",
    "staff_group": "Personalgrupp",
    "staff_share": "Personalgruppens andel av personalkostnaden",
    "units": "Enheter (tomt = alla)",
    "agency_share": "Andel som täcks av hyrpersonal",
    "overtime_share": "Andel som täcks av övertid",
    "target_share_pct": "Mål för hyrandel, %",
    "target_month": "Målet nås (månad)",
    "ramp_start": "Nedtrappningen börjar (månad)",
    "categories": "Kostnadsslag",
    "own_cost_per_fte_tkr": "Egen kostnad per årsarbetare, tkr",
    "measures": "Åtgärder (tomt = datans)",
    "added": "Tillagda åtgärder",
    "ramp_months": "Upptrappning, månader",
    "carry_over": "Effekten fortsätter planåren",
    "month": "Månad",
    "baseline_pct": "Redan i basprognosen, %",
    "repeat_yearly": "Upprepa varje år",
    "recurring": "Varje månad",
    "end": "Slutmånad",
    "account": "Konto",
}
"""Swedish label per field name (the same name means the same thing in every type)."""

TYPE_FIELD_LABELS: dict[tuple[str, str], str] = {
    ("lon", "pct"): "Löneökning, %",
    ("volym", "pct"): "Volymförändring, %",
    ("statsbidrag", "month"): "Bokförs (månad)",
    ("lon", "month"): "Gäller från",
}


def field_label(type_: str, name: str) -> str:
    """The Swedish label of field ``name`` of assumption type ``type_``."""
    return TYPE_FIELD_LABELS.get((type_, name)) or FIELD_LABELS.get(name, name)


FIELD_SOURCES: dict[tuple[str, str], str] = {
    ("dygnsvila", "start"): "Kollektivavtalet AB (SKR, Sobona, Vårdförbundet): från 1 oktober "
                            "2023; för läkare från 1 februari 2024",
    ("dygnsvila", "extra_need"): "Antagande: ingen publicerad siffra för merkostnaden finns",
    ("dygnsvila", "extra_fte"): "Antagande: ingen publicerad siffra för merbehovet finns",
    ("hyrpersonal", "target_share_pct"): "Regionernas gemensamma mål sedan 2016 (SKR): högst "
                                         "2 % av personalkostnaden",
    ("lon", "pct"): "Industrins märke: 4,1 % 2023, 3,3 % 2024, 3,4 % 2025",
    ("lon", "month"): "Löneöversynen gäller normalt från 1 april",
    ("omstallningsplan", "realisation_pct"): "Jämförelse: Region Västerbotten augusti 2022, "
                                             "65 av 101 mkr = 64 %",
}
"""Where a setting's figure comes from (public sources), by (type, field)."""

FIELD_SOURCES_ANY: dict[str, str] = {
    "agency_multiplier": "Regionernas uppgifter: hyrpersonal kostar 1,5–3 gånger egen personal",
}
EMPTY_MEANS = {"units": "alla enheter", "measures": "datans åtgärder",
               "added": "inga"}
OWN_SETTING = "Scenariots antagande"
"""The source of a setting no public figure backs: the scenario's author chose it."""


def _sv_value(v: object) -> str:
    """A setting's value in Swedish print: decimal comma, months as ``oktober 2023``."""
    from forecast.io.formatting import fmt_number, month_label
    from forecast.ledger.month import month_from_text

    if isinstance(v, bool):
        return "ja" if v else "nej"
    if isinstance(v, int | float):
        f = float(v)
        decimals = 0 if f == round(f) else 1 if f * 10 == round(f * 10) else 2
        return fmt_number(f, decimals)
    if isinstance(v, str) and len(v) == 7 and v[4] == "-" and v[:4].isdigit():
        return month_label(month_from_text(v), long=True)
    if v is None or v == [] or v == "":
        return "–"
    if isinstance(v, list):
        return ", ".join(_sv_value(x) for x in v)
    if isinstance(v, dict):
        return ", ".join(f"{field_label('', str(k))}: {_sv_value(x)}" for k, x in v.items()
                         if x not in (None, ""))
    return str(v)


def report_settings(scenario: Scenario) -> tuple[tuple[str, str, str, str], ...]:
    """(name, value, range, source) of every setting of every assumption, in Swedish.

    The name is the assumption's label and the setting's label; an uncertain setting's value
    is its likely value and its range ``low–high``; the source cites the public figure behind
    the setting, or says it is the scenario's own assumption.
    """
    out = []
    for label, a in zip(scenario.labels(), scenario.assumptions, strict=True):
        for name, v in a.model_dump(mode="json").items():
            if name in ("type", "label") or v is None:
                continue
            if v == [] and name in EMPTY_MEANS:
                v = EMPTY_MEANS[name]
            rng = ""
            if isinstance(v, dict) and {"low", "likely", "high"} <= set(v):
                rng = "" if v["low"] == v["high"] else \
                    f"{_sv_value(v['low'])}–{_sv_value(v['high'])}"
                v = v["likely"]
            source = FIELD_SOURCES.get((a.type, name)) or FIELD_SOURCES_ANY.get(name) \
                or OWN_SETTING
            out.append((f"{label.split('. ', 1)[1]}: {field_label(a.type, name).lower()}",
                        _sv_value(v), rng or "–", source))
    seen: dict[str, int] = {}
    for i, (name, value, rng, source) in enumerate(out):  # one label twice: numbered
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            out[i] = (f"{name} ({seen[name]})", value, rng, source)
    return tuple(out)
