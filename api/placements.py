"""Municipalities, internship offers and placements: thin views over the placement services."""

import sqlalchemy as sa
from flask import g, jsonify, request

from accounts.models import Role
from api.blueprint import bp, json_body, require_role
from cohort.access import cohorts_for
from cohort.models import Trainee
from core.errors import ValidationError
from core.scope import one_or_404
from extensions import db
from outbox.queue import send_queued_mail
from placements import group_proposal as grouping
from placements import services, supervisors
from placements.access import municipalities_for, offers_for, placements_for
from placements.models import InternshipOffer, Municipality, Placement, Supervisor
from placements.municipalities import register
from placements.municipalities import services as municipality_services


def municipality_json(municipality: Municipality, host: bool = True) -> dict:
    return {
        "id": municipality.id,
        "name": municipality.name,
        "cbs_code": municipality.cbs_code,
        "province": municipality.province,
        "address": municipality.address,
        "is_host": bool(host),
    }


def offer_json(offer: InternshipOffer) -> dict:
    return {
        "id": offer.id,
        "municipality_id": offer.municipality_id,
        "cohort_id": offer.cohort_id,
        "places": offer.places,
        "places_free": offer.places_free,
        "department": offer.department,
        "address": offer.address,
    }


def supervisor_json(supervisor: Supervisor) -> dict:
    return {
        "id": supervisor.id,
        "municipality_id": supervisor.municipality_id,
        "name": supervisor.name,
        "email": supervisor.email,
        "phone": supervisor.phone,
        "department": supervisor.department,
        "is_active": supervisor.is_active,
    }


def placement_json(placement: Placement) -> dict:
    return {
        "id": placement.id,
        "trainee_id": placement.trainee_id,
        "offer_id": placement.offer_id,
        "status": placement.status,
        "supervisor_id": placement.supervisor_id,
        "supervisor_name": placement.supervisor_name or None,
        "weekdays": placement.weekdays.split(",") if placement.weekdays else [],
    }


@bp.post("/municipalities")
def create_municipality():
    require_role(Role.MANAGER)
    municipality = municipality_services.create_municipality(json_body())
    db.session.commit()
    return jsonify(municipality_json(municipality)), 201


@bp.get("/municipalities")
def list_municipalities():
    """With `q`: the whole national register (public data), searched by name, other name or code.
    Without: the hosts the caller may see (municipalities with offers or contact persons)."""
    if "q" in request.args:
        query = request.args["q"]
        if len(query) > register.MAX_NAME:
            raise ValidationError(
                "The search text is too long.", {"q": f"at most {register.MAX_NAME} characters"}
            )
        return jsonify([municipality_json(m, host) for m, host in register.search(query)])
    rows = db.session.scalars(
        municipalities_for(g.api_user).where(register.is_host()).order_by(Municipality.name)
    ).all()
    return jsonify([municipality_json(m) for m in rows])


@bp.post("/municipalities/<int:municipality_id>/offers")
def create_offer(municipality_id: int):
    municipality = one_or_404(municipalities_for(g.api_user), municipality_id)
    require_role(Role.MANAGER)
    offer = municipality_services.create_offer(municipality, json_body())
    db.session.commit()
    return jsonify(offer_json(offer)), 201


@bp.get("/municipalities/<int:municipality_id>/supervisors")
def list_supervisors(municipality_id: int):
    municipality = one_or_404(municipalities_for(g.api_user), municipality_id)
    require_role(Role.MANAGER, Role.MUNICIPALITY)
    return jsonify([supervisor_json(s) for s in supervisors.register(municipality.id)])


@bp.post("/municipalities/<int:municipality_id>/supervisors")
def add_supervisor(municipality_id: int):
    municipality = one_or_404(municipalities_for(g.api_user), municipality_id)
    require_role(Role.MANAGER, Role.MUNICIPALITY)
    supervisor = supervisors.add(municipality.id, json_body())
    db.session.commit()
    return jsonify(supervisor_json(supervisor)), 201


@bp.get("/offers/<int:offer_id>")
def get_offer(offer_id: int):
    return jsonify(offer_json(one_or_404(offers_for(g.api_user), offer_id)))


@bp.post("/placements")
def propose():
    require_role(Role.MANAGER)
    data = json_body()
    trainee = one_or_404(sa.select(Trainee), _int(data, "trainee_id"))
    offer = one_or_404(offers_for(g.api_user), _int(data, "offer_id"))
    placement = services.propose(trainee, offer, g.api_user)
    db.session.commit()
    send_queued_mail()
    asked = services.has_contact(offer.municipality_id)
    return jsonify({**placement_json(placement), "municipality_asked": asked}), 201


def _int(data: dict, name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{name} must be a whole number.", {name: "required, a whole number"})
    return value


@bp.get("/placements/<int:placement_id>")
def get_placement(placement_id: int):
    return jsonify(placement_json(one_or_404(placements_for(g.api_user), placement_id)))


@bp.post("/placements/<int:placement_id>/confirm")
def confirm(placement_id: int):
    placement = one_or_404(placements_for(g.api_user), placement_id)
    require_role(Role.MANAGER, Role.MUNICIPALITY)
    services.confirm(placement, json_body(), g.api_user)
    db.session.commit()
    send_queued_mail()  # the supervisor's confirmation, with their calendar link
    return jsonify(placement_json(placement))


@bp.post("/placements/<int:placement_id>/decline")
def decline(placement_id: int):
    placement = one_or_404(placements_for(g.api_user), placement_id)
    require_role(Role.MANAGER, Role.MUNICIPALITY)
    services.decline(placement, json_body().get("reason"), g.api_user)
    db.session.commit()
    return jsonify(placement_json(placement))


@bp.get("/cohorts/<int:cohort_id>/placement-status")
def placement_status(cohort_id: int):
    cohort = one_or_404(cohorts_for(g.api_user), cohort_id)
    require_role(Role.MANAGER)  # like the placement pages: a trainer sees no internship data
    return jsonify(services.placement_status(cohort))


@bp.post("/cohorts/<int:cohort_id>/placement-proposal")
def placement_proposal(cohort_id: int):
    """The whole group's computed proposal (managers); saves and sends nothing."""
    cohort = one_or_404(cohorts_for(g.api_user), cohort_id)
    require_role(Role.MANAGER)
    body = json_body()
    proposal = grouping.group_proposal(cohort, grouping.max_km_from(body.get("max_km")))
    return jsonify(
        {
            "max_km": proposal.max_km,
            "at_home": proposal.count("home"),
            "nearby": proposal.count("nearby"),
            "unplaced": proposal.count(*grouping.UNPLACED),
            "lines": [
                {
                    "trainee_id": line.trainee.id,
                    "trainee": line.trainee.name,
                    "offer_id": line.offer.id if line.offer else None,
                    "municipality": line.offer.municipality.name if line.offer else None,
                    "distance_km": round(line.distance_km, 1) if line.distance_km is not None else None,
                    "reason": line.reason,
                }
                for line in proposal.lines
            ],
        }
    )
