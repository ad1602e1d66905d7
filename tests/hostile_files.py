"""Hostile and careless input files of issue 13, generated (nothing stored in the repo).

Each maker writes one file into a directory and returns its path; ``full=True`` gives the size
the issue measured (used by ``bench/bench_hostile.py``), ``full=False`` a smaller one for the
tests where the size does not matter for the behaviour. :func:`run_limited` runs a snippet in
a subprocess under an address-space limit, so a test fails (instead of taking the machine)
if the work is not bounded.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "Månad;Enhet;Konto;Typ;Belopp"
UNITS = ("K101", "K102", "M201")
ACCOUNTS = ("Personalkostnader", "Läkemedel", "Försäljning")


def ledger_lines(months: int = 4, units: tuple[str, ...] = UNITS,
                 accounts: tuple[str, ...] = ACCOUNTS, year: int = 2023) -> list[str]:
    """A small valid ledger (outcome Jan..months, budget all year) as CSV lines."""
    out = [HEADER]
    for u in units:
        for a in accounts:
            for m in range(1, 13):
                out.append(f"{year}-{m:02d};{u};{a};budget;-100,5")
                if m <= months:
                    out.append(f"{year}-{m:02d};{u};{a};utfall;-101,25")
    return out


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- CSV ------------------------------------------------------------------------------------


def wide_header_csv(d: Path, fields: int = 500_000, rows: int = 0) -> Path:
    """A header of ``fields`` fields (4.9 MB at 500 000), and ``rows`` data rows each as wide
    (the issue's 40 000 × 5 000 case had short rows, which the old reader padded out).
    """
    head = ";".join(["Månad", "Enhet", "Konto", "Typ", "Belopp"]
                    + [f"kolumn{i}" for i in range(fields - 5)])
    body = "\n".join("2023-01;K101;Läkemedel;utfall;1" for _ in range(rows))
    return _write(d / f"bred_{fields}.csv", (head + "\n" + body).encode())


def distinct_units_csv(d: Path, n: int) -> Path:
    """``n`` distinct new units (with a division column), one outcome row each."""
    lines = [HEADER + ";Division"]
    lines += [f"2023-01;U{i:06d};Personalkostnader;utfall;-1;Ny division" for i in range(n)]
    return _write(d / f"enheter_{n}.csv", "\n".join(lines).encode())


def missing_as_of_csv(d: Path) -> Path:
    """Unit M201 has outcome Jan–Mar but none in April, the as-of month."""
    lines = [ln for ln in ledger_lines(4)
             if not (ln.startswith("2023-04;M201;") and ln.endswith(";utfall;-101,25"))]
    return _write(d / "saknar_april.csv", "\n".join(lines).encode())


def unsplit_agency_csv(d: Path) -> Path:
    """Agency cost booked on the category 'Inhyrd personal' instead of its three leaves."""
    # Outcome in every month up to the as-of month 2023-04, so the row is judged by its
    # account, not refused for a missing month.
    lines = [*ledger_lines(4), *(f"2023-{m:02d};K101;Inhyrd personal;utfall;-50"
                                  for m in range(1, 5))]
    return _write(d / "inhyrd.csv", "\n".join(lines).encode())


def utf16_no_bom_csv(d: Path) -> Path:
    """The small ledger encoded UTF-16 LE without a byte order mark."""
    return _write(d / "utf16.csv", "\n".join(ledger_lines(4)).encode("utf-16-le"))


# --- XLSX (written by hand: a minimal valid SpreadsheetML package) ---------------------------


def _cell(ref: str, v: str | float) -> str:
    if isinstance(v, str):
        t = v.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{t}</t></is></c>'
    return f'<c r="{ref}"><v>{v}</v></c>'


def _col(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def sheet_xml(rows: list[list[str | float]], extra: dict[int, str] | None = None) -> str:
    """Worksheet XML of ``rows`` (row i+1); ``extra`` adds raw cell XML to a row."""
    parts = []
    for i, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_col(j)}{i}", v) for j, v in enumerate(row) if v != "")
        cells += (extra or {}).get(i, "")
        parts.append(f'<row r="{i}">{cells}</row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{"".join(parts)}</sheetData></worksheet>')


def workbook(sheets: list[tuple[str, str]], extra_parts: dict[str, str] | None = None) -> bytes:
    """An XLSX package of (name, worksheet XML) sheets plus any extra zip parts."""
    ns = "http://schemas.openxmlformats.org"
    ct = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 for i in range(1, len(sheets) + 1))
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            f'sheet.main+xml"/>{ct}</Types>'),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/'
            f'main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, (n, _) in enumerate(sheets, start=1))
            + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            'relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{ns}/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(sheets) + 1))
            + "</Relationships>"),
    }
    for i, (_, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    parts |= extra_parts or {}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


def ledger_rows(months: int = 4) -> list[list[str | float]]:
    """The small ledger as spreadsheet rows (amounts as numbers)."""
    out: list[list[str | float]] = [HEADER.split(";")]
    for line in ledger_lines(months)[1:]:
        p, u, a, k, v = line.split(";")
        out.append([p, u, a, k, float(v.replace(",", "."))])
    return out


def xfd_xlsx(d: Path, rows: int = 20_000) -> Path:
    """A ledger sheet whose every data row also has a cell in column XFD (100 KB)."""
    data = [HEADER.split(";")] + [["2023-01", "K101", "Läkemedel", "utfall", 1.0]] * rows
    extra = {i: f'<c r="XFD{i}"><v>1</v></c>' for i in range(2, rows + 2)}
    return _write(d / "xfd.xlsx", workbook([("Blad1", sheet_xml(data, extra))]))


def second_sheet_xlsx(d: Path, summary_named_huvudbok: bool = False) -> Path:
    """The ledger on sheet 2 ('Data'); sheet 1 is a summary (named 'Huvudbok' if asked)."""
    summary = sheet_xml([["Sammanställning", ""], ["Summa", 123.0]])
    first = "Huvudbok" if summary_named_huvudbok else "Översikt"
    return _write(d / f"blad2_{first}.xlsx",
                  workbook([(first, summary), ("Data", sheet_xml(ledger_rows()))]))


def macro_sheet_xlsx(d: Path, part: str = "xl/macrosheets/sheet1.xml") -> Path:
    """A valid ledger workbook that also carries an Excel 4.0 macro (or dialog) sheet."""
    macro = ('<?xml version="1.0" encoding="UTF-8"?><xm:macrosheet xmlns:xm="http://schemas.'
             'microsoft.com/office/excel/2006/main"><sheetData/></xm:macrosheet>')
    return _write(d / "makro.xlsx",
                  workbook([("Blad1", sheet_xml(ledger_rows()))], {part: macro}))


# --- scenarios ------------------------------------------------------------------------------


def alias_bomb_yaml(d: Path) -> Path:
    """The billion-laughs YAML of the issue (≈ 500 bytes) in a scenario's description."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    lines += ["name: bomb", f"description: *{prev}", "assumptions: []"]
    return _write(d / "bomb.yaml", "\n".join(lines).encode())


def many_assumptions_yaml(d: Path, n: int = 3_000) -> Path:
    """A scenario with ``n`` wage assumptions (150 KB at 3 000)."""
    body = "".join(f"  - type: lon\n    pct: {3 + i % 5 / 10}\n    month: 2023-0{5 + i % 4}\n"
                   for i in range(n))
    return _write(d / f"antaganden_{n}.yaml", f"name: många\nassumptions:\n{body}".encode())


def scenario_yaml(d: Path, name: str, assumption: str) -> Path:
    """A one-assumption scenario (``assumption`` is the YAML of the list item's fields)."""
    body = textwrap.indent(assumption.strip(), "    ")[4:]
    return _write(d / f"{name}.yaml", f"name: {name}\nassumptions:\n  - {body}\n".encode())


# --- running under a memory limit ------------------------------------------------------------


def run_limited(code: str, *, mem_mb: int = 1500, timeout: float = 120.0,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh Python under an address-space limit of ``mem_mb`` MB.

    The child has the repository on its path; an unbounded allocation there ends in a
    MemoryError (non-zero exit) instead of taking the machine.
    """
    limit = mem_mb * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    child_env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1",
                 "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=cap, env=child_env,
                          cwd=str(ROOT), check=False)


# --- malformed zips and big workbooks (issue 28) ---------------------------------------------


def _stored_workbook() -> bytes:
    """The small ledger workbook with every part stored (not deflated), to corrupt by hand."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook([("Blad1", sheet_xml(ledger_rows()))]))) as src, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    return buf.getvalue()


def malformed_zip(kind: str) -> bytes:
    """An XLSX whose zip is broken in one way the probe of issue 28 used.

    ``magic``: a local file header's signature garbled (``Bad magic number``); ``crc``: a
    byte of the sheet changed so its CRC no longer matches (``Bad CRC-32``); ``truncated``:
    the file cut in half; ``sizes``: the central directory's sizes of the sheet lie;
    ``xxe``: an external entity in ``docProps/core.xml``.
    """
    data = bytearray(_stored_workbook())
    sheet = data.find(b"<sheetData>")
    if kind == "magic":
        at = data.find(b"PK\x03\x04", data.find(b"xl/worksheets/sheet1.xml") - 40)
        data[at + 2:at + 4] = b"\x07\x07"
    elif kind == "crc":
        data[sheet + 1] ^= 0x01
    elif kind == "truncated":
        del data[len(data) // 2:]
    elif kind == "sizes":
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
            info = zf.getinfo("xl/worksheets/sheet1.xml")
        cd = data.find(b"PK\x01\x02" + data[info.header_offset + 4:info.header_offset + 6])
        while cd >= 0:  # the central record of the sheet: its name follows at +46
            if data[cd + 46:cd + 46 + 24] == b"xl/worksheets/sheet1.xml":
                break
            cd = data.find(b"PK\x01\x02", cd + 4)
        data[cd + 20:cd + 24] = (10).to_bytes(4, "little")  # compressed size
        data[cd + 24:cd + 28] = (10).to_bytes(4, "little")  # uncompressed size
    elif kind == "xxe":
        core = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
                'metadata/core-properties"><cp:keywords>&x;</cp:keywords></cp:coreProperties>')
        return workbook([("Blad1", sheet_xml(ledger_rows()))], {"docProps/core.xml": core})
    else:
        raise KeyError(kind)
    return bytes(data)


MALFORMED_ZIPS = ("magic", "crc", "truncated", "sizes", "xxe")


def big_xlsx(d: Path, rows: int) -> Path:
    """A ledger sheet of ``rows`` one-cell rows (streamed into the zip)."""
    path = d / f"rader_{rows}.xlsx"
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    base = workbook([("Blad1", head + "</sheetData></worksheet>")])
    with zipfile.ZipFile(io.BytesIO(base)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info))
        with dst.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(head.encode())
            for i in range(1, rows + 1):
                fh.write(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'.encode())
            fh.write(b"</sheetData></worksheet>")
    return path


def many_shared_strings_xlsx(d: Path, n: int = 3_000_000) -> Path:
    """A workbook whose sharedStrings.xml has ``n`` distinct items (not a zip bomb)."""
    head = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            f'2006/main" count="{n}" uniqueCount="{n}">')
    body = head + "".join(f"<si><t>{i}</t></si>" for i in range(n)) + "</sst>"
    return _write(d / "strings.xlsx", workbook([("Blad1", sheet_xml(ledger_rows()))],
                                               {"xl/sharedStrings.xml": body}))


def many_styles_xlsx(d: Path, n: int = 400_000) -> Path:
    """A workbook whose styles.xml has ``n`` distinct cell formats (not a zip bomb)."""
    head = ('<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><cellXfs count="{n}">')
    body = head + "".join(f'<xf numFmtId="{i % 160}" fontId="{i}"/>' for i in range(n))
    body += "</cellXfs></styleSheet>"
    return _write(d / "styles.xlsx", workbook([("Blad1", sheet_xml(ledger_rows()))],
                                              {"xl/styles.xml": body}))


def many_rows_csv(d: Path, rows: int) -> Path:
    """A CSV ledger of ``rows`` valid-looking rows (≈ 22 bytes each)."""
    body = "\n".join(f"2023-01;U{i % 100};X;utfall;1" for i in range(rows))
    return _write(d / f"rader_{rows}.csv", (HEADER + "\n" + body).encode())


def long_line_csv(d: Path, size: int = 40_000_000) -> Path:
    """A CSV whose second line is one field of ``size`` bytes."""
    return _write(d / "lang.csv", (HEADER + "\n2023-01;K101;" + "x" * size + ";utfall;1").encode())


def mixed_encoding_csv(d: Path) -> Path:
    """The first half of the ledger in UTF-8, the second in Windows-1252."""
    lines = ledger_lines(4)
    half = len(lines) // 2
    data = ("\n".join(lines[:half]) + "\n").encode() + "\n".join(lines[half:]).encode("cp1252")
    return _write(d / "blandad.csv", data)


def gap_csv(d: Path) -> Path:
    """Unit K101, Läkemedel: outcome in January and March but none in February."""
    lines = [ln for ln in ledger_lines(4)
             if not ln.startswith("2023-02;K101;Läkemedel;utfall")]
    return _write(d / "lucka.csv", "\n".join(lines).encode())


def sie_text(body: list[str]) -> list[str]:
    """A SIE 4 header with dimension 1 = Ansvar, then ``body``."""
    return ['#FLAGGA 0', '#FORMAT PC8', '#SIETYP 4', '#DIM 1 "Ansvar"',
            '#OBJEKT 1 "K101" "Kirurgi"', *body]


def sie_file(d: Path, name: str, lines: list[str], encoding: str = "cp437") -> Path:
    """Write SIE lines in ``encoding``."""
    return _write(d / name, "\r\n".join(lines).encode(encoding))


def many_vouchers_sie(d: Path, n: int = 300_000) -> Path:
    """``n`` vouchers of one transaction each."""
    body = []
    for i in range(n):
        body += [f"#VER A {i} 20230115", "{", '#TRANS 5011 {1 "K101"} 100.00', "}"]
    return sie_file(d, "ver.se", sie_text(body))


def many_trans_sie(d: Path, n: int = 1_900_000) -> Path:
    """One voucher of ``n`` transactions."""
    body = ["#VER A 1 20230115", "{", *(["#TRANS 5011 {} 1"] * n), "}"]
    return sie_file(d, "trans.se", sie_text(body))


def long_konto_sie(d: Path, size: int = 40_000_000) -> Path:
    """One ``#KONTO`` line of ``size`` bytes."""
    return sie_file(d, "konto.se", sie_text([f'#KONTO 5011 "{"x" * size}"']))


def braces_sie(d: Path, n: int = 100_000) -> Path:
    """A ``#TRANS`` record line with ``n`` ``{`` in its object list."""
    return sie_file(d, "klammer.se", sie_text(["#VER A 1 20230115", "{",
                                               "#TRANS 5011 " + "{" * n + " 1.00", "}"]))


def deep_yaml(d: Path, depth: int = 50_000) -> Path:
    """A scenario whose description is ``depth`` nested lists."""
    return _write(d / "djup.yaml", ("name: djup\ndescription: " + "[" * depth + "]" * depth
                                    + "\nassumptions: []\n").encode())
