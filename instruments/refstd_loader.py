"""The reference-standard rating of "Smart" cities as data: its framework file and its input table.

A framework file (``instruments/frameworks/kz_reference_standard.yaml``) holds the areas, their groups, the
point bands, the correction factors, the maximum score and the yes/no words; a new methodology is a new
file, not new code. The loader checks a file and reports every problem at once, each naming the file and
the area (``RefStdFrameworkError``). ``read_refstd_table`` reads the indicator file a city hands in (CSV or
XLSX) into a DataFrame whose index is the spreadsheet row number (``RefStdInputError`` otherwise).
No Flask here.

>>> framework = load_refstd_framework()
>>> [g.code for g in framework.groups]
['priority', 'additional', 'ict']
>>> framework.points(20), framework.points(20.01), framework.max_score
(1, 2, 25)
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
import warnings
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .domain import LANGUAGES
from .loader import MAX_FILE_BYTES, InstrumentError, Problem, read_yaml
from .model import Texts

HERE = Path(__file__).resolve().parent
DEFAULT_FRAMEWORK_FILE = HERE / "frameworks" / "kz_reference_standard.yaml"

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FACTOR_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,19}$")
TOP_KEYS = {"code", "version", "title", "source", "coefficients", "groups", "bands", "max_score", "values", "areas"}
VALUE_KEYS = {"min", "max", "yes_value", "no_value", "yes_words", "no_words"}
#: Floating-point noise tolerated when a mean is compared with a band edge (three indicators of 20 % are
#: 20 %, not 20.000000000000004 %).
BAND_TOLERANCE = 1e-9

MAX_TABLE_ROWS = 100_000
MAX_TABLE_PROBLEMS = 50
TABLE_SUFFIXES_XLSX = {".xlsx", ".xlsm"}


# --------------------------------------------------------------------------------------------- framework


class RefStdFrameworkError(ValueError):
    """A framework file with problems; ``problems`` lists every one of them (file, area, reason)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Band:
    """Points for a group mean up to ``up_to`` % inclusive (and above the previous band's edge)."""

    up_to: float
    points: int | float


@dataclass(frozen=True)
class Group:
    """A group of areas (priority, additional, ICT) and its correction factor (formulas 5–7)."""

    code: str
    factor: str
    coefficient: int | float
    label: Texts


@dataclass(frozen=True)
class Indicator:
    """An example indicator of an area."""

    code: str
    label: Texts


@dataclass(frozen=True)
class Area:
    """An area of public life (or ICT) and the group it belongs to."""

    code: str
    group: str
    label: Texts
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class RefStdFramework:
    """A validated reference-standard framework: areas, groups, bands, coefficients and maximum score."""

    code: str
    version: int
    title: Texts
    source: str
    coefficients: dict[str, int | float]
    groups: tuple[Group, ...]
    areas: tuple[Area, ...]
    bands: tuple[Band, ...]
    max_score: int | float
    value_min: float
    value_max: float
    yes_value: float
    no_value: float
    yes_words: frozenset[str]
    no_words: frozenset[str]

    @property
    def area_codes(self) -> tuple[str, ...]:
        """Area codes in the order of the file."""
        return tuple(a.code for a in self.areas)

    def area(self, code: str) -> Area | None:
        """The area with this code, or None."""
        return next((a for a in self.areas if a.code == code), None)

    def group(self, code: str) -> Group | None:
        """The group with this code, or None."""
        return next((g for g in self.groups if g.code == code), None)

    def areas_of(self, group: str) -> tuple[Area, ...]:
        """The areas of a group, in the order of the file."""
        return tuple(a for a in self.areas if a.group == group)

    def points(self, mean: float) -> int | float:
        """Points C(S) of table 2 for a group mean S in %.

        >>> fw = load_refstd_framework()
        >>> [fw.points(s) for s in (0, 20, 20.01, 40, 80, 80.01, 100)]
        [1, 1, 2, 2, 4, 5, 5]
        """
        if not math.isfinite(mean):
            raise ValueError(f"a group mean must be a finite number, not {mean!r}")
        for band in self.bands:
            if mean <= band.up_to + BAND_TOLERANCE:
                return band.points
        return self.bands[-1].points


def normalise_word(text: str) -> str:
    """Compare yes/no words without regard to case, spacing or the Latin ə used for Kazakh ә."""
    text = unicodedata.normalize("NFC", text).strip().casefold()
    return text.replace("\u0259", "\u04d9")  # Latin schwa ə (common in Kazakh text) -> Cyrillic ә


class _FrameworkChecker:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, where: str | None, reason: str) -> None:
        self.problems.append(Problem(self.source, where, reason))

    def texts(self, value: Any, where: str | None, what: str) -> Texts:
        if not isinstance(value, dict):
            self.problem(where, f"{what} must be a mapping of kk, ru and en texts")
            return {}
        out: Texts = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.problem(where, f"missing translation: {what} in '{lang}'")
            else:
                out[lang] = text.strip()
        for extra in sorted(set(map(str, value)) - set(LANGUAGES)):
            self.problem(where, f"{what} has an unknown language {extra!r} (use kk, ru, en)")
        return out

    def number(self, value: Any, where: str | None, what: str, positive: bool = False) -> float | int | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem(where, f"{what} must be a number")
            return None
        if positive and value <= 0:
            self.problem(where, f"{what} must be greater than 0")
            return None
        return value

    def words(self, value: Any, what: str) -> frozenset[str]:
        if not isinstance(value, list) or not value:
            self.problem("values", f"{what} must be a non-empty list of quoted words")
            return frozenset()
        out = set()
        for word in value:
            if not isinstance(word, str) or not word.strip():
                self.problem("values", f"{what} has an entry that is not a word: {word!r}")
            else:
                out.add(normalise_word(word))
        return frozenset(out)

    def framework(self, data: Any) -> RefStdFramework | None:
        if not isinstance(data, dict):
            self.problem(
                None,
                "the file must be a mapping with code, version, title, coefficients, groups, "
                "bands, max_score, values and areas",
            )
            return None
        for extra in sorted(set(map(str, data)) - TOP_KEYS):
            self.problem(None, f"unknown key {extra!r}")
        code = data.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.problem(None, "code must be lower-case letters, digits and _ (at most 40)")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem(None, "version must be a whole number of at least 1")
        title = self.texts(data.get("title"), None, "title")
        source = data.get("source", "")
        if not isinstance(source, str):
            self.problem(None, "source must be a text")
            source = ""

        coefficients = self.coefficients(data.get("coefficients"))
        groups = self.groups(data.get("groups"), coefficients)
        bands = self.bands(data.get("bands"))
        values = self.values(data.get("values"))
        areas = self.areas(data.get("areas"), {g.code for g in groups})

        for group in groups:
            if not any(a.group == group.code for a in areas):
                self.problem(f"group {group.code}", "has no area")
        max_score = self.number(data.get("max_score"), "max_score", "max_score", positive=True)
        if max_score is not None and groups and bands:
            reachable = sum(g.coefficient for g in groups) * max(b.points for b in bands)
            if not math.isclose(reachable, max_score):
                self.problem(
                    "max_score",
                    f"is {max_score:g} but the groups can score at most {reachable:g} "
                    "(sum of coefficients × the top band's points); Ct would not reach "
                    "100 % or would pass it",
                )
        if values is not None and bands:
            low, high = values["min"], values["max"]
            if bands[-1].up_to < high:
                self.problem("bands", f"the last band ends at {bands[-1].up_to:g}, below the largest value {high:g}")
            if bands[0].up_to < low:
                self.problem("bands", f"the first band ends at {bands[0].up_to:g}, below the smallest value {low:g}")
        if self.problems:
            return None
        assert values is not None and max_score is not None  # noqa: S101 (guarded by the problems above)
        return RefStdFramework(
            code=code,
            version=version,
            title=title,
            source=" ".join(source.split()),
            coefficients=coefficients,
            groups=tuple(groups),
            areas=tuple(areas),
            bands=tuple(bands),
            max_score=max_score,
            value_min=values["min"],
            value_max=values["max"],
            yes_value=values["yes_value"],
            no_value=values["no_value"],
            yes_words=values["yes"],
            no_words=values["no"],
        )

    def coefficients(self, value: Any) -> dict[str, int | float]:
        if not isinstance(value, dict) or not value:
            self.problem("coefficients", "must be a mapping of factor names to numbers, e.g. K1: 1, K2: 2")
            return {}
        out = {}
        for name, number in value.items():
            if not isinstance(name, str) or not FACTOR_RE.match(name):
                self.problem("coefficients", f"factor name {name!r} must be letters and digits, e.g. K2")
                continue
            checked = self.number(number, "coefficients", f"factor {name}", positive=True)
            if checked is not None:
                out[name] = checked
        return out

    def groups(self, value: Any, coefficients: dict[str, int | float]) -> list[Group]:
        if not isinstance(value, list) or not value:
            self.problem("groups", "must be a non-empty list of groups with code, coefficient and label")
            return []
        out: list[Group] = []
        for index, item in enumerate(value, start=1):
            where = f"group {index}"
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping with code, coefficient and label")
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(where, f"group code {code!r} must be lower-case letters, digits and _")
                continue
            where = f"group {code}"
            if any(g.code == code for g in out):
                self.problem(where, "group code is used twice")
                continue
            for extra in sorted(set(map(str, item)) - {"code", "coefficient", "label"}):
                self.problem(where, f"unknown key {extra!r}")
            factor = item.get("coefficient")
            if isinstance(factor, str) and factor in coefficients:
                coefficient = coefficients[factor]
            elif isinstance(factor, int | float) and not isinstance(factor, bool) and factor > 0:
                coefficient, factor = factor, f"{factor:g}"
            else:
                known = ", ".join(coefficients) or "none defined"
                self.problem(where, f"coefficient {factor!r} is not one of the coefficients ({known})")
                continue
            label = self.texts(item.get("label"), where, "label")
            out.append(Group(code=code, factor=str(factor), coefficient=coefficient, label=label))
        return out

    def bands(self, value: Any) -> list[Band]:
        if not isinstance(value, list) or not value:
            self.problem("bands", "must be a non-empty list of {up_to, points}")
            return []
        out: list[Band] = []
        for index, item in enumerate(value, start=1):
            where = f"band {index}"
            if not isinstance(item, dict) or set(map(str, item)) != {"up_to", "points"}:
                self.problem(where, "must be a mapping with exactly up_to and points")
                continue
            up_to = self.number(item["up_to"], where, "up_to")
            points = self.number(item["points"], where, "points", positive=True)
            if up_to is None or points is None:
                continue
            if out and up_to <= out[-1].up_to:
                self.problem(where, f"up_to {up_to:g} must be above the previous band's {out[-1].up_to:g}")
            if out and points <= out[-1].points:
                self.problem(
                    where,
                    f"points {points:g} must be more than the previous band's "
                    f"{out[-1].points:g} (a higher mean never earns fewer points)",
                )
            out.append(Band(up_to=up_to, points=points))
        return out

    def values(self, value: Any) -> dict | None:
        if not isinstance(value, dict):
            self.problem("values", "must be a mapping with min, max, yes_value, no_value, yes_words and no_words")
            return None
        for extra in sorted(set(map(str, value)) - VALUE_KEYS):
            self.problem("values", f"unknown key {extra!r}")
        low = self.number(value.get("min"), "values", "min")
        high = self.number(value.get("max"), "values", "max")
        yes_value = self.number(value.get("yes_value"), "values", "yes_value")
        no_value = self.number(value.get("no_value"), "values", "no_value")
        yes, no = self.words(value.get("yes_words"), "yes_words"), self.words(value.get("no_words"), "no_words")
        if yes & no:
            self.problem("values", f"words used for both yes and no: {', '.join(sorted(yes & no))}")
        if low is None or high is None or yes_value is None or no_value is None:
            return None
        if low >= high:
            self.problem("values", "min must be less than max")
        for name, number in (("yes_value", yes_value), ("no_value", no_value)):
            if not low <= number <= high:
                self.problem("values", f"{name} {number:g} is outside min–max")
        if no_value >= yes_value:
            self.problem("values", "yes_value must be more than no_value")
        return {"min": low, "max": high, "yes_value": yes_value, "no_value": no_value, "yes": yes, "no": no}

    def areas(self, value: Any, group_codes: set[str]) -> list[Area]:
        if not isinstance(value, list) or not value:
            self.problem("areas", "must be a non-empty list of areas with code, group, label and indicators")
            return []
        out: list[Area] = []
        indicator_codes: dict[str, str] = {}
        for index, item in enumerate(value, start=1):
            where = f"area {index}"
            if not isinstance(item, dict):
                self.problem(where, "must be a mapping with code, group, label and indicators")
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(where, f"area code {code!r} must be lower-case letters, digits and _ (at most 40)")
                continue
            where = f"area {code}"
            if any(a.code == code for a in out):
                self.problem(where, "area code is used twice")
                continue
            for extra in sorted(set(map(str, item)) - {"code", "group", "label", "indicators"}):
                self.problem(where, f"unknown key {extra!r}")
            group = item.get("group")
            if group not in group_codes:
                self.problem(where, f"group {group!r} is not one of the groups ({', '.join(sorted(group_codes))})")
            label = self.texts(item.get("label"), where, "label")
            indicators = self.indicators(item.get("indicators", []), where, code, indicator_codes)
            out.append(Area(code=code, group=str(group), label=label, indicators=indicators))
        return out

    def indicators(self, value: Any, where: str, area: str, seen: dict[str, str]) -> tuple[Indicator, ...]:
        if not isinstance(value, list):
            self.problem(where, "indicators must be a list")
            return ()
        out = []
        for index, item in enumerate(value, start=1):
            if not isinstance(item, dict):
                self.problem(where, f"indicator {index} must be a mapping with code and label")
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.problem(
                    where, f"indicator {index} has an invalid code {code!r} (lower-case letters, digits and _)"
                )
                continue
            if code in seen:
                self.problem(where, f"indicator {code!r} is already listed in area {seen[code]}")
                continue
            seen[code] = area
            for extra in sorted(set(map(str, item)) - {"code", "label"}):
                self.problem(where, f"indicator {code!r} has an unknown key {extra!r}")
            out.append(Indicator(code=code, label=self.texts(item.get("label"), where, f"label of {code!r}")))
        return tuple(out)


def parse_refstd_framework(data: Any, source: str) -> RefStdFramework:
    """Validate a parsed framework (a mapping as read from YAML) or raise RefStdFrameworkError."""
    checker = _FrameworkChecker(source)
    framework = checker.framework(data)
    if checker.problems or framework is None:
        raise RefStdFrameworkError(checker.problems or [Problem(source, None, "not a framework")])
    return framework


def load_refstd_framework(path: str | Path | None = None) -> RefStdFramework:
    """Load and validate a framework file; the 2019 reference standard by default.

    Raises
    ------
    RefStdFrameworkError
        With every problem of the file, each naming the file and the area (or group, band...).
    """
    if path is None:
        return _default_framework()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _default_framework() -> RefStdFramework:
    return _load(DEFAULT_FRAMEWORK_FILE)


def _load(path: Path) -> RefStdFramework:
    if not path.is_file():
        raise RefStdFrameworkError([Problem(str(path), None, "no such file")])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise RefStdFrameworkError([Problem(path.name, None, f"file is larger than {MAX_FILE_BYTES // 1024} KB")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RefStdFrameworkError([Problem(path.name, None, "not a UTF-8 text file")]) from None
    try:
        data = read_yaml(text, path.name)
    except InstrumentError as exc:
        raise RefStdFrameworkError(exc.problems) from None
    return parse_refstd_framework(data, path.name)


# ----------------------------------------------------------------------------------------------- input


class RefStdInputError(ValueError):
    """An indicator file that cannot be read; ``problems`` lists the reasons (with spreadsheet rows)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = self.problems[:10]
        more = len(self.problems) - len(shown)
        message = "; ".join(shown) + (f"; … and {more} more" if more > 0 else "")
        super().__init__(message)


def read_refstd_table(path: str | Path, *, max_rows: int = MAX_TABLE_ROWS) -> pd.DataFrame:
    """Read an indicator file (CSV in UTF-8, or XLSX) into a DataFrame of text and number cells.

    Column names are stripped and lower-cased; the index, named ``row``, is the row number a spreadsheet
    shows (the header is row 1), so later errors can point at the row to fix. Empty rows are skipped.
    A comma-, semicolon- or tab-separated file is accepted; cells are kept as read (no type guessing).

    Raises
    ------
    RefStdInputError
        No such file, a binary or non-UTF-8 file named .csv, an unreadable workbook, more than
        ``max_rows`` data rows, a row with more cells than the header...
    """
    path = Path(path)
    if path.is_dir():
        raise RefStdInputError([f"{path}: is a folder, not a file"])
    if not path.is_file():
        raise RefStdInputError([f"{path}: no such file"])
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise RefStdInputError(
            [f"{path.name}: the old Excel .xls format is not supported; save the sheet as .xlsx or as CSV UTF-8"]
        )
    rows = _xlsx_rows(path) if suffix in TABLE_SUFFIXES_XLSX else _csv_rows(path)
    try:
        return _table(rows, path.name, max_rows)
    finally:
        rows.close()  # releases the file (or workbook) at once when reading stops early


def _sniff_binary(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(8192)
    name = path.name
    if head.startswith(b"PK\x03\x04"):
        raise RefStdInputError(
            [
                f"{name}: this is a zip file (probably an Excel .xlsx workbook) with a "
                f"{path.suffix or 'text'} name; rename it to .xlsx or save it as CSV UTF-8"
            ]
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise RefStdInputError(
            [f"{name}: this is an old Excel .xls workbook, not CSV text; save it as .xlsx or as CSV UTF-8"]
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RefStdInputError([f"{name}: the text is UTF-16; save it as CSV UTF-8"])
    if b"\x00" in head:
        raise RefStdInputError([f"{name}: this is a binary file, not CSV text; save the sheet as CSV UTF-8 or .xlsx"])


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _csv_rows(path: Path) -> Generator[tuple[int, list[Any]], None, None]:
    _sniff_binary(path)
    name = path.name
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
            fh.seek(0)
            reader = csv.reader(fh, delimiter=_delimiter(first.lstrip("\ufeff")))
            for index, record in enumerate(reader, start=1):
                if index == 1 and record:
                    record[0] = record[0].lstrip("\ufeff")
                yield index, list(record)
    except UnicodeDecodeError:
        raise RefStdInputError(
            [f"{name}: the file is not UTF-8 text (save it as 'CSV UTF-8'; a binary file renamed .csv cannot be read)"]
        ) from None
    except csv.Error as exc:
        raise RefStdInputError([f"{name}: not a readable CSV file ({exc})"]) from None


def _xlsx_rows(path: Path) -> Generator[tuple[int, list[Any]], None, None]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles and extensions are not the user's
            workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RefStdInputError([f"{name}: not a readable .xlsx workbook ({reason})"]) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise RefStdInputError([f"{name}: the workbook has no sheet"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for index, record in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield index, list(record)
    finally:
        workbook.close()


def _blank(cell: Any) -> bool:
    return (
        cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and math.isnan(cell))
    )


def _table(rows: Iterable[tuple[int, list[Any]]], name: str, max_rows: int) -> pd.DataFrame:
    header: list[str] | None = None
    header_row = 0
    records: list[list[Any]] = []
    numbers: list[int] = []
    problems: list[str] = []
    for row, cells in rows:
        if all(_blank(c) for c in cells):
            continue
        if header is None:
            header, header_row = [("" if _blank(c) else str(c)).strip().casefold() for c in cells], row
            named = [h for h in header if h]
            duplicated = sorted({h for h in named if named.count(h) > 1})
            if duplicated:
                raise RefStdInputError(
                    [f"{name}: row {row} (the header) names a column twice: {', '.join(duplicated)}"]
                )
            continue
        if len(records) >= max_rows:
            raise RefStdInputError([f"{name}: more than {max_rows:,} data rows; split the file"])
        stray = [i for i, c in enumerate(cells) if not _blank(c) and (i >= len(header) or not header[i])]
        if stray and len(problems) < MAX_TABLE_PROBLEMS:
            problems.append(
                f"row {row}: {len(cells)} cells but the header (row {header_row}) names "
                f"{sum(1 for h in header if h)} columns; a value outside the named columns "
                "(a decimal comma in a comma-separated file? write 55.5 or quote the value)"
            )
        padded = list(cells[: len(header)]) + [None] * (len(header) - len(cells))
        records.append([c.strip() if isinstance(c, str) else c for c in padded])
        numbers.append(row)
    if header is None:
        raise RefStdInputError([f"{name}: the file is empty (no header row)"])
    if problems:
        raise RefStdInputError([f"{name}: {p}" for p in problems])
    keep = [i for i, h in enumerate(header) if h]
    frame = pd.DataFrame(
        [[r[i] for i in keep] for r in records],
        columns=[header[i] for i in keep],
        index=pd.Index(numbers, name="row", dtype="int64"),
        dtype=object,
    )
    return frame
