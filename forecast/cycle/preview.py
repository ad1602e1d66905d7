"""The effect of saved adjustments before they are laid: statistical → adjusted (pure).

The preview is the very draft «Lägg prognos» would store (:func:`forecast.cycle.laid.build_laid`
on the statistical forecast and the saved set), so what the controller sees before laying is
what the laid version will say; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence

from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.laid import LaidForecast, build_laid
from forecast.engine.result import RegionForecast

PREVIEW_AUTHOR = "förhandsvisning"
PREVIEW_COMMENT = "ej lagd"
PREVIEW_METHOD = "förhandsvisning av sparade justeringar"


def preview(rf: RegionForecast, adjustments: Sequence[Adjustment], *,
            dataset: str) -> LaidForecast:
    """The unsaved laid-forecast draft of ``adjustments`` on the statistical forecast ``rf``.

    Its tables (:func:`forecast.cycle.tables.adjusted_frame`) and summary are those the laid
    version would have.

    Raises:
        AdjustmentError: an adjustment does not fit ``rf`` (Swedish, names the adjustment).
    """
    return build_laid(apply_adjustments(rf, tuple(adjustments)), dataset=dataset,
                      author=PREVIEW_AUTHOR, comment=PREVIEW_COMMENT, method=PREVIEW_METHOD)


def _content(a: Adjustment) -> dict[str, object]:
    d = a.to_dict()
    d.pop("created")
    return d


def same_adjustments(saved: Sequence[Adjustment], laid: Sequence[Adjustment]) -> bool:
    """True if two adjustment sets say the same, in the same order (their times apart).

    Saving the edit table again stamps every row anew; that alone changes nothing to lay.
    """
    return [_content(a) for a in saved] == [_content(a) for a in laid]
