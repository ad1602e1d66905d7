"""The report's font (DejaVu Sans) embedded in the Word document, so Word shows the PDF's font.

Word and LibreOffice read TrueType fonts embedded in a .docx (ECMA-376 Part 1, 17.8.1): each
face is an *obfuscated* font part (``word/fonts/fontN.odttf``) whose first 32 bytes are XORed
with a key, referenced from ``word/fontTable.xml`` with that key, and the settings say
``w:embedTrueTypeFonts``. The faces are subset with fontTools to the Latin letters and the
report's typographic signs (U+2212 minus, no-break space, word joiner, dashes, quotes), which
keeps the document about 150 kB larger instead of 2 MB.

Subsetting the four faces costs about 1,7 s of CPU, more than half of a Word report's budget,
so each subset is kept on disk (``$BUDGETPROGNOS_CACHE_DIR`` or ``~/.cache/budgetprognos``)
under a key of the font file's bytes, the character set, the options and fontTools' version,
with a checksum; a missing, stale or damaged file is made again, an unwritable directory only
costs the time.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import uuid
from functools import cache
from pathlib import Path

import fontTools
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fontTools import subset
from fontTools.ttLib import TTFont
from lxml import etree

from forecast.report.docx_xml import set_part_blob
from forecast.report.fonts import FONT_FAMILY, font_dir

ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FACES = (("embedRegular", "DejaVuSans.ttf"), ("embedBold", "DejaVuSans-Bold.ttf"),
         ("embedItalic", "DejaVuSans-Oblique.ttf"),
         ("embedBoldItalic", "DejaVuSans-BoldOblique.ttf"))
UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x180), 0x2010, 0x2011, 0x2012, 0x2013, 0x2014,
            0x2018, 0x2019, 0x201C, 0x201D, 0x201E, 0x2022, 0x2026, 0x2030, 0x2032, 0x2033,
            0x2039, 0x203A, 0x2060, 0x20AC, 0x2122, 0x2192, 0x2212, 0x2248, 0x2260, 0x2264,
            0x2265, 0x00D7, 0x2009, 0x202F, 0x200B]
"""What the report prints: Latin-1 and Latin Extended-A (Swedish and European names), the
minus, spaces, dashes, quotes, arrows and comparison signs."""


ENV_CACHE = "BUDGETPROGNOS_CACHE_DIR"
SUBSET_FORMAT = 1
"""Bump when :func:`_subset` changes its options: older cached subsets are then not used."""


def cache_dir() -> Path:
    """Where derived files (the font subsets) are kept between processes."""
    return Path(os.environ.get(ENV_CACHE) or Path.home() / ".cache" / "budgetprognos")


@cache
def subset_face(file_name: str) -> bytes:
    """One DejaVu Sans face subset to :data:`UNICODES` (TrueType bytes), from disk if made."""
    source = (font_dir() / file_name).read_bytes()
    key = hashlib.sha256(repr((SUBSET_FORMAT, fontTools.version, UNICODES)).encode()
                         + source).hexdigest()[:24]
    path = cache_dir() / "fonts" / f"{Path(file_name).stem}-{key}.ttf"
    if (data := _read_checked(path)) is not None:
        return data
    data = _subset(source)
    _write_checked(path, data)
    return data


def _read_checked(path: Path) -> bytes | None:
    """The cached bytes after their SHA-256 prefix, or None if absent or damaged."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    digest, data = raw[:32], raw[32:]
    return data if data and hashlib.sha256(data).digest() == digest else None


def _write_checked(path: Path, data: bytes) -> None:
    """Write ``data`` with its checksum, atomically; a cache that cannot be written is skipped."""
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp_name = tmp.name
            tmp.write(hashlib.sha256(data).digest() + data)
        os.replace(tmp_name, path)
    except OSError:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)


def _subset(source: bytes) -> bytes:
    """TrueType ``source`` subset to :data:`UNICODES` (deterministic: the font's own dates)."""
    font = TTFont(io.BytesIO(source), recalcTimestamp=False)  # the same bytes every time
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["kern", "liga"]
    options.drop_tables = [*options.drop_tables, "FFTM"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=UNICODES)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def obfuscate(font: bytes, key: str) -> bytes:
    """XOR the font's first 32 bytes with the GUID ``key`` read backwards (ECMA-376 17.8.1).

    The same call undoes it (XOR is its own inverse).
    """
    k = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ k[i % 16] for i, b in enumerate(font[:32]))
    return head + font[32:]


def embed_report_font(doc: DocxDocument, *, seed: str = "budgetprognos") -> None:
    """Embed the four DejaVu Sans faces in ``doc`` and mark the document to use them.

    The keys are derived from ``seed`` (a name-based UUID), so a document is the same bytes
    for the same content.
    """
    part = doc.part
    font_table = next((r.target_part for r in part.rels.values() if r.reltype == RT.FONT_TABLE),
                      None)
    if font_table is None:
        return
    from docx.oxml import parse_xml

    root = parse_xml(font_table.blob)
    for old in root.findall(qn("w:font")):
        if old.get(qn("w:name")) == FONT_FAMILY:
            root.remove(old)
    font_el = OxmlElement("w:font")
    font_el.set(qn("w:name"), FONT_FAMILY)
    for tag, value in (("w:charset", "00"), ("w:family", "swiss"), ("w:pitch", "variable")):
        el = OxmlElement(tag)
        el.set(qn("w:val"), value)
        font_el.append(el)
    for i, (tag, file_name) in enumerate(FACES, start=1):
        key = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}/{file_name}")).upper() + "}"
        font_part = Part(PackURI(f"/word/fonts/font{i}.odttf"), ODTTF,
                         obfuscate(subset_face(file_name), key), part.package)
        r_id = font_table.relate_to(font_part, RT.FONT)
        el = OxmlElement(f"w:{tag}")
        el.set(qn("r:id"), r_id)
        el.set(qn("w:fontKey"), key)
        el.set(qn("w:subsetted"), "1")
        font_el.append(el)
    root.append(font_el)
    set_part_blob(font_table, etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                             standalone=True))
    set_setting(doc, "w:embedTrueTypeFonts", {})


SETTINGS_ORDER = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts",
    "w:embedSystemFonts", "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins",
    "w:alignBordersAndEdges", "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter",
    "w:gutterAtTop", "w:hideSpellingErrors", "w:hideGrammaticalErrors", "w:activeWritingStyle",
    "w:proofState", "w:formsDesign", "w:attachedTemplate", "w:linkStyles",
    "w:stylePaneFormatFilter", "w:stylePaneSortMethod", "w:documentType", "w:mailMerge",
    "w:revisionView", "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet",
    "w:defaultTabStop", "w:autoHyphenation", "w:consecutiveHyphenLimit", "w:hyphenationZone",
    "w:doNotHyphenateCaps", "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle",
    "w:defaultTableStyle", "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin", "w:doNotShadeFormData", "w:noPunctuationKerning",
    "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
    "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator"
)
"""The order of ``w:settings``' children (ECMA-376 CT_Settings): Word refuses a file whose
settings are out of this order, so a setting is inserted at its place, never appended."""


def set_setting(doc: DocxDocument, tag: str, attrs: dict[str, str]) -> None:
    """Set (add or update) one child of the document settings at its schema position."""
    settings = doc.settings.element
    el = settings.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        later = {qn(t) for t in SETTINGS_ORDER[SETTINGS_ORDER.index(tag) + 1:]}
        nxt = next((c for c in settings if c.tag in later), None)
        if nxt is None:
            settings.append(el)
        else:
            nxt.addprevious(el)
    for k, v in attrs.items():
        el.set(qn(k), v)
