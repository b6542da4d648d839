"""The web app does not load scipy until a whole-group proposal is computed: it adds tens of MB
to every gunicorn worker (tests/security/test_input_memory.py holds the limit). numpy itself is
loaded with openpyxl, which uses it when it is installed."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_starting_the_app_loads_no_scipy():
    script = (
        "import sys; from app import create_app; create_app({'TESTING': True}); print('scipy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
