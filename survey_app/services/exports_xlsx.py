"""The XLSX export, streamed: the answers sheet and the codebook written as the rows are read, never held
whole in memory (a minimal workbook: shared strings are not used, every text is an inline string)."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from ..extensions import db
from ..models import SurveyRound
from .exports import codebook, rows, safe_cell


class _Sink:
    """A write-only, unseekable byte sink: zipfile then writes each part with a data descriptor (streaming)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def tell(self) -> int:
        raise OSError("not seekable")

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARTS = {
    "[Content_Types].xml": _HEAD
    + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": _HEAD
    + (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": _HEAD
    + (
        f"<workbook {_NS}><sheets>"
        '<sheet name="responses" sheetId="1" r:id="rId1"/><sheet name="codebook" sheetId="2" r:id="rId2"/>'
        "</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": _HEAD
    + (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="worksheets/sheet2.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId3" Target="styles.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": _HEAD
    + (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_SHEET_START = _HEAD + (
    f'<worksheet {_NS}><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    "<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _xml_row(number: int, values: list[Any], letters: list[str], style: str = "") -> str:
    cells = []
    for i, value in enumerate(values):
        if value is None or value == "":
            continue
        ref = f"{letters[i]}{number}"
        if isinstance(value, bool):
            cells.append(f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
            cells.append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
        else:
            text = xml_escape(_XML_ILLEGAL.sub("\ufffd", str(safe_cell(value))))
            cells.append(f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet(archive: zipfile.ZipFile, sink: _Sink, name: str, rows: Iterator[list[Any]]) -> Iterator[bytes]:
    letters: list[str] = []
    with archive.open(name, "w") as part:
        part.write(_SHEET_START.encode())
        for number, row in enumerate(rows, start=1):
            while len(letters) < len(row):
                letters.append(_letters(len(letters)))
            part.write(_xml_row(number, row, letters, ' s="1"' if number == 1 else "").encode("utf-8"))
            if number % 200 == 0:
                yield sink.take()
        part.write(_SHEET_END.encode())
    yield sink.take()


def xlsx_chunks(round_: SurveyRound | int, include_partial: bool = False) -> Iterator[bytes]:
    """The workbook (sheets `responses` and `codebook`) in chunks, written while the rows are read.

    The first bytes leave before the last response is read, so a large round downloads without waiting
    for the whole file (and without holding it in memory or on disk). Give the round's id when the chunks
    are consumed after the request's session has ended (streaming).
    """
    if isinstance(round_, int):
        round_ = db.session.get(SurveyRound, round_)
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5)
    for name, text in _PARTS.items():
        archive.writestr(name, text)
    yield sink.take()
    yield from _sheet(archive, sink, "xl/worksheets/sheet1.xml", rows(round_, include_partial))
    yield from _sheet(archive, sink, "xl/worksheets/sheet2.xml", codebook(round_))
    archive.close()
    yield sink.take()
