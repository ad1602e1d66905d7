"""The report states nothing the data do not hold: a missing budget or previous year is said.

Data: :mod:`tests.own_ledger` (January–April of 2022 and 2023, budget for January–April 2023
only, no agency FTE).
"""

from __future__ import annotations

import pandas as pd
import pytest

from forecast.engine.region import standard_forecast
from forecast.report.builder import build_report
from forecast.report.model import Paragraph
from tests import own_ledger as O


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a Dataset
    return O.dataset(tmp_path_factory.mktemp("own"))


def _text(ds, month: str) -> str:
    rf = standard_forecast(ds, pd.Period(month, "M"), n_paths=50)
    rep = build_report(ds, rf.as_of, rf)
    tables = rep.tables()
    return "\n".join(b.render(tables) for b in rep.blocks() if isinstance(b, Paragraph))


def test_no_budget_no_previous_year(ds) -> None:
    text = _text(ds, "2022-04")
    assert "budgeterade" not in text and "sämre än budget" not in text
    assert "inom taket" not in text and "över taket" not in text
    assert " – " not in text.replace("januari–april", "")  # no missing value printed as a dash
    assert "Budget för 2022 saknas i indata, så varken avvikelse mot budget eller " \
           "sannolikheten för en budget i balans kan anges." in text
    assert "Nettokostnadsutvecklingen för januari–april kan inte beräknas: utfall för samma " \
           "period föregående år saknas i indata." in text
    assert "Årsarbetare för inhyrd personal saknas i indata." in text


def test_partial_budget_is_flagged_and_no_development_against_part_of_a_year(ds) -> None:
    text = _text(ds, "2023-04")
    assert "Budget 2023 finns bara för januari–april 2023" in text
    dev = text.split("Nettokostnadsutvecklingen för januari–april var ")[1].split("\n")[0]
    assert dev.startswith("8,0\u00a0%")
    assert "Enligt årsprognosen" not in dev  # the year against part of last year: not said
