"""`python -m survey_app.cli`: the same as `scri`."""

from . import main

main(prog_name="scri")
