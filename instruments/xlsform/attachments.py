"""Choices from a file attached with the form (`select_one_from_file communities.csv`): CSV with `name` and
`label` columns (`label::English (en)` for each language; other columns a choice_filter may read), ODK's XML
(`<root><item><name/><label/></item></root>`) or GeoJSON (each feature's `id` and `title`). The file's rows
become the question's choices in the definition, so the questionnaire needs the file no more."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .headers import column

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 2000


class AttachmentError(ValueError):
    """An attached file that cannot give choices; the message says why."""


def choices_from_file(
    name: str, data: bytes, default_language: str, value: str = "name", label: str = "label"
) -> list[dict]:
    """The choices an attached file gives (`value`/`label`: the columns the form's `parameters` name)."""
    if len(data) > MAX_FILE_BYTES:
        raise AttachmentError(f"{name} is larger than {MAX_FILE_BYTES // 2**20} MB")
    lowered = name.lower()
    if lowered.endswith(".csv"):
        items = _csv(data)
    elif lowered.endswith(".xml"):
        items = _xml(data)
    elif lowered.endswith((".geojson", ".json")):
        items = _geojson(data)
        value, label = ("id", "title") if (value, label) == ("name", "label") else (value, label)
    else:
        raise AttachmentError(f"{name}: choices come from a .csv, .xml or .geojson file")
    if len(items) > MAX_ITEMS:
        raise AttachmentError(f"{name} has more than {MAX_ITEMS} rows")
    choices = []
    for number, item in enumerate(items, start=1):
        code = str(item.get(value, "")).strip()
        if not code:
            raise AttachmentError(f"{name}, row {number}: no {value}")
        texts = {
            lang or default_language: str(text).strip()
            for (base, lang), text in _texts(item, label)
            if str(text).strip()
        }
        choice: dict[str, Any] = {"code": code, "label": texts or {default_language: code}}
        columns = {k: str(v) for k, v in item.items() if isinstance(k, str) and column(k)[0] not in (value, label)}
        if columns:
            choice["columns"] = columns
        choices.append(choice)
    if not choices:
        raise AttachmentError(f"{name} holds no choices")
    return choices


def _texts(item: dict, label: str):
    for key, text in item.items():
        if not isinstance(key, str):
            continue
        base, lang = column(key)
        if base == label or key.lower() == label.lower():
            yield (base, lang), text


def _csv(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AttachmentError("the CSV file is not UTF-8 text") from None
    sample = text[:4096]
    dialect = (
        csv.excel_tab if sample.count("\t") > sample.count(",") and sample.count("\t") > sample.count(";") else None
    )
    delimiter = ";" if dialect is None and sample.count(";") > sample.count(",") else ","
    reader = (
        csv.DictReader(io.StringIO(text), dialect=dialect)
        if dialect
        else csv.DictReader(io.StringIO(text), delimiter=delimiter)
    )
    return [{k.strip(): v for k, v in row.items() if k} for row in reader]


def _xml(data: bytes) -> list[dict]:
    """The <item> elements of ODK's choices XML, read by expat with any DTD refused (so no entity exists)."""
    from xml.parsers import expat

    items: list[dict] = []
    path: list[str] = []
    text: list[str] = []

    def refuse(*_args):
        raise AttachmentError("the XML file declares a DTD or entities")

    def start(tag, _attributes):
        path.append(tag)
        text.clear()
        if tag == "item":
            items.append({})

    def end(tag):
        if len(path) >= 2 and path[-2] == "item" and items:
            items[-1][tag] = "".join(text)
        path.pop()
        text.clear()

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise AttachmentError(f"the XML file cannot be read ({expat.ErrorString(exc.code)})") from None
    return items


def _geojson(data: bytes) -> list[dict]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise AttachmentError("the GeoJSON file cannot be read") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise AttachmentError("the GeoJSON file has no features")
    out = []
    for feature in features:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(properties, dict):
            item = dict(properties)
            if "id" not in item and isinstance(feature.get("id"), str | int):
                item["id"] = feature["id"]
            out.append(item)
    return out
