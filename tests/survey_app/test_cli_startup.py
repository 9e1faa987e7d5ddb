"""`scri --help` imports no command module (nor Flask, SQLAlchemy or pandas), and the one line it shows for each
command is that command's own."""

from __future__ import annotations

import subprocess
import sys

from survey_app.cli import COMMANDS, load_command

PROBE = """
import sys
from survey_app.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
heavy = ("pandas", "numpy", "flask", "sqlalchemy", "argon2", "weasyprint", "survey_app.cli.")
print("LOADED", sorted(m for m in sys.modules if m.startswith(heavy)))
"""


def test_help_lists_every_command_without_importing_them():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert "LOADED []" in result.stdout, result.stdout.splitlines()[-1]
    for name in COMMANDS:
        assert f"  {name} " in result.stdout


def test_each_listed_line_is_the_commands_own_help():
    for name, (_module, line) in COMMANDS.items():
        command = load_command(name)
        assert command.name == name
        assert command.get_short_help_str(limit=1000) == line, name


def test_an_unknown_command_is_one_line_not_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "survey_app.cli", "nonsense"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "No such command 'nonsense'" in result.stderr and "Traceback" not in result.stderr
