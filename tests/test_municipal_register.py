"""Loading the national register (placements/municipalities/register.py): idempotent, existing
hosts kept by their CBS code, codes outside the file reported and left alone, and the yearly
update that merges Wijdemeren into Hilversum on 2027-01-01 without losing a link."""

import csv
import shutil

import pytest
import sqlalchemy as sa

from accounts.models import Role, User
from cohort.models import Trainee
from extensions import db
from placements.models import InternshipOffer, Municipality, MunicipalityAlias, Supervisor
from placements.municipalities.register import REGISTER_FILE, load_files
from tests.factories import make_municipality, make_supervisor, make_trainee, make_user

FOLDER = REGISTER_FILE.parent


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def code_of(name: str) -> Municipality:
    return db.session.scalar(sa.select(Municipality).filter_by(name=name))


@pytest.fixture
def files_2027(tmp_path):
    """The files as the 2027 update brings them: Wijdemeren gone from the register, its code a
    former code of Hilversum."""
    for name in ("aliases.csv", "former_codes.csv"):
        shutil.copy(FOLDER / name, tmp_path / name)
    with (FOLDER / "municipalities.csv").open(encoding="utf-8") as source:
        rows = list(csv.reader(source))
    with (tmp_path / "municipalities.csv").open("w", encoding="utf-8", newline="") as target:
        csv.writer(target, lineterminator="\n").writerows(r for r in rows if r[0] != "GM1696")
    with (tmp_path / "former_codes.csv").open("a", encoding="utf-8", newline="") as target:
        target.write("GM1696,Wijdemeren,GM0402,2027\n")
    return tmp_path / "municipalities.csv"


def test_the_test_databases_hold_the_register_and_a_second_load_changes_nothing(app):
    assert count(Municipality) == 342 and count(MunicipalityAlias) == 60 + 56
    assert {m.province for m in db.session.scalars(sa.select(Municipality))} >= {"Fryslân", "Limburg"}
    report = load_files(REGISTER_FILE)
    assert not report.changed and report.left_alone == []
    assert (
        report.lines()[0]
        == "added 0, renamed 0, moved 0, merged 0, left alone 0; 116 other names and former codes"
    )


def test_an_existing_host_keeps_its_record_and_id_and_a_stranger_is_left_alone(app):
    utrecht = code_of("Utrecht")
    utrecht_id = utrecht.id
    utrecht.name, utrecht.latitude = "Gemeente Utrecht", None  # as someone once typed it
    stranger = make_municipality("Verzonnen")  # a code that is no municipality of the register
    db.session.commit()
    report = load_files(REGISTER_FILE)
    db.session.commit()
    assert report.renamed == ["GM0344 Gemeente Utrecht → Utrecht"]
    assert report.left_alone == [f"{stranger.cbs_code} Verzonnen (not in the register)"]
    db.session.refresh(utrecht)
    assert (utrecht.id, utrecht.name, utrecht.latitude) == (utrecht_id, "Utrecht", 52.0911)
    assert db.session.get(Municipality, stranger.id).name == "Verzonnen"


def test_the_2027_update_merges_wijdemeren_into_hilversum_and_keeps_every_link(app, files_2027):
    wijdemeren, hilversum = code_of("Wijdemeren"), code_of("Hilversum")
    trainee = make_trainee()
    trainee.home_municipality_id = wijdemeren.id
    offer = InternshipOffer(municipality_id=wijdemeren.id, places=1)
    contact = make_user(Role.MUNICIPALITY, municipality_id=wijdemeren.id)
    moving = make_supervisor(wijdemeren.id, "Eva de Boer", "eva@wijdemeren.example")
    twin = make_supervisor(wijdemeren.id, "Jan Smit", "jan@gemeente.example")
    kept = make_supervisor(hilversum.id, "Jan Smit", "jan@gemeente.example")  # the same person
    offer.supervisor_id = twin.id
    db.session.add(offer)
    db.session.commit()
    ids = {"trainee": trainee.id, "offer": offer.id, "contact": contact.id, "moving": moving.id}

    report = load_files(files_2027)
    db.session.commit()
    assert report.merged == ["GM1696 Wijdemeren → GM0402 Hilversum"]
    assert report.added == report.renamed == report.left_alone == []
    assert count(Municipality) == 341 and code_of("Wijdemeren") is None
    db.session.expire_all()
    assert db.session.get(Trainee, ids["trainee"]).home_municipality_id == hilversum.id
    assert db.session.get(InternshipOffer, ids["offer"]).municipality_id == hilversum.id
    assert db.session.get(InternshipOffer, ids["offer"]).supervisor_id == kept.id
    assert db.session.get(User, ids["contact"]).municipality_id == hilversum.id
    assert db.session.get(Supervisor, ids["moving"]).municipality_id == hilversum.id
    assert count(Supervisor) == 2  # Jan Smit once, in Hilversum's register
    # Wijdemeren is now a former municipality: its name and code lead to Hilversum.
    former = db.session.scalar(sa.select(MunicipalityAlias).filter_by(former_code="GM1696"))
    assert (former.name, former.municipality_id) == ("Wijdemeren", hilversum.id)
    assert not load_files(files_2027).changed  # and the update, loaded again, changes nothing


def test_the_command_loads_and_says_what_it_changed(app, files_2027):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["municipalities", "load", str(files_2027)])
    assert first.exit_code == 0, first.output
    assert "merged 1" in first.output and "merged: GM1696 Wijdemeren → GM0402 Hilversum" in first.output
    again = runner.invoke(args=["municipalities", "load", str(files_2027)])
    assert again.output.startswith("added 0, renamed 0, moved 0, merged 0, left alone 0;")


def test_a_broken_file_is_refused_with_its_line_and_nothing_changes(app, tmp_path):
    broken = tmp_path / "municipalities.csv"
    broken.write_text(
        "code,name,province,lat,lon\nGM0344,Utrecht,Utrecht,52.1,5.1\nX12,Nergens,Utrecht,1,1\n"
    )
    for name in ("aliases.csv", "former_codes.csv"):
        shutil.copy(FOLDER / name, tmp_path / name)
    result = app.test_cli_runner().invoke(args=["municipalities", "load", str(broken)])
    assert result.exit_code != 0 and "line 3" in result.output and "'X12' is no CBS code" in result.output
    assert count(Municipality) == 342
