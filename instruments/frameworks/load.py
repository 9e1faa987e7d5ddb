"""Reading a SCRI framework file: parse, check once, cache the built-in one."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .. import checking
from .model import FrameworkError, ScriFramework
from .schema import FrameworkChecker

__all__ = ["DEFAULT_FRAMEWORK_FILE", "load_framework", "parse_framework"]

DEFAULT_FRAMEWORK_FILE = Path(__file__).resolve().parents[1] / "data" / "scri.yaml"
MAX_FILE_BYTES = 1024 * 1024


def parse_framework(text: str, source: str = "scri.yaml") -> ScriFramework:
    """Parse and check framework YAML text; ``FrameworkError`` lists every problem.

    Examples
    --------
    >>> parse_framework("code: x\\nversion: 1\\n", "x.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    instruments.frameworks.FrameworkError: x.yaml: missing title...
    """
    data = checking.read_yaml(text, source, MAX_FILE_BYTES, error=FrameworkError)
    checker = FrameworkChecker(source)
    framework = checker.framework(data)
    if framework is None:
        raise FrameworkError(checker.problems)
    return framework


def load_framework(path: str | Path | None = None) -> ScriFramework:
    """Load a framework file (default: the built-in ``data/scri.yaml``, read once and cached)."""
    if path is None:
        return _default_framework()
    text = checking.read_text_file(path, MAX_FILE_BYTES, error=FrameworkError)
    return parse_framework(text, Path(path).name)


@lru_cache(maxsize=1)
def _default_framework() -> ScriFramework:
    return parse_framework(DEFAULT_FRAMEWORK_FILE.read_text(encoding="utf-8"), DEFAULT_FRAMEWORK_FILE.name)
