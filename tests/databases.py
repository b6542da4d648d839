"""The test databases: the schema is built once per test run, and each test starts from it.

- **SQLite** (the default): the schema and seed data are written once to a template file; each
  test gets its own copy (a file copy of a few hundred kB), so it may commit, open several
  connections and run threads exactly as the app does.
- **PostgreSQL** (`TEST_DATABASE_URL`): the schema is built once into a template database.
  A test works in one shared database inside a transaction that is rolled back at its end; the
  app's own commits and rollbacks become savepoints within it. A test that needs committed data
  or several connections (threads, other processes, migrations) is marked `committed_db` and
  gets a database of its own, copied from the template and dropped afterwards.

Under pytest-xdist each worker has its own databases (the worker id is in their names).
"""

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import sqlalchemy as sa

SERVER_URL = os.environ.get("TEST_DATABASE_URL")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def on_postgresql() -> bool:
    return bool(SERVER_URL)


def build_schema(app) -> None:
    """Every table, the seeded programme templates and the national register of municipalities,
    as a new installation has them after `make run`'s set-up."""
    from cohort.services import seed_default_templates
    from extensions import db
    from placements.municipalities.register import REGISTER_FILE, load_files

    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_default_templates()
        load_files(REGISTER_FILE)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


class SqliteFiles:
    """A template file with the schema; a copy of it per test."""

    def __init__(self, folder: Path, make_app):
        self.template = folder / "template.db"
        build_schema(make_app(sqlite_url(self.template)))
        # The schema is in the main file once WAL is checkpointed; copies then need no -wal file.
        with sqlite3.connect(self.template) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()

    def copy(self, folder: Path) -> str:
        target = folder / "test.db"
        shutil.copyfile(self.template, target)
        return sqlite_url(target)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class PostgresDatabases:
    """The template database, the shared database of the rolled-back tests, and any database a
    test asks for (copied from the template, or empty); all of them are dropped at the end."""

    def __init__(self, make_app):
        self.admin = sa.create_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self.made: list[str] = []
        stem = sa.engine.make_url(SERVER_URL).database
        self.template = self._create(f"{stem}_template_{WORKER}")
        build_schema(make_app(self.url(self.template)))
        self.shared = self._create(f"{stem}_{WORKER}", template=self.template)

    def url(self, name: str) -> str:
        return sa.engine.make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)

    def copy(self) -> str:
        """A new database with the schema, for one test that commits."""
        return self.url(self._create(self._new_name(), template=self.template))

    def empty(self) -> str:
        """A new database without tables, for a caller that builds (or migrates) its own."""
        return self.url(self._create(self._new_name()))

    def drop(self, url: str) -> None:
        name = sa.engine.make_url(url).database
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.remove(name)

    def drop_all(self) -> None:
        for name in reversed(list(self.made)):
            self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()
        self.admin.dispose()

    def _new_name(self) -> str:
        return f"test_{WORKER}_{uuid.uuid4().hex[:10]}"

    def _create(self, name: str, template: str | None = None) -> str:
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # FILE_COPY copies the template's few files at once: faster than WAL_LOG for a small schema.
        copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        self._run(f'CREATE DATABASE "{name}"{copy}')
        self.made.append(name)
        return name

    def _run(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(statement)
