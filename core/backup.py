"""`flask backup PATH` and `flask restore PATH`: a consistent copy of the database, and back.

SQLite uses its online backup API (safe while the app runs: readers and the writer go on);
PostgreSQL uses pg_dump's custom format and pg_restore. Restore replaces the current data:
stop the web server and the scheduler first.
"""

import os
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with arguments, never a shell # nosec B404
from contextlib import closing
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from extensions import db


def _sqlite_file() -> Path:
    return Path(db.engine.url.database)


def _libpq_url() -> str:
    """The database URL as pg_dump understands it (no SQLAlchemy driver name), without the
    password: a command line is visible to every local user (ps), so that goes in PGPASSWORD."""
    url = db.engine.url.set(drivername="postgresql", password=None)
    return url.render_as_string(hide_password=False)


def _run_postgres_tool(*args: str) -> None:
    """pg_dump / pg_restore (Debian's postgresql-client) with arguments, never through a shell."""
    env = dict(os.environ)
    if db.engine.url.password:
        env["PGPASSWORD"] = db.engine.url.password
    # A fixed program with arguments from our settings, no shell: nothing to inject into.
    subprocess.run(list(args), check=True, env=env)  # noqa: S603 # nosec B603


def _copy_sqlite(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def backup_database(target: Path) -> None:
    if db.engine.dialect.name == "sqlite":
        _copy_sqlite(_sqlite_file(), target)
    else:
        _run_postgres_tool("pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url())


def restore_database(source: Path) -> None:
    if not source.exists():
        raise click.ClickException(f"No backup at {source}")
    db.session.remove()
    db.engine.dispose()  # our own connections must not hold locks on the tables being replaced
    if db.engine.dialect.name == "sqlite":
        _copy_sqlite(source, _sqlite_file())
    else:
        _run_postgres_tool(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url()}",
            str(source),
        )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Write a consistent backup of the database to PATH."""
    backup_database(path)
    click.echo(f"Backup written to {path} ({path.stat().st_size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool):
    """Replace the database's data with the backup at PATH (stop the app first)."""
    if not yes:
        click.confirm(f"Replace all data in {make_url(str(db.engine.url)).database} with {path}?", abort=True)
    restore_database(path)
    click.echo(f"Restored from {path}.")
