"""Dependencies point one way: a package imports only packages on its own floor or below.

The floors, from the ground up (docs in the README, "How the code is organised"). Every import
counts, also one inside a function: a lazy import is still a dependency. The few imports that
go up are listed below, each with its reason; a new one fails this test until it is either
turned around or written down here.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FLOORS = {
    "settings": 0,
    "extensions": 0,
    "core": 1,
    "outbox": 2,
    "accounts": 3,
    # The domain: one floor, where cohort, sessions and placements may know each other.
    "cohort": 4,
    "sessions": 4,
    "placements": 4,
    "reminders": 5,
    "reports": 6,
    "privacy": 6,
    "api": 7,
    # The wiring: what puts the rest together.
    "navigation": 8,
    "home": 8,
    "models": 8,
    "jobs": 8,
    "demo": 8,
    "demo_large": 8,
    "app": 9,
}

# (importing module, imported module): why it must go up.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}

# Package pairs that import each other, and why the domain forces it.
ALLOWED_CYCLES = {
    ("cohort", "sessions"): "a cohort plans its sessions; a session belongs to a cohort and its trainees",
    ("cohort", "placements"): "a trainee's file shows placements; a placement is of a trainee in a cohort",
    ("placements", "sessions"): "interns' days sit between sessions; return-day notices go to supervisors",
}

NOT_APP_CODE = {".venv", "node_modules", "tests", "migrations", "bench", "scripts", "static", "templates"}


def _app_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in NOT_APP_CODE and relative.parts[0].removesuffix(".py") in FLOORS:
            yield relative


def _imports(relative: Path):
    """(line, imported module) for every absolute import in the file, at any depth."""
    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _edges():
    for relative in _app_modules():
        package = relative.parts[0].removesuffix(".py")
        for line, module in _imports(relative):
            target = module.split(".")[0]
            if target in FLOORS and target != package:
                yield relative.as_posix(), line, package, module, target


def test_every_app_package_has_a_floor():
    top_level = {
        path.name.removesuffix(".py")
        for path in ROOT.iterdir()
        if (path.suffix == ".py" or (path / "__init__.py").exists()) and path.name not in NOT_APP_CODE
    }
    assert top_level <= set(FLOORS), f"give these a floor: {sorted(top_level - set(FLOORS))}"


def test_no_package_imports_a_higher_floor_except_the_listed_ones():
    upward = [
        f"{path}:{line} imports {module}"
        for path, line, package, module, target in _edges()
        if FLOORS[target] > FLOORS[package] and (path, module) not in ALLOWED_UPWARD
    ]
    assert not upward, "imports against the layering:\n" + "\n".join(upward)


def test_the_listed_exceptions_are_all_still_needed():
    """An exception that no import uses any more is taken off the list."""
    used = {(path, module) for path, _line, _package, module, _target in _edges()}
    assert set(ALLOWED_UPWARD) <= used, sorted(set(ALLOWED_UPWARD) - used)
    assert len(ALLOWED_UPWARD) <= 7


def test_packages_import_each_other_only_where_the_domain_forces_it():
    imports = defaultdict(set)
    for _path, _line, package, _module, target in _edges():
        imports[package].add(target)
    cycles = {tuple(sorted((a, b))) for a in imports for b in imports[a] if a in imports.get(b, ())}
    assert cycles <= set(ALLOWED_CYCLES), (
        f"packages that import each other: {sorted(cycles - set(ALLOWED_CYCLES))}"
    )
