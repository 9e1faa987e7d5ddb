"""Reading a reference-standard framework file: parse, check once, cache the built-in one."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import checking
from ..checking import Problem
from .model import RefStdFramework, RefStdFrameworkError
from .schema import FrameworkChecker

DEFAULT_FRAMEWORK_FILE = Path(__file__).resolve().parents[1] / "data" / "kz_reference_standard.yaml"
MAX_FILE_BYTES = 1024 * 1024


def parse_refstd_framework(data: Any, source: str) -> RefStdFramework:
    """Validate a parsed framework (a mapping as read from YAML) or raise RefStdFrameworkError."""
    checker = FrameworkChecker(source)
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
    text = checking.read_text_file(path, MAX_FILE_BYTES, error=RefStdFrameworkError)
    data = checking.read_yaml(text, path.name, MAX_FILE_BYTES, error=RefStdFrameworkError)
    return parse_refstd_framework(data, path.name)
