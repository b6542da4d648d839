"""The national register of municipalities: CBS's yearly file loaded into `municipalities`,
and finding one by what people type (names.py holds the rules).

Loading is idempotent and keeps every link: a municipality is matched by its CBS code, so an
existing host keeps its record and id; a new name or province is taken over; a municipality
merged into another (its code gone from the file, its old code in the former codes) hands its
trainees, offers, contacts and supervisors to its successor and then goes. A code in the
database that is neither in the file nor a former code with one successor is reported and left
alone, never changed: a person decides (a split municipality, a record typed by hand).
"""

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import Role, User
from cohort.models import Trainee
from core.errors import ValidationError
from extensions import db
from placements.models import (
    InternshipOffer,
    Municipality,
    MunicipalityAlias,
    OfferSubmission,
    Placement,
    Supervisor,
)
from placements.municipalities.names import CODE, Alternative, NameIndex, Official, Resolution

MAX_NAME = 120  # characters of a typed name or search: longer than any municipality's
REGISTER_FILE = Path(__file__).resolve().parents[2] / "data" / "municipalities" / "municipalities.csv"
ALIASES_NAME, FORMER_NAME = "aliases.csv", "former_codes.csv"


@dataclass(frozen=True)
class RegisterRow:
    code: str
    name: str
    province: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class FormerCode:
    old_code: str
    old_name: str
    new_code: str


@dataclass
class LoadReport:
    """What a load changed, for the command's output (and the tests)."""

    added: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # to another province
    merged: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)
    aliases: int = 0  # how many other names and former codes there are now
    aliases_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.renamed or self.moved or self.merged or self.aliases_changed)

    def lines(self) -> list[str]:
        lines = [
            f"added {len(self.added)}, renamed {len(self.renamed)}, moved {len(self.moved)},"
            f" merged {len(self.merged)}, left alone {len(self.left_alone)};"
            f" {self.aliases} other names and former codes"
        ]
        for title, items in (
            ("renamed", self.renamed),
            ("moved to another province", self.moved),
            ("merged", self.merged),
            ("not in the file, left alone", self.left_alone),
        ):
            lines += [f"{title}: {item}" for item in items]
        return lines


# --- Reading the files ---------------------------------------------------------------------


class RegisterFileError(ValueError):
    """A file that is not the register: says which line and why."""


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise RegisterFileError(f"{path.name}: no column {', '.join(sorted(missing))}")
        return [{k: (row[k] or "").strip() for k in columns} for row in reader]


def _code(value: str, path: Path, line: int) -> str:
    if not CODE.fullmatch(value):
        raise RegisterFileError(f"{path.name}, line {line}: {value!r} is no CBS code (GM and 4 digits)")
    return value


def read_register(path: Path) -> list[RegisterRow]:
    rows = []
    for line, row in enumerate(_rows(path, ("code", "name", "province", "lat", "lon")), start=2):
        try:
            point = float(row["lat"]), float(row["lon"])
        except ValueError:
            raise RegisterFileError(f"{path.name}, line {line}: no centre") from None
        if not row["name"] or not row["province"]:
            raise RegisterFileError(f"{path.name}, line {line}: no name or province")
        rows.append(RegisterRow(_code(row["code"], path, line), row["name"], row["province"], *point))
    if len({r.code for r in rows}) != len(rows):
        raise RegisterFileError(f"{path.name}: a code is on more than one line")
    return rows


def read_aliases(path: Path) -> list[tuple[str, str]]:
    """(typed name, code) per line."""
    rows = _rows(path, ("typed", "code"))
    return [(r["typed"], _code(r["code"], path, n)) for n, r in enumerate(rows, start=2) if r["typed"]]


def read_former(path: Path) -> list[FormerCode]:
    rows = _rows(path, ("old_code", "old_name", "new_code"))
    return [
        FormerCode(_code(r["old_code"], path, n), r["old_name"], _code(r["new_code"], path, n))
        for n, r in enumerate(rows, start=2)
    ]


# --- Loading -----------------------------------------------------------------------------------


def load_register(
    rows: list[RegisterRow], aliases: list[tuple[str, str]], former: list[FormerCode]
) -> LoadReport:
    """Bring the table in line with the file (in the caller's transaction)."""
    report = LoadReport()
    existing = {m.cbs_code: m for m in db.session.scalars(sa.select(Municipality))}
    by_code = {row.code: _take_over(existing.get(row.code), row, report) for row in rows}
    db.session.flush()
    successors: dict[str, set[str]] = defaultdict(set)
    for entry in former:
        if entry.new_code in by_code:
            successors[entry.old_code].add(entry.new_code)
    for code, municipality in existing.items():
        if code in by_code:
            continue
        into = successors.get(code, set())
        if len(into) == 1:
            _merge(municipality, by_code[next(iter(into))], report)
        else:
            why = "split: choose by hand" if into else "not in the register"
            report.left_alone.append(f"{code} {municipality.name} ({why})")
    _replace_aliases(by_code, aliases, former, report)
    db.session.flush()
    return report


def _take_over(municipality: Municipality | None, row: RegisterRow, report: LoadReport) -> Municipality:
    if municipality is None:
        municipality = Municipality(cbs_code=row.code, name=row.name, province=row.province)
        db.session.add(municipality)
        report.added.append(f"{row.code} {row.name}")
    if municipality.name != row.name:
        report.renamed.append(f"{row.code} {municipality.name} → {row.name}")
        municipality.name = row.name
    if municipality.province != row.province:
        if municipality.id is not None:
            report.moved.append(f"{row.code} {row.name}: {municipality.province} → {row.province}")
        municipality.province = row.province
    municipality.latitude, municipality.longitude = row.latitude, row.longitude
    return municipality


def _merge(old: Municipality, into: Municipality, report: LoadReport) -> None:
    """Every link to `old` goes to `into`; then `old` goes. A supervisor already in the
    successor's register (the same address) takes over the old record's offers and placements."""
    for column in (
        Trainee.home_municipality_id,
        Trainee.outcome_municipality_id,
        InternshipOffer.municipality_id,
        User.municipality_id,
        OfferSubmission.municipality_id,
    ):
        db.session.execute(sa.update(column.class_).where(column == old.id).values({column.key: into.id}))
    for supervisor in db.session.scalars(sa.select(Supervisor).filter_by(municipality_id=old.id)):
        twin = db.session.scalar(
            sa.select(Supervisor).filter_by(municipality_id=into.id, email=supervisor.email)
        )
        if twin is None:
            supervisor.municipality_id = into.id
            continue
        for model in (InternshipOffer, Placement):
            db.session.execute(
                sa.update(model).where(model.supervisor_id == supervisor.id).values(supervisor_id=twin.id)
            )
        db.session.delete(supervisor)
    db.session.flush()
    db.session.delete(old)
    report.merged.append(f"{old.cbs_code} {old.name} → {into.cbs_code} {into.name}")


def _replace_aliases(
    by_code: dict[str, Municipality],
    aliases: list[tuple[str, str]],
    former: list[FormerCode],
    report: LoadReport,
) -> None:
    wanted = {(name, by_code[code].id, None) for name, code in aliases if code in by_code}
    wanted |= {(f.old_name, by_code[f.new_code].id, f.old_code) for f in former if f.new_code in by_code}
    stored = {
        (a.name, a.municipality_id, a.former_code): a
        for a in db.session.scalars(sa.select(MunicipalityAlias))
    }
    for key in stored.keys() - wanted:
        db.session.delete(stored[key])
    for name, municipality_id, former_code in sorted(wanted - stored.keys(), key=str):
        db.session.add(MunicipalityAlias(name=name, municipality_id=municipality_id, former_code=former_code))
    report.aliases = len(wanted)
    report.aliases_changed = wanted != stored.keys()


def load_files(register: Path, aliases: Path | None = None, former: Path | None = None) -> LoadReport:
    """Read the register file and its companions (by default beside it) and load them."""
    folder = register.parent
    return load_register(
        read_register(register),
        read_aliases(aliases or folder / ALIASES_NAME),
        read_former(former or folder / FORMER_NAME),
    )


# --- Finding a municipality ----------------------------------------------------------------------


def name_index() -> NameIndex:
    """The register as names.py searches it, in two queries."""
    officials = [
        Official(*row)
        for row in db.session.execute(sa.select(Municipality.id, Municipality.cbs_code, Municipality.name))
    ]
    alternatives = [
        Alternative(row.name, row.municipality_id, row.former_code)
        for row in db.session.execute(
            sa.select(
                MunicipalityAlias.name, MunicipalityAlias.municipality_id, MunicipalityAlias.former_code
            )
        )
    ]
    return NameIndex.build(officials, alternatives)


def resolve(text: str) -> Resolution:
    return name_index().resolve(text)


def resolution_problem(choices: Iterable[str], suggestions: Iterable[str]) -> str:
    """Why a typed municipality was not taken, in the reader's language, with what to type."""
    choices, suggestions = list(choices), list(suggestions)
    if len(choices) == 1:
        return _("Do you mean %(name)s? Type that name.", name=choices[0])
    if choices:
        return _("Which one do you mean: %(names)s? Type the full name.", names=", ".join(choices))
    text = _("We do not know a municipality with this name.")
    if suggestions:
        text += " " + _("Did you mean %(names)s?", names=", ".join(suggestions))
    return text


def municipality_id_for(text: str, field_name: str) -> int | None:
    """The id of the municipality `text` names unmistakably (None for an empty text); else a
    ValidationError on `field_name` that offers the choice or the nearest names."""
    resolution = resolve(text)
    if resolution.found is not None:
        return resolution.found.id
    if resolution.is_empty and not (text or "").strip():
        return None
    problem = resolution_problem([o.name for o in resolution.choices], resolution.suggestions)
    raise ValidationError(_("Please check the fields marked below."), {field_name: problem})


def official_names() -> list[str]:
    """Every municipality's name, sorted: the choice a form offers (an HTML datalist)."""
    return list(db.session.scalars(sa.select(Municipality.name).order_by(Municipality.name)))


def is_host() -> sa.ColumnElement[bool]:
    """A condition on Municipality: it has internship offers or contact persons."""
    # Correlated to Municipality only: a query that joins offers itself must not lose them here.
    offers = sa.select(InternshipOffer.id).where(InternshipOffer.municipality_id == Municipality.id)
    contacts = sa.select(User.id).where(
        User.municipality_id == Municipality.id, User.role == Role.MUNICIPALITY
    )
    return sa.or_(offers.correlate(Municipality).exists(), contacts.correlate(Municipality).exists())


def search(text: str, limit: int = 20) -> list[tuple[Municipality, bool]]:
    """The register's municipalities for a search text, best first, each with whether it is a host."""
    ids = [official.id for official in name_index().search(text, limit)]
    rows = db.session.execute(sa.select(Municipality, is_host()).where(Municipality.id.in_(ids))).all()
    found = {municipality.id: (municipality, host) for municipality, host in rows}
    return [found[i] for i in ids if i in found]
