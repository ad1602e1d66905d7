"""Render the committee report's pages for April 2023 to PNG under test-artifacts/report/.

Four documents from the forecast of record (``report_of_record``): statistical (PDF), laid with
an adjustment and a laid March for the change section (PDF), the same with the scenario
``kombinerat`` (PDF), and the laid one in Word, plain and on a .dotx template (LibreOffice →
PDF). The PDFs are kept beside the pages. The
narrative is tests/data/berattelse_2023-04.yaml. Run: ``.venv/bin/python scripts/report_pages.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
from docx import Document
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecast.cycle.adjustments import Adjustment, apply_adjustments  # noqa: E402
from forecast.cycle.laid import build_laid  # noqa: E402
from forecast.cycle.laid_store import LaidStore  # noqa: E402
from forecast.cycle.record import Spec, resolve  # noqa: E402
from forecast.io.formatting import month_label  # noqa: E402
from forecast.ledger.dataset import load_default  # noqa: E402
from forecast.report.charts import render_all  # noqa: E402
from forecast.report.cycle_change import laid_change  # noqa: E402
from forecast.report.docx_writer import report_to_docx  # noqa: E402
from forecast.report.narrative import load_narrative_bytes  # noqa: E402
from forecast.report.of_record import report_of_record  # noqa: E402
from forecast.report.pdf_writer import report_to_pdf  # noqa: E402
from forecast.store.statistical import StatisticalStore  # noqa: E402
from scenarios.files import load_scenario  # noqa: E402
from scenarios.reporting import risk_for  # noqa: E402
from tests.docx_support import save_as_dotx  # noqa: E402
from tests.report.fixtures import page_fill  # noqa: E402

OUT = ROOT / "test-artifacts" / "report"
APRIL, MARCH = pd.Period("2023-04", "M"), pd.Period("2023-03", "M")


def _pages(pdf: bytes, name: str) -> None:
    (OUT / f"{name}.pdf").write_bytes(pdf)
    doc = pdfium.PdfDocument(pdf)
    for i in range(len(doc)):
        doc[i].render(scale=1.4).to_pil().save(OUT / f"{name}-p{i + 1}.png")
    fill = " ".join(f"{page_fill(doc[i]):.0%}" for i in range(len(doc)))
    print(f"{name}: {len(doc)} sidor, fyllda {fill}")


def _dotx(path: Path) -> Path:
    """A narrow region's template: 3 cm margins, an 11 pt serif body, its own header."""
    tpl = Document()
    sec = tpl.sections[0]
    sec.left_margin = sec.right_margin = Cm(3.0)
    tpl.styles["Normal"].font.name, tpl.styles["Normal"].font.size = "Liberation Serif", Pt(11)
    tpl.sections[0].header.paragraphs[0].text = "Region Exempel · Hälso- och sjukvårdsnämnden"
    return save_as_dotx(tpl, path)


def main() -> None:
    """Render the four documents."""
    OUT.mkdir(parents=True, exist_ok=True)
    ds = load_default()
    narrative = load_narrative_bytes((ROOT / "tests/data/berattelse_2023-04.yaml").read_bytes(),
                                     "berattelse_2023-04.yaml", list(ds.org.divisions))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/store.db"
        stat, laid = StatisticalStore(url), LaidStore(url)
        spec = Spec(n_paths=300, seed=0)

        def rec(as_of: pd.Period):
            return resolve(ds, as_of, dataset="exempel", laid=laid, store=stat, spec=spec)

        statistical = rec(APRIL)
        r = report_of_record(ds, statistical, narrative=narrative, region="Region Exempel")
        _pages(report_to_pdf(r, render_all(r.charts())), "april2023-statistisk")
        for as_of, adjs in ((MARCH, []), (APRIL, [Adjustment(
                comment="Dygnsvila från oktober", amount_tkr=-6000.0, division="Medicin",
                category="Personalkostnader", start="2023-10", end="2023-12",
                rule="prognos", author="Anna")])):
            base = rec(as_of)
            keys = base.statistical.keys
            cat = keys.loc[keys["account"] == "Personalkostnader", "category"].iloc[0]
            af = apply_adjustments(base.statistical, [replace(a, category=str(cat))
                                                      for a in adjs])
            laid.lay(build_laid(af, dataset="exempel", author="Anna",
                                comment=f"Lagd {month_label(as_of, long=True)}",
                                method="standard", stat_forecast_id=base.stat_id))
        laid_rec = rec(APRIL)
        change = laid_change(laid, "exempel", APRIL)
        r = report_of_record(ds, laid_rec, change=change, narrative=narrative,
                             region="Region Exempel")
        charts = render_all(r.charts())
        _pages(report_to_pdf(r, charts), "april2023-lagd")
        scen = load_scenario(ROOT / "scenarios/examples/kombinerat.yaml")
        risk = risk_for(laid_rec.final, scen.model_copy(update={"n_draws": 2000}), ds,
                        base=laid_rec.heading())
        rs = report_of_record(ds, laid_rec, change=change, risk=risk, narrative=narrative,
                              region="Region Exempel")
        _pages(report_to_pdf(rs, render_all(rs.charts())), "april2023-lagd-scenario")
        for name, template in (("april2023-lagd-word", None),
                               ("april2023-mall-word", _dotx(Path(tmp) / "mall.dotx"))):
            word = Path(tmp) / f"{name}.docx"
            word.write_bytes(report_to_docx(r, charts, template=template))
            (OUT / word.name).write_bytes(word.read_bytes())
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp,
                            str(word)], check=True, capture_output=True, timeout=300)
            _pages((Path(tmp) / f"{name}.pdf").read_bytes(), name)


if __name__ == "__main__":
    main()
