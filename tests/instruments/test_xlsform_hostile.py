"""Hostile workbooks are refused with a clear message, quickly and in little memory: a truncated sheet,
entities, a zip that lies about its sizes, a 1 MB shared string as the type of 2,000 rows, and a sheet that
declares 1,048,576 rows. Each is measured in its own process (time and peak memory)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from instruments.loader import InstrumentError
from instruments.xlsform import load_xlsform_bytes

ROOT = Path(__file__).resolve().parents[2]
MEASURE = """
import json, sys, time
from instruments.loader import InstrumentError
from instruments.xlsform import load_xlsform_file
started = time.perf_counter()
try:
    load_xlsform_file(sys.argv[1], "residents"); problems = []
except InstrumentError as exc:
    problems = [str(p) for p in exc.problems]
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))  # this process's own peak
result = {"seconds": time.perf_counter() - started, "problems": problems, "peak_mb": int(peak.split()[1]) / 1024}
print(json.dumps(result))
"""


def good_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label"])
    for n in range(30):
        sheet.append(["text", f"q{n}", f"Question {n}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML replaced by change(xml)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def truncated() -> bytes:
    return _rewrite(good_workbook(), lambda xml: xml[: len(xml) // 2])


def entities() -> bytes:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>')  # fmt: skip
    return _rewrite(good_workbook(), lambda xml: bomb + xml.replace(b"Question 1<", b"&lol3;<"))


def lying_sizes() -> bytes:
    """A zip whose directory says its sheet is 200 bytes while it unpacks to 40 MB."""
    data = _rewrite(
        good_workbook(), lambda xml: xml.replace(b"</sheetData>", b"<row r='40'/>" * 3_000_000 + b"</sheetData>")
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    real = info.file_size.to_bytes(4, "little")
    return data.replace(real, (200).to_bytes(4, "little"))


RELATION = (
    b'<Relationship Id="rIdS" Target="sharedStrings.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
)
CONTENT_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def shared_string_rows() -> bytes:
    """A small file whose one 1 MB shared string is the type of 2,000 rows (each cell points to it)."""
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2000" uniqueCount="1">'
    strings += b"<si><t>select_one " + b"x" * 1_000_000 + b"</t></si></sst>"
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>0</v></c><c r="B%d" t="inlineStr"><is><t>q%d</t></is></c></row>'
        % (n, n, n, n)
        for n in range(2, 2002)
    )

    def sheet(xml: bytes) -> bytes:
        head, rest = xml.split(b"<sheetData>", 1)
        first = rest.split(b"</row>", 1)[0] + b"</row>"
        return head + b"<sheetData>" + first + rows + b"</sheetData>" + rest.split(b"</sheetData>", 1)[1]

    data = _rewrite(good_workbook(), sheet)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", RELATION + b"</Relationships>")
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", CONTENT_TYPE + b"</Types>")
            target.writestr(info.filename, content)
        target.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def declared_rows() -> bytes:
    """Like a LibreOffice sheet: a few questions, then row elements down to row 1,048,576."""
    empty = b"".join(b'<row r="%d" spans="1:3"/>' % n for n in range(40, 1_048_577))
    return _rewrite(
        good_workbook(),
        lambda xml: xml.replace(b'<dimension ref="A1:C31"/>', b'<dimension ref="A1:C1048576"/>').replace(
            b"</sheetData>", empty + b"</sheetData>"
        ),
    )


HOSTILE = {  # the file and what its refusal says (one of)
    "truncated": (truncated, ("damaged",)),
    "entities": (entities, ("DTD",)),
    "lying_sizes": (lying_sizes, ("unpacks to more than", "not a readable")),
    "shared_string_rows": (shared_string_rows, ("characters",)),
}


def _measure(tmp_path, name: str, data: bytes) -> dict:
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(data)
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_workbook_is_refused_clearly_quickly_and_in_little_memory(tmp_path, name):
    build, expected = HOSTILE[name]
    data = build()
    assert len(data) < 5 * 2**20 and (name != "shared_string_rows" or len(data) < 64 * 1024)
    result = _measure(tmp_path, name, data)
    assert result["problems"] and any(e in p for e in expected for p in result["problems"]), result["problems"][:3]
    assert result["seconds"] < 5 and result["peak_mb"] < 300, result
    assert all(len(p) < 400 for p in result["problems"]) and len(result["problems"]) <= 41


def test_a_sheet_declaring_a_million_rows_is_read_to_its_last_question(tmp_path):
    result = _measure(tmp_path, "declared", declared_rows())
    assert result["problems"] == [] and result["seconds"] < 5 and result["peak_mb"] < 300, result


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_console_shows_the_message_never_a_500(app, name, client):
    from survey_app.extensions import db
    from survey_app.services.users import create_user

    with app.app_context():
        create_user("coord@hostile.kz", "a long password 1", "admin", [])
        db.session.commit()
    import re

    page = client.get("/console/login?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(
        "/console/login", data={"csrf_token": token, "email": "coord@hostile.kz", "password": "a long password 1"}
    )
    page = client.get("/console/instruments?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    build, expected = HOSTILE[name]
    response = client.post(
        "/console/instruments/upload?lang=en",
        content_type="multipart/form-data",
        data={"csrf_token": token, "group": "residents", "upload": (io.BytesIO(build()), f"{name}.xlsx")},
    )
    assert response.status_code == 422
    assert any(e in response.get_data(as_text=True) for e in expected)


def test_messages_quote_at_most_80_characters_of_a_cell():
    with pytest.raises(InstrumentError) as caught:
        load_xlsform_bytes(shared_string_rows(), "s.xlsx", "residents")
    assert all(len(p.reason) < 300 for p in caught.value.problems)
    assert any("2000 cells hold more than" in p.reason for p in caught.value.problems)
