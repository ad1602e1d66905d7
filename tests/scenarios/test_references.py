"""Issue 13, scenario files and references under hostile and careless input (one test per row
of the issue's table that concerns scenarios), plus the size limits of the Monte Carlo."""

from __future__ import annotations

from pathlib import Path

import pytest

from forecast.io.limits import LimitExceeded
from scenarios import assumptions as A
from scenarios.engine import apply, build_context
from scenarios.files import ScenarioFileError, _fmt, load_scenario, parse_text
from scenarios.montecarlo import prepare, run
from scenarios.references import check_references_in_data, reference_problems
from tests import hostile_files as H
from tests.scenario_fixtures import make_ds, make_rf

RF = make_rf()
DS = make_ds()


def report(path: Path) -> str:
    with pytest.raises(ScenarioFileError) as exc:
        load_scenario(path)
    return exc.value.report()


# --- row 4: YAML alias bomb in a scenario's description ---------------------------------------


def test_yaml_alias_bomb_is_refused_under_a_memory_limit(tmp_path: Path) -> None:
    path = H.alias_bomb_yaml(tmp_path)
    assert path.stat().st_size < 600
    res = H.run_limited(f"""
        from scenarios.files import ScenarioFileError, load_scenario
        try:
            load_scenario({str(path)!r})
        except ScenarioFileError as exc:
            print(exc.report())
    """, mem_mb=800, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "YAML-alias (*namn) tas inte emot" in res.stdout


def test_value_formatting_is_bounded_without_expanding_shared_structure() -> None:
    shared: list = ["lol"] * 9
    for _ in range(8):  # 9**9 leaves if expanded
        shared = [shared] * 9
    text = _fmt(shared)
    assert len(text) <= 80 and text.startswith("[[[[")


# --- row 5: a scenario with 3 000 assumptions -------------------------------------------------


def test_three_thousand_assumptions_are_refused_with_the_limit(tmp_path: Path) -> None:
    out = report(H.many_assumptions_yaml(tmp_path, 3_000))
    assert "assumptions: för många poster, 3000 (gränsen är 100)" in out


def test_a_hundred_assumptions_are_accepted_and_applied() -> None:
    sc = A.Scenario(name="hundra", assumptions=[A.Lon(pct=3.0 + i / 100, month="2023-10")
                                                for i in range(100)])
    res = apply(RF, sc)
    assert len(res.effects) == 100
    assert res.year_result() < res.year_result(baseline=True)


# --- row 6: --draws far above the file field's cap --------------------------------------------


def test_monte_carlo_refuses_draws_above_the_limit_before_drawing() -> None:
    sc = A.Scenario(name="t", assumptions=[A.Lon()])
    prep = prepare(RF, sc)
    with pytest.raises(LimitExceeded, match="dragningar.*1 000 000, fick 300 000 000"):
        run(prep, n_draws=300_000_000)


def test_monte_carlo_bounds_draws_times_parameters() -> None:
    sc = A.Scenario(name="t", assumptions=[A.Dygnsvila()] * 40)
    prep = prepare(RF, sc)
    with pytest.raises(LimitExceeded, match="Monte Carlo blir för stor"):
        run(prep, n_draws=1_000_000)


# --- row 9: categories: ["Läkemedl"] ----------------------------------------------------------


def test_category_typo_is_an_error_with_the_suggestion() -> None:
    sc = A.Scenario(name="t", assumptions=[A.Pris(pct_per_year=5, categories=["Läkemedl"])])
    with pytest.raises(ValueError) as exc:
        apply(RF, sc, ds=DS)
    msg = str(exc.value)
    assert "assumptions[0].categories: okänt konto eller kostnadsslag 'Läkemedl'" in msg
    assert "Menade du 'Läkemedel'?" in msg and "Personalkostnader" in msg
    with pytest.raises(ValueError, match="Läkemedl"):
        check_references_in_data(DS, sc)  # also before any forecast


@pytest.mark.parametrize("assumption, field", [
    (A.Statsbidrag(amount_tkr=1, month="2023-10", account="Erhålna bidrag"), "account"),
    (A.Volym(pct=1, categories=["Köpt vård"]), "categories"),
    (A.Lon(units=["K9"]), "units"),
    (A.Omstallningsplan(measures=[A.PlanMeasure(name="x", unit="K1", account="Lakemedel",
                                                planned_annual_tkr=10, start="2023-09")]),
     "measures[0].account"),
])
def test_every_reference_is_checked(assumption: object, field: str) -> None:
    sc = A.Scenario(name="t", assumptions=[assumption])
    found = reference_problems(build_context(RF, DS).units.tolist(), sc, DS.accounts)
    assert len(found) == 1 and found[0].startswith(f"assumptions[0].{field}:")


def test_a_category_with_no_series_is_a_visible_note() -> None:
    sc = A.Scenario(name="t", assumptions=[A.Pris(pct_per_year=5, categories=["Konsultkostnader"])])
    res = apply(RF, sc, ds=DS)
    assert any("ingen serie i basprognosen har Konsultkostnader" in n for n in res.notes)


def test_staff_group_is_a_closed_list() -> None:
    with pytest.raises(ScenarioFileError, match="staff_group"):
        parse_text("name: x\nassumptions:\n  - type: dygnsvila\n    staff_group: lakare\n",
                   "yaml")


# --- row 10: .nan / .inf / 1e300 in values; ranges everywhere ---------------------------------


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e300", "1e999"])
def test_nan_inf_and_absurd_values_are_refused(tmp_path: Path, value: str) -> None:
    out = report(H.scenario_yaml(tmp_path, "lon", f"type: lon\npct: {value}"))
    assert "assumptions[0].pct" in out
    assert ("ändligt tal" in out) or ("måste vara ≤ 50" in out) or ("måste vara ≥ -20" in out)


@pytest.mark.parametrize("yaml_item", [
    "type: volym\npct: {low: 0, likely: 1, high: .nan}",
    "type: statsbidrag\nmonth: 2023-10\namount_tkr: 1e300",
    "type: sjukfranvaro\nchange_pp: 1e300",
    "type: dygnsvila\nextra_fte: .inf",
    "type: lon\nbaseline_pct: .nan",
    "type: hyrpersonal\nown_cost_per_fte_tkr: .inf",
])
def test_every_number_entering_a_scenario_is_finite_and_bounded(tmp_path: Path,
                                                                yaml_item: str) -> None:
    report(H.scenario_yaml(tmp_path, "x", yaml_item))


def _unbounded(models: tuple[type, ...]) -> list[str]:
    unbounded = []
    for model in models:
        for name, f in model.model_fields.items():
            ann = f.annotation
            kinds = getattr(ann, "__args__", (ann,))
            numeric = [k for k in kinds if k in (int, float)]
            ranged = [k for k in kinds if isinstance(k, type) and issubclass(k, A.Range)]
            if numeric:
                bounds = [m for m in f.metadata if hasattr(m, "ge") or hasattr(m, "gt")
                          or hasattr(m, "le") or hasattr(m, "lt")]
                if len(bounds) < 2 and name != "year":
                    unbounded.append(f"{model.__name__}.{name}")
            for r in ranged:
                meta = r.model_fields["low"].metadata
                if not any(hasattr(m, "ge") for m in meta) or not any(hasattr(m, "le")
                                                                      for m in meta):
                    unbounded.append(f"{model.__name__}.{name}")
    return unbounded


def test_every_number_field_has_a_range() -> None:
    """Every number a file sets has a lower and an upper bound (documented per field)."""
    assert _unbounded((A.Dygnsvila, A.Hyrpersonal, A.PlanMeasure, A.Omstallningsplan, A.Lon,
                       A.Pris, A.Statsbidrag, A.Volym, A.Sjukfranvaro, A.Scenario)) == []

    class Loose(A.Lon):
        extra: float = 0.0
        other: A.AnyRange = A.AnyRange(low=0, likely=0, high=0)  # type: ignore[valid-type]

    assert _unbounded((Loose,)) == ["Loose.extra", "Loose.other"]
