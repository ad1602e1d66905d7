"""Swedish names of every assumption field, for side-by-side comparisons and exports."""

from __future__ import annotations

from scenarios.assumptions import PARAM_NAMES

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
