"""The code passes the project's ruff rules and format (pyproject.toml [tool.ruff]), and keeps to its layout:
no module over 400 lines, no function over 80 (its docstring not counted)."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analysis", "instruments", "survey_app", "tests", "benchmarks")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _ruff() -> str:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed; pip install -e '.[test]'")
    return ruff


def test_ruff_finds_nothing():
    result = subprocess.run([_ruff(), "check", "--no-cache", str(ROOT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted():
    result = subprocess.run(
        [_ruff(), "format", "--check", "--no-cache", str(ROOT)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _modules():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0] if node.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        lines -= first.end_lineno - first.lineno + 1
    return lines


def test_modules_and_functions_are_small():
    too_long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _body_lines(node) > MAX_FUNCTION_LINES:
                too_long.append(f"{name}:{node.lineno} {node.name}: {_body_lines(node)} lines")
    assert too_long == []
