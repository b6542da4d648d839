"""Under stress: gunicorn with 4 workers, 20 clients writing at once, workers killed mid-work.

The web test runs for STRESS_SECONDS (default 30) on loopback only. Every client writes to its
own rows with an increasing number, so after the run each row must hold at least the number of
the last write the server confirmed: a confirmed (committed) change is never lost, even when
the worker that served it is killed with SIGKILL later. No request may fail with a 5xx, and the
server's log may not mention "database is locked".

The scheduler test fills the outbox, lets `flask scheduler` send to a real SMTP server, kills it
with SIGKILL mid-dispatch, starts it again, and checks that every message arrived.
"""

import os
import re
import signal
import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import create_app
from extensions import db
from outbox.queue import insert_messages
from tests.stress.conftest import BIN, child_pids, flask, free_port, process_env, running, wait_for
from tests.stress.http_client import CONNECTION_LOST, Browser

SECONDS = float(os.environ.get("STRESS_SECONDS", "30"))
CLIENTS = 20
WORKERS = 4
MANAGER = ("manager@cohort.example", "cohort-demo-2026")  # from `flask demo`


@dataclass
class Client:
    """One simulated user: writes its own row over and over, remembers what was confirmed."""

    number: int
    path: str  # the form it posts
    confirmed: int = 0  # the highest write number the server answered with "saved"
    statuses: dict[int, int] = field(default_factory=dict)
    connection_lost: int = 0
    last_lost: str = ""
    crashed: str = ""  # an exception in the client itself (the test reports it)

    def marker(self, write: int) -> str:
        return f"stress c{self.number} w{write}"


def _pick_rows(database_url: str) -> tuple[list[int], list[int], list[int]]:
    """Past sessions of the running demo cohort (for attendance), others (for edits), its trainees."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        cohort_id = connection.scalar(
            sa.text("SELECT cohort_id FROM trainees WHERE status = 'active' GROUP BY cohort_id LIMIT 1")
        )
        sessions = connection.execute(
            sa.text(
                "SELECT id, date <= CURRENT_DATE FROM training_sessions"
                " WHERE cohort_id = :cohort AND status = 'scheduled' ORDER BY date"
            ),
            {"cohort": cohort_id},
        ).all()
        trainees = connection.scalars(
            sa.text(
                "SELECT id FROM trainees WHERE cohort_id = :cohort AND status != 'withdrawn' ORDER BY id"
            ),
            {"cohort": cohort_id},
        ).all()
    engine.dispose()
    past = [session_id for session_id, is_past in sessions if is_past]
    later = [session_id for session_id, is_past in sessions if not is_past]
    return past, later, list(trainees)


def _write(client: Client, browser: Browser, write: int, trainees: list[int]) -> int:
    marker = client.marker(write)
    if client.path.endswith("/attendance"):
        entries = {f"status-{t}": "present" for t in trainees}
        return browser.submit(client.path, {**entries, f"note-{trainees[0]}": marker})
    return browser.submit(client.path, {"notes": marker})


def _keep_writing(client: Client, browser: Browser, trainees: list[int], stop: threading.Event) -> None:
    try:
        _write_until_stopped(client, browser, trainees, stop)
    except Exception as error:  # noqa: BLE001 - a thread's exception would otherwise vanish
        client.crashed = repr(error)


def _write_until_stopped(
    client: Client, browser: Browser, trainees: list[int], stop: threading.Event
) -> None:
    write = 0
    while not stop.is_set():
        write += 1
        try:
            status = _write(client, browser, write, trainees)
        except CONNECTION_LOST as error:
            client.last_lost = repr(error)
            client.connection_lost += 1  # its worker was killed: not confirmed, so not counted
            continue
        client.statuses[status] = client.statuses.get(status, 0) + 1
        if status == 302:
            client.confirmed = write


def _kill_a_worker_now_and_then(master_pid: int, stop: threading.Event, killed: list[int]) -> None:
    for fraction in (1 / 3, 2 / 3):
        if stop.wait(SECONDS * (fraction - len(killed) / 3)):
            return
        worker = child_pids(master_pid)[0]
        os.kill(worker, signal.SIGKILL)
        killed.append(worker)


def _stored_markers(database_url: str, attendance_sessions: list[int], first_trainee: int) -> dict[str, str]:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        notes = connection.execute(
            sa.text("SELECT session_id, note FROM attendance WHERE trainee_id = :trainee"),
            {"trainee": first_trainee},
        ).all()
        edits = connection.execute(sa.text("SELECT id, notes FROM training_sessions")).all()
    engine.dispose()
    stored = {f"/sessions/{sid}/attendance": note for sid, note in notes if sid in attendance_sessions}
    stored.update({f"/sessions/{sid}/edit": text for sid, text in edits})
    return stored


def test_twenty_writers_on_four_workers_lose_nothing_and_never_see_a_locked_database(database_url, tmp_path):
    env = process_env(database_url)
    flask(env, "db", "upgrade")
    flask(env, "demo")
    past, later, trainees = _pick_rows(database_url)
    assert len(past) >= CLIENTS // 2 and len(later) >= CLIENTS // 2, "the demo cohort has too few sessions"
    clients = [
        Client(n, f"/sessions/{past[n]}/attendance" if n % 2 == 0 else f"/sessions/{later[n]}/edit")
        for n in range(CLIENTS)
    ]
    port = free_port()
    gunicorn = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "app:create_app()"]
    server_env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_WORKERS": str(WORKERS)}
    log = tmp_path / "gunicorn.log"
    with running(gunicorn, server_env, log) as server:
        wait_for("127.0.0.1", port)
        stop, killed = threading.Event(), []
        browsers = [Browser(f"http://127.0.0.1:{port}") for _client in clients]
        for browser in browsers:  # logged in before the clock starts: hashing is slow on purpose
            browser.log_in(*MANAGER)
        threads = [
            threading.Thread(target=_keep_writing, args=(client, browser, trainees, stop))
            for client, browser in zip(clients, browsers, strict=True)
        ]
        threads.append(threading.Thread(target=_kill_a_worker_now_and_then, args=(server.pid, stop, killed)))
        for thread in threads:
            thread.start()
        time.sleep(SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    server_log = log.read_text()

    assert not [c.crashed for c in clients if c.crashed], [c.crashed for c in clients if c.crashed]
    assert len(killed) == 2, "two workers were killed while clients were writing"
    answers = {
        status: sum(c.statuses.get(status, 0) for c in clients) for c in clients for status in c.statuses
    }
    assert set(answers) == {302}, (
        f"every write is saved (302), got {answers}, lost {[c.connection_lost for c in clients]}"
    )
    assert all(c.confirmed > 0 for c in clients), "every client got writes through"
    assert "database is locked" not in server_log
    assert "Traceback" not in server_log, server_log[-3000:]
    stored = _stored_markers(database_url, past, trainees[0])
    for client in clients:
        found = re.fullmatch(rf"stress c{client.number} w(\d+)", stored[client.path])
        assert found and int(found[1]) >= client.confirmed, (client, stored[client.path])
    print(f"\n{sum(answers.values())} writes confirmed in {SECONDS:.0f} s, {len(killed)} workers killed")


class CountingHandler:
    """An SMTP server that remembers the Message-ID of every mail it accepted (slowly, like a real one)."""

    def __init__(self):
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        time.sleep(0.005)
        found = re.search(rb"^Message-ID: (\S+)", envelope.content, re.MULTILINE | re.IGNORECASE)
        self.message_ids.append(found[1].decode())
        return "250 OK"


def _fill_outbox(database_url: str, count: int) -> None:
    """Due messages, put in the outbox the way the app's own scan does."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "stress-test-secret"})
    with app.app_context():
        rows = [
            {
                "key": f"stress:{n}",
                "kind": "stress",
                "recipient": f"person{n}@mail.example",
                "subject": "Test",
                "body_text": "Hallo",
            }
            for n in range(count)
        ]
        insert_messages(rows)
        db.session.commit()
        db.engine.dispose()


def _outbox_statuses(database_url: str) -> dict[str, int]:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT status, count(*) FROM outbox_messages GROUP BY status")
        ).all()
    engine.dispose()
    return dict(rows)


def _wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.05)


def test_a_scheduler_killed_mid_dispatch_loses_no_message(database_url, tmp_path):
    messages = 400
    handler = CountingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = process_env(
        database_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp.port),
        SMTP_TLS="none",
        SCHEDULER_INTERVAL_SECONDS="1",
        MAIL_CLAIM_TIMEOUT_SECONDS="2",
    )
    try:
        flask(env, "db", "upgrade")
        _fill_outbox(database_url, messages)
        scheduler = [str(BIN / "flask"), "--app", "app", "scheduler"]
        with running(scheduler, env, tmp_path / "scheduler-1.log") as first:
            _wait_until(lambda: len(handler.message_ids) >= messages // 4, 60, "the first quarter sent")
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        sent_before_kill = len(handler.message_ids)
        assert sent_before_kill < messages, "killed mid-dispatch, not after it"
        with running(scheduler, env, tmp_path / "scheduler-2.log"):
            _wait_until(
                lambda: _outbox_statuses(database_url) == {"sent": messages}, 120, "every message sent"
            )
    finally:
        smtp.stop()
    received = set(handler.message_ids)
    assert len(received) == messages, "every message arrived"
    # Only the one message on the wire when the process died may arrive twice (same Message-ID).
    assert len(handler.message_ids) - len(received) <= 1
