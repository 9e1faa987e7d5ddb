"""`scri backup` / `scri restore`: a round trip of the demo whose exports and scores are identical, refusals that
change nothing, and an upgrade from the first migration's schema with nothing lost."""

from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import func, select, text

from survey_app.extensions import db
from survey_app.models import Response
from survey_app.services.backup import row_counts

DEMO_ROUNDS = ("shu-2025", "ayagoz-2025", "shalkar-2025")


@pytest.fixture(scope="module")
def demo_backup(demo_app, tmp_path_factory):
    path = tmp_path_factory.mktemp("backup") / "demo.zip"
    result = demo_app.test_cli_runner().invoke(args=["backup", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _exports(app, tmp_path, tag) -> dict[str, str]:
    runner = app.test_cli_runner()
    out = {}
    for slug in DEMO_ROUNDS:
        target = tmp_path / f"{tag}-{slug}.csv"
        result = runner.invoke(args=["export", "--round", slug, "--format", "csv", "--partial", "-o", str(target)])
        assert result.exit_code == 0, result.output
        out[slug] = target.read_text(encoding="utf-8")
        score = runner.invoke(args=["score", "--round", slug, "--format", "json"])
        assert score.exit_code == 0, score.output
        out[slug + ":score"] = score.output
    return out


def _responses(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_a_restored_backup_exports_and_scores_exactly_as_the_original(app, demo_app, demo_backup, tmp_path):
    result = app.test_cli_runner().invoke(args=["restore", str(demo_backup), "--yes"])
    assert result.exit_code == 0, result.output
    with demo_app.app_context():
        original = row_counts(db.engine)
    with app.app_context():
        restored = row_counts(db.engine)
        null_texts = db.session.scalar(
            text(
                "SELECT count(*) FROM answer WHERE value_json IS NOT NULL AND "
                + ("value_json::text" if db.engine.dialect.name == "postgresql" else "value_json")
                + " = 'null'"
            )
        )
    assert restored == original and original["answer"] > 10_000
    assert null_texts == 0
    assert _exports(app, tmp_path, "restored") == _exports(demo_app, tmp_path, "original")
    # The restored database goes on working: ids continue past the restored ones (PostgreSQL sequences).
    with app.app_context():
        from survey_app.services.cities import ensure_city

        city = ensure_city("aksu", {"kk": "Ақсу", "ru": "Аксу", "en": "Aksu"}, region="Pavlodar", population=40000)
        db.session.commit()
        assert city.id > max(db.session.scalars(text("SELECT id FROM city WHERE slug <> 'aksu'")).all())


def test_a_restore_asks_first_and_no_changes_nothing(app, demo_backup, make_round):
    make_round()
    result = app.test_cli_runner().invoke(args=["restore", str(demo_backup)], input="n\n")
    assert result.exit_code != 0 and "Replace everything" in result.output
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM survey_round")) == 1


@pytest.mark.parametrize(
    "damage, message",
    [
        ("not a zip", "not a SCRI backup (not a zip file)"),
        ("no manifest", "no readable manifest.json"),
        ("short table", "holds"),
        ("newer revision", "does not know (made by a newer version?)"),
        ("broken line", "is missing or damaged"),
    ],
)
def test_a_damaged_backup_is_refused_before_anything_changes(app, demo_backup, make_round, tmp_path, damage, message):
    make_round()
    bad = tmp_path / "bad.zip"
    if damage == "not a zip":
        bad.write_bytes(b"PK\x03\x04 not really")
    else:
        with zipfile.ZipFile(demo_backup) as src, zipfile.ZipFile(bad, "w") as dst:
            manifest = json.loads(src.read("manifest.json"))
            for item in src.infolist():
                data = src.read(item)
                if item.filename == "manifest.json":
                    if damage == "no manifest":
                        continue
                    if damage == "newer revision":
                        manifest["revision"] = "9999"
                    data = json.dumps(manifest).encode()
                elif item.filename == "tables/answer.jsonl":
                    lines = data.splitlines(keepends=True)
                    data = b"".join(lines[:-1]) if damage == "short table" else data
                    data = data + b"{not json\n" if damage == "broken line" else data
                dst.writestr(item.filename, data)
    result = app.test_cli_runner().invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM survey_round")) == 1, "nothing was dropped"


def test_backup_refuses_a_folder_or_a_missing_folder_with_one_line(app, tmp_path):
    runner = app.test_cli_runner()
    folder = runner.invoke(args=["backup", "-o", str(tmp_path)])
    missing = runner.invoke(args=["backup", "-o", str(tmp_path / "nowhere" / "b.zip")])
    assert folder.exit_code == 2 and "is a directory" in folder.output
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_data_in_the_first_migrations_schema_survives_the_upgrade_to_head(app, demo_app, demo_backup, tmp_path):
    """The demo's rows loaded into a schema at revision 0001 (columns added later left out), then `scri init`."""
    from flask_migrate import upgrade

    from survey_app.database import init_migrations
    from survey_app.services import backup as backups

    with app.app_context():
        init_migrations(app)
        directory = app.extensions["migrate"].directory
        db.session.remove()
        backups.drop_everything(db.engine)
        upgrade(directory=directory, revision="0001")
        from survey_app.cli.backup import _known_revisions

        manifest = backups.check_backup(demo_backup, _known_revisions())
        backups.load_rows(db.engine, demo_backup, manifest)
        # Answers as versions before revision 0005 stored them: the JSON text 'null' where there is no list.
        db.session.execute(text("UPDATE answer SET value_json = 'null' WHERE value_json IS NULL"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with demo_app.app_context():
        original = row_counts(db.engine)
    with app.app_context():
        assert row_counts(db.engine) == original
        assert db.session.scalar(text("SELECT count(*) FROM answer WHERE value_json IS NULL")) > 0
        kinds = set(db.session.scalars(text("SELECT kind FROM survey_round")).all())
    assert kinds <= {"round", "poll"} and "round" in kinds
    restored, before = _exports(app, tmp_path, "upgraded"), _exports(demo_app, tmp_path, "demo")
    assert {k: v for k, v in restored.items() if not k.endswith(":score")} == {
        k: v for k, v in before.items() if not k.endswith(":score")
    }
    assert all(json.loads(restored[k]) == json.loads(before[k]) for k in restored if k.endswith(":score"))
    assert _responses(app) == _responses(demo_app)


def test_attached_files_are_kept_in_the_backup_and_put_back(app, tmp_path):
    from survey_app.extensions import db
    from survey_app.services.backup import restore_files, write_backup

    uploads = tmp_path / "uploads"
    (uploads / "3" / "17").mkdir(parents=True)
    (uploads / "3" / "17" / "photo.jpg").write_bytes(b"\xff\xd8\xff photo bytes")
    (uploads / "3" / "17" / "photo.jpg.part").write_bytes(b"half written")
    with app.app_context():
        manifest = write_backup(db.engine, tmp_path / "backup.zip", uploads)
    assert manifest["files"] == 1
    restored = tmp_path / "restored"
    (restored / "old").mkdir(parents=True)
    assert restore_files(tmp_path / "backup.zip", restored) == 1
    assert (restored / "3" / "17" / "photo.jpg").read_bytes() == b"\xff\xd8\xff photo bytes"
    assert not (restored / "old").exists() and not (restored / "3" / "17" / "photo.jpg.part").exists()
