"""The benchmark's databases: a large data set in a SQLite file (cached) and in a throw-away PostgreSQL."""

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def schema_and_data_key(seed: int, scale_name: str, today: date) -> str:
    """The cache key: the data depends on the seed, the scale, the day, the migrations and the generator."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")) + [ROOT / "demo_large.py"]:
        digest.update(path.name.encode() + path.read_bytes())
    return f"large-{scale_name}-seed{seed}-{today.isoformat()}-{digest.hexdigest()[:12]}"


def add_model_indexes(url: str) -> None:
    """Indexes the models declare that the migrations do not create yet (a no-op once they do)."""
    import sqlalchemy as sa

    import models  # noqa: F401 - every table in the metadata
    from extensions import db

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        existing = set(sa.inspect(connection).get_table_names())
        # Tables other work in progress added to the models but not yet to the migrations are skipped.
        for table in (t for t in db.metadata.sorted_tables if t.name in existing):
            for index in table.indexes:
                index.create(connection, checkfirst=True)
    engine.dispose()


def fill_database(url: str, seed: int, scale, today: date) -> dict:
    """Migrate an empty database and load the large demo into it, in this process."""
    from flask_migrate import upgrade

    from app import create_app
    from demo import DEMO_PASSWORD
    from demo_large import load_large_demo
    from extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        add_model_indexes(url)
        counts = load_large_demo(today, seed=seed, scale=scale, password=DEMO_PASSWORD)
        db.session.commit()
        db.engine.dispose()
    return counts


def sqlite_database(workdir: Path, seed: int, scale, scale_name: str, today: date) -> str:
    """A working copy of the cached SQLite file (built first when missing); returns its URL."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"{schema_and_data_key(seed, scale_name, today)}.db"
    if not cached.exists():
        for old in CACHE.glob(f"large-{scale_name}-*.db"):
            old.unlink()
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        print(f"Building the SQLite data set ({scale_name}, seed {seed}) ...", flush=True)
        fill_database(f"sqlite:///{building}", seed, scale, today)
        building.rename(cached)
    else:
        print(f"Using the cached SQLite data set {cached.name}", flush=True)
    work = workdir / "bench.db"
    shutil.copyfile(cached, work)
    add_model_indexes(f"sqlite:///{work}")
    return f"sqlite:///{work}"


@contextlib.contextmanager
def postgres_server():
    """A throw-away PostgreSQL cluster on a free port (the idea of scripts/with-postgres); yields a URL."""
    command = [str(ROOT / "scripts" / "ensure-debian-packages"), "pg_ctlcluster:postgresql"]
    subprocess.run(command, check=True)  # noqa: S603 - our own script
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
    as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="cohort-bench-pg."))
    if as_owner:
        shutil.chown(folder, "postgres")
    port = free_port()
    data = folder / "data"

    def run(*command):
        subprocess.run([*as_owner, *command], check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    try:
        run(
            f"{bindir}/initdb",
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        # fsync off: the data is rebuilt every run, and the benchmark measures reads, not the disk.
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        run(
            f"{bindir}/pg_ctl",
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-w",
            "-o",
            options,
            "start",
        )
        run(f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "cohort_bench")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/cohort_bench"
    finally:
        subprocess.run(  # noqa: S603 - fixed commands
            [*as_owner, f"{bindir}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)
