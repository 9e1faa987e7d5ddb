"""`scri report --round SLUG --city NAME --lang kk|ru|en -o PATH.pdf` and `--compare`."""

import io

import pytest
from pypdf import PdfReader

from survey_app.reports.formats import Formats


@pytest.fixture
def report(runner):
    def run(*args):
        return runner.invoke(args=["report", *map(str, args)])

    return run


def _one_line_error(result, text):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert text in lines[0]
    assert "Traceback" not in result.output


def test_writes_the_pdf_in_the_language(report, seed_rounds, fixture_scores, tmp_path):
    out = tmp_path / "shu-kk.pdf"
    result = report("--round", "shu-2025", "--city", "Шу", "--lang", "kk", "-o", out, "--date", "2025-11-14")
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    score = Formats("kk").number(fixture_scores["shu-2025"]["scri"]["score"])
    assert "Шу" in text and score in text and "Ұсынымдар" in text and "2025 ж. 14 қараша" in text
    assert not list(tmp_path.glob(".scri-report-*"))  # no temporary file left behind


def test_comparative_report(report, seed_rounds, fixture_scores, tmp_path):
    out = tmp_path / "compare.pdf"
    result = report("--compare", "shu-2025,ayagoz-2025,shalkar-2025", "--lang", "en", "-o", out)
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Shu" in text and "Ayagoz" in text and "Shalkar" in text


def test_unknown_round(report, seed_rounds, tmp_path):
    _one_line_error(
        report("--round", "nope-2025", "--city", "Shu", "-o", tmp_path / "x.pdf"), "unknown round 'nope-2025'"
    )


def test_city_is_not_the_rounds_city(report, seed_rounds, tmp_path):
    _one_line_error(
        report("--round", "shu-2025", "--city", "Ayagoz", "-o", tmp_path / "x.pdf"),
        "round 'shu-2025' is a round of Shu, not of Ayagoz",
    )
    _one_line_error(
        report("--round", "shu-2025", "--city", "Atlantis", "-o", tmp_path / "x.pdf"), "unknown city 'Atlantis'"
    )


def test_unwritable_paths(report, seed_rounds, fixture_scores, tmp_path):
    _one_line_error(
        report("--round", "shu-2025", "--city", "Shu", "-o", tmp_path / "missing" / "x.pdf"),
        "cannot be written (the folder",
    )
    _one_line_error(report("--round", "shu-2025", "--city", "Shu", "-o", tmp_path), "is a folder")
    _one_line_error(
        report("--round", "shu-2025", "--city", "Shu", "-o", "/proc/scri-report.pdf"),
        "/proc/scri-report.pdf: cannot be written",
    )


def test_missing_options_and_bad_values(report, seed_rounds, tmp_path):
    _one_line_error(report("--round", "shu-2025", "-o", tmp_path / "x.pdf"), "give --round SLUG and --city NAME")
    _one_line_error(report("--compare", "shu-2025", "-o", tmp_path / "x.pdf"), "at least two rounds")
    _one_line_error(report("--compare", "shu-2025,nope", "-o", tmp_path / "x.pdf"), "unknown round 'nope'")
    _one_line_error(
        report("--round", "shu-2025", "--city", "Shu", "--date", "14.11.2025", "-o", tmp_path / "x.pdf"),
        "--date must look like 2025-11-14",
    )
    result = report("--round", "shu-2025", "--city", "Shu", "--lang", "de", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2


def test_a_round_that_cannot_be_scored_is_one_line(report, seed_rounds, monkeypatch, tmp_path):
    from survey_app.services import results as services
    from survey_app.services.errors import ServiceError

    def broken(round_):
        raise ServiceError(f"round {round_.slug!r} has no complete responses yet, so there is nothing to score")

    monkeypatch.setattr(services, "round_result", broken)
    _one_line_error(
        report("--round", "shu-2025", "--city", "Shu", "-o", tmp_path / "x.pdf"), "has no complete responses yet"
    )
