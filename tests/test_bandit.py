"""bandit over the app's own code: no findings. Each accepted exception is a `# nosec BXXX` next
to its reason in the code, or a skip explained in pyproject.toml ([tool.bandit])."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.once  # reads the code, not the database: one run is enough

ROOT = Path(__file__).resolve().parent.parent
BANDIT = Path(sys.executable).parent / "bandit"
APP_PACKAGES = ("accounts", "api", "cohort", "core", "placements", "reminders", "reports", "sessions")


def run_bandit(*targets: str, cwd: Path = ROOT) -> dict:
    result = subprocess.run(
        [str(BANDIT), "-c", str(ROOT / "pyproject.toml"), "-r", *targets, "-f", "json", "-q"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr  # 1: findings, anything else: bandit broke
    return json.loads(result.stdout)


def test_bandit_finds_nothing_in_the_apps_code():
    report = run_bandit(".")
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]
    ]
    assert findings == [], "bandit findings (fix them, or `# nosec BXXX` with the reason):\n" + "\n".join(
        findings
    )
    assert report["errors"] == []
    # The exclusions leave the app itself in: every package and the top-level modules are scanned.
    scanned = {Path(name).parts[0] for name in report["metrics"] if name != "_totals"}
    assert {*APP_PACKAGES, "app.py", "settings.py"} <= scanned, scanned


def test_bandit_would_catch_a_shell_injection(tmp_path):
    """The canary: the same command and configuration do find a real problem."""
    bad = "import subprocess\n\n\ndef run(name):\n    subprocess.call(name, shell=True)\n"
    (tmp_path / "bad.py").write_text(bad)
    report = run_bandit(".", cwd=tmp_path)
    assert {r["test_id"] for r in report["results"]} >= {"B602"}
