"""Serving the app with gunicorn, logging in like a browser, and loading it with wrk."""

import contextlib
import http.cookiejar
import json
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.databases import ROOT, free_port

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REPORTER = ROOT / "bench" / "report.lua"


def ensure_wrk() -> None:
    """wrk comes from Debian, installed when missing like the Makefile's other system packages."""
    subprocess.run([str(ROOT / "scripts" / "ensure-debian-packages"), "wrk:wrk"], check=True)  # noqa: S603


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    peak_kb: dict = field(default_factory=dict)  # worker pid -> VmHWM seen

    def worker_pids(self) -> list[int]:
        pids = []
        with contextlib.suppress(FileNotFoundError):
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                pids += [int(p) for p in (task / "children").read_text().split()]
        return pids

    def sample_memory(self) -> None:
        """Remember each worker's peak RSS (workers are recycled, so sample while they live)."""
        for pid in self.worker_pids():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                status = Path(f"/proc/{pid}/status").read_text()
                # A worker that is exiting (recycled) has no memory lines any more.
                if found := re.search(r"VmHWM:\s+(\d+) kB", status):
                    self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), int(found.group(1)))


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict, log_path: Path):
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port; waits until it answers.

    One setting differs: workers are not recycled (`--max-requests 0`). Production recycles one
    after ~20,000 requests, which at this app's real traffic is once in many hours; at the
    benchmark's thousands a second it was every few seconds, and each time one of the two workers
    was away for a moment: the bare ceiling itself then moved between 3,000 and 7,200 requests/s.
    """
    port = free_port()
    environment = os.environ | env | {"BIND": f"127.0.0.1:{port}"}
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--max-requests",
        "0",
        app_spec,
    ]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)  # noqa: S603
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("gunicorn exited; see the log in the bench's temporary folder")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(server.base + "/bench/ceiling", timeout=2).read()  # noqa: S310 - http only
            # Both workers import the app on their own: wait until each has answered once.
            time.sleep(1.0)
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login_cookie(base: str, email: str, password: str) -> str:
    """Log in through the form (CSRF token and all) and return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    html = opener.open(base + "/login").read().decode()
    form = {"email": email, "password": password, "csrf_token": CSRF.search(html).group(1)}
    try:
        opener.open(base + "/login", urllib.parse.urlencode(form).encode())
        raise RuntimeError(f"login as {email} did not redirect: wrong password or throttled?")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def fetch(url: str, headers: dict) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our loopback server
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers), answer.read()


def wrk(url: str, headers: dict, seconds: int, connections: int, server: Server) -> dict:
    """One wrk run (2 threads); returns throughput and latency percentiles from bench/report.lua."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(REPORTER)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    stop = threading.Event()

    def sample():
        while not stop.wait(0.5):
            server.sample_memory()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output = subprocess.run(  # noqa: S603 - wrk with our arguments
            [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    finally:
        stop.set()
        sampler.join()
        server.sample_memory()
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    return json.loads(line.removeprefix("BENCH_JSON "))
