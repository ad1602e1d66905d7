"""The openpyxl adapter against the library: fails when openpyxl's internals it reads change."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from forecast.io.openpyxl_stream import can_stream, sheet_rows


def _book() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Månad", "Belopp"])
    ws.append([dt.datetime(2023, 4, 30), -1234.5])
    ws["D5"] = "långt bort"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_rows_stream_as_written_and_agree_with_the_public_reader() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(_book()), read_only=True, data_only=True)
    ws = wb["Data"]
    assert can_stream(ws) and not can_stream(object())
    with sheet_rows(ws) as rows:
        got = {idx: {c["column"]: c["value"] for c in cells} for idx, cells in rows}
    assert got == {1: {1: "Månad", 2: "Belopp"}, 2: {1: dt.datetime(2023, 4, 30), 2: -1234.5},
                   5: {4: "långt bort"}}
    public = {i: {j: v for j, v in enumerate(r, 1) if v is not None}
              for i, r in enumerate(ws.iter_rows(values_only=True), 1)}
    assert got == {i: cells for i, cells in public.items() if cells}
