"""`flask municipalities load FILE`: the national register from CBS's yearly file."""

from pathlib import Path

import click
from flask.cli import AppGroup

from extensions import db
from placements.municipalities.register import RegisterFileError, load_files

municipalities_cli = AppGroup("municipalities", help="The national register of municipalities.")

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@municipalities_cli.command("load")
@click.argument("register", type=_FILE)
@click.option("--aliases", type=_FILE, help="Other names (default: aliases.csv beside FILE).")
@click.option("--former", type=_FILE, help="Former codes (default: former_codes.csv beside FILE).")
def load_command(register: Path, aliases: Path | None, former: Path | None) -> None:
    """Load the register: adds, renames and merges, and says what it changed (idempotent)."""
    try:
        report = load_files(register, aliases, former)
    except (RegisterFileError, OSError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    for line in report.lines():
        click.echo(line)
