"""Every interface text has its Dutch translation (Dutch is the first language)."""

import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.once  # reads the code, not the database: one run is enough

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(__import__("sys").executable).parent


def test_every_text_in_the_code_has_a_dutch_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            BIN / "pybabel",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "--ignore-dirs=.* node_modules tests",
            "-o",
            template,
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (ROOT / "translations/nl/LC_MESSAGES/messages.po").open("rb") as handle:
        dutch = {m.id: m for m in read_po(handle, locale="nl") if m.id}
    missing = sorted(str(i) for i in wanted if i not in dutch or not dutch[i].string or dutch[i].fuzzy)
    hint = "untranslated (run `make translations-update`, then translate):\n"
    assert missing == [], hint + "\n".join(missing)
