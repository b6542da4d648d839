"""The OpenAPI 3 document of /api/v1. A test checks that it names every API route, and runs
`redocly lint` (redocly.yaml) on it.

Each endpoint is one entry in PATHS; later features add theirs here. Its operationId is the name
of the view function that serves it, and its tag the part of the API it belongs to (TAGS).
"""

import re

from flask import current_app

from placements.municipalities.register import MAX_NAME

ERROR = {"$ref": "#/components/responses/Error"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(
    summary: str,
    ok: dict,
    *,
    status: str = "200",
    public: bool = False,
    body: dict | None = None,
    errors: tuple[str, ...] = (),
) -> dict:
    responses = {status: {"description": "OK", **_json(ok)}}
    for code in ("401", *errors) if not public else errors:
        responses[code] = ERROR
    operation = {"summary": summary, "responses": responses}
    if public:
        operation["security"] = []
    if body is not None:
        operation["requestBody"] = {"required": True, **_json(body)}
    return operation


def _with_next_link(operation: dict) -> dict:
    """An operation whose answer names the next range in a Link header (RFC 8288)."""
    operation["responses"]["200"]["headers"] = {
        "Link": {"description": 'The next range: <url>; rel="next"', "schema": {"type": "string"}}
    }
    return operation


USER = {
    "type": "object",
    "required": ["id", "name", "email", "role"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "role": {"type": "string", "enum": ["manager", "municipality", "trainee", "trainer"]},
    },
}

DATE = {"type": "string", "format": "date"}
TIME = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}
WEEKDAY = {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri"]}
NULLABLE_STRING = {"type": "string", "nullable": True}
SESSION_KIND = {"type": "string", "enum": ["training", "return_day", "extra"]}
ID = {"type": "integer"}
# An id sent in a body: a whole number an id column can hold (PostgreSQL's integer).
DB_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def _object(properties: dict, required: tuple[str, ...] = ()) -> dict:
    return {"type": "object", "properties": properties, "required": list(required or properties)}


def _list(item: dict) -> dict:
    return {"type": "array", "items": item}


COHORT = _object(
    {
        "id": ID,
        "name": {"type": "string"},
        "template": {"type": "string"},
        "start_date": DATE,
        "end_date": DATE,
        "location": {"type": "string"},
        "capacity": {"type": "integer"},
        "phases": _list(
            _object(
                {
                    "kind": {"type": "string", "enum": ["training", "internship", "guided_work"]},
                    "start_date": DATE,
                    "end_date": DATE,
                }
            )
        ),
        "session_count": {"type": "integer"},
        "attention": _list(_object({"date": DATE, "kind": {"type": "string"}, "reason": {"type": "string"}})),
    }
)
COHORT_INPUT = _object(
    {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "start_date": DATE,
        "template": {"type": "string"},
        "location": {"type": "string", "maxLength": 200},
        "capacity": {"type": "integer", "minimum": 1, "maximum": 500},
        "training_weekdays": _list(WEEKDAY),
        "return_weekday": WEEKDAY,
        "training_weeks": {"type": "integer", "minimum": 1, "maximum": 104},
        "internship_weeks": {"type": "integer", "minimum": 0, "maximum": 104},
        "programme_weeks": {"type": "integer", "minimum": 1, "maximum": 104},
    },
    required=("name", "start_date"),
)
SESSION = _object(
    {
        "id": ID,
        "cohort_id": ID,
        "kind": SESSION_KIND,
        "date": DATE,
        "start_time": TIME,
        "end_time": TIME,
        "title": {"type": "string"},
        "location": {"type": "string"},
        "description": {"type": "string"},
        "trainer": NULLABLE_STRING,
        "status": {"type": "string", "enum": ["scheduled", "cancelled"]},
        "moved_from": {"type": "string", "format": "date", "nullable": True},
    }
)
SESSION_PATCH = {
    **_object(
        {
            "date": DATE,
            "start_time": TIME,
            "end_time": TIME,
            "title": {"type": "string", "maxLength": 160},
            "location": {"type": "string", "maxLength": 200},
            "status": {"type": "string", "enum": ["scheduled", "cancelled"]},
            "trainer_id": {**DB_ID, "nullable": True},
            "notes": {"type": "string", "maxLength": 5000},
            "description": {"type": "string", "maxLength": 2000},
        },
        required=(),
    ),
    "minProperties": 1,
}
# A trainee as managers and the trainee themself see them, and as a trainer sees one of a cohort
# they teach: name and status, and the attendance of their own sessions (GET .../attendance);
# the account, e-mail and calendar link are left out (cohort.access.sees_trainee_details).
TRAINEE_IN_FULL = {
    **_object(
        {
            "id": ID,
            "cohort_id": ID,
            "user_id": {"type": "integer", "nullable": True},
            "name": {"type": "string"},
            "email": {"type": "string"},
            "status": {"type": "string"},
            "home_municipality_id": {"type": "integer", "nullable": True},
            "home_municipality": {**NULLABLE_STRING, "description": "The official name"},
            "calendar_url": {"type": "string"},
        }
    ),
    "additionalProperties": False,
    "description": "A trainee as managers and the trainee themself see them",
}
TRAINEE_FOR_A_TRAINER = {
    **_object({"id": ID, "cohort_id": ID, "name": {"type": "string"}, "status": {"type": "string"}}),
    "additionalProperties": False,
    "description": "A trainee as a trainer of their cohort sees them: no account, e-mail or calendar link",
}
TRAINEE = {"oneOf": [TRAINEE_IN_FULL, TRAINEE_FOR_A_TRAINER]}
TRAINEE_INPUT = _object(
    {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "email": {"type": "string", "format": "email"},
        "phone": {"type": "string", "maxLength": 40},
        "home_municipality_id": {**DB_ID, "nullable": True},
        "home_municipality": {
            "type": "string",
            "maxLength": MAX_NAME,
            "description": "Instead of home_municipality_id: a CBS code or any name the register knows"
            " (Den Haag, 's-Gravenhage, GM0518); an ambiguous or unknown name is a 400 naming the choices"
            " or the nearest names",
        },
        "languages": _list({"type": "string"}),
    },
    required=("name", "email"),
)
SCHEDULE_ITEM = _object(
    {
        "date": DATE,
        "kind": {"type": "string", "enum": ["training", "return_day", "extra", "internship"]},
        "start_time": TIME,
        "end_time": TIME,
        "title": {"type": "string"},
        "location": {"type": "string"},
        "description": {"type": "string"},
        "status": {"type": "string"},
    }
)
ATTENDANCE_SHEET = _list(
    _object(
        {
            "trainee_id": ID,
            "name": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["present", "late", "absent_excused", "absent"],
                "nullable": True,
            },
            "note": {"type": "string"},
            "absence_reason": {
                **NULLABLE_STRING,
                "description": "The reason the trainee gave in advance; null when they reported no absence",
            },
        }
    )
)
ATTENDANCE_INPUT = _list(
    _object(
        {
            "trainee_id": DB_ID,
            "status": {"type": "string", "enum": ["present", "late", "absent_excused", "absent"]},
            "note": {"type": "string", "maxLength": 300},
        },
        required=("trainee_id", "status"),
    )
)


MUNICIPALITY = _object(
    {
        "id": ID,
        "name": {"type": "string"},
        "cbs_code": {"type": "string", "pattern": "^GM[0-9]{4}$"},
        "province": {"type": "string"},
        "address": {"type": "string"},
        "is_host": {"type": "boolean", "description": "It has internship offers or contact persons"},
    }
)
MUNICIPALITY_INPUT = _object(
    {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "cbs_code": {"type": "string", "pattern": "^GM[0-9]{4}$"},
        "province": {"type": "string"},
        "address": {"type": "string", "maxLength": 200},
    },
    required=("name", "cbs_code", "province"),
)
OFFER = _object(
    {
        "id": ID,
        "municipality_id": ID,
        "cohort_id": {"type": "integer", "nullable": True},
        "places": {"type": "integer"},
        "places_free": {"type": "integer"},
        "department": {"type": "string"},
        "address": {"type": "string"},
    }
)
OFFER_INPUT = _object(
    {
        "cohort_id": DB_ID,
        "places": {"type": "integer", "minimum": 1, "maximum": 50},
        "department": {"type": "string", "maxLength": 120},
        "address": {"type": "string", "maxLength": 200},
    },
    required=("cohort_id", "places"),
)
PLACEMENT_STATUS = {
    "type": "string",
    "enum": ["proposed", "confirmed", "declined", "withdrawn", "active", "completed", "ended_early"],
}
PLACEMENT = _object(
    {
        "id": ID,
        "trainee_id": ID,
        "offer_id": ID,
        "status": PLACEMENT_STATUS,
        "supervisor_id": {"type": "integer", "nullable": True},
        "supervisor_name": NULLABLE_STRING,
        "weekdays": _list(WEEKDAY),
    }
)
# A proposal to a municipality without a contact person asks nobody yet: it waits until there is one.
PROPOSED_PLACEMENT = {
    **PLACEMENT,
    "properties": {**PLACEMENT["properties"], "municipality_asked": {"type": "boolean"}},
    "required": [*PLACEMENT["required"], "municipality_asked"],
}
PLACEMENT_INPUT = _object({"trainee_id": DB_ID, "offer_id": DB_ID})
# The supervisor: one of the municipality's register (supervisor_id), or by name and address
# (the register's record of that address, which keeps its name, or a new record).
CONFIRM_INPUT = {
    **_object(
        {
            "supervisor_id": DB_ID,
            "supervisor_name": {"type": "string", "minLength": 1, "maxLength": 120},
            "supervisor_email": {"type": "string", "format": "email"},
            "supervisor_phone": {"type": "string", "maxLength": 40},
            "weekdays": _list(WEEKDAY),
        },
        required=(),
    ),
    "anyOf": [{"required": ["supervisor_id"]}, {"required": ["supervisor_name", "supervisor_email"]}],
}
SUPERVISOR = _object(
    {
        "id": ID,
        "municipality_id": ID,
        "name": {"type": "string"},
        "email": {"type": "string"},
        "phone": {"type": "string"},
        "department": {"type": "string"},
        "is_active": {"type": "boolean"},
    }
)
SUPERVISOR_INPUT = _object(
    {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "email": {"type": "string", "format": "email"},
        "phone": {"type": "string", "maxLength": 40},
        "department": {"type": "string", "maxLength": 120},
    },
    required=("name", "email"),
)
DECLINE_INPUT = _object({"reason": {"type": "string", "minLength": 1, "maxLength": 500}})
PLACEMENT_STATUS_COUNTS = _object(
    {
        name: {"type": "integer"}
        for name in ("trainees", "confirmed", "proposed", "unplaced", "places_offered", "places_free")
    }
)

GROUP_PROPOSAL_INPUT = _object({"max_km": {"type": "integer", "minimum": 1, "maximum": 300}}, required=())
GROUP_PROPOSAL = _object(
    {
        "max_km": {"type": "integer"},
        "at_home": {"type": "integer"},
        "nearby": {"type": "integer"},
        "unplaced": {"type": "integer"},
        "lines": _list(
            _object(
                {
                    "trainee_id": ID,
                    "trainee": {"type": "string"},
                    "offer_id": {"type": "integer", "nullable": True},
                    "municipality": NULLABLE_STRING,
                    "distance_km": {"type": "number", "nullable": True},
                    "reason": {
                        "type": "string",
                        "enum": ["home", "nearby", "no_home", "too_far", "no_capacity"],
                    },
                }
            )
        ),
    }
)

RATE = {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}
COUNT = {"type": "integer", "minimum": 0}
COHORT_STATS = _object(
    {
        "trainees": _object({name: COUNT for name in ("active", "withdrawn", "completed")}),
        "attendance_rate": RATE,
        "attendance_rate_4w": RATE,
        "placements": _object(
            {name: COUNT for name in ("confirmed", "proposed", "missing", "active", "completed")}
        ),
        "evaluations_missing": COUNT,
    }
)

COHORT_OUTCOMES = _object(
    {
        "cohort_id": ID,
        "steps": _list(
            _object(
                {
                    "key": {
                        "type": "string",
                        "enum": [
                            "enrolled",
                            "training",
                            "internship",
                            "programme",
                            "working_6m",
                            "working_12m",
                        ],
                    },
                    "count": COUNT,
                    "denominator": {
                        **COUNT,
                        "description": "Of the previous step's count, those whose moment for it has come",
                    },
                    "share": RATE,
                    "unknown": {
                        **COUNT,
                        "description": "Of the denominator, without an answer (working steps)",
                    },
                    "unknown_share": RATE,
                    "consultants": {
                        **COUNT,
                        "description": "Of the count, working as integration consultant",
                    },
                    "not_yet": {
                        **COUNT,
                        "description": "Of the previous step, whose moment has not come yet",
                    },
                }
            )
        ),
    }
)


def _path_id(name: str) -> list[dict]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}]


PATHS = {
    "/openapi.json": {"get": _operation("This document", {"type": "object"}, public=True)},
    "/me": {"get": _operation("The caller's own account", USER)},
    "/cohorts": {
        "get": _operation("Cohorts the caller may see", _list(COHORT)),
        "post": _operation(
            "Create and plan a cohort (managers)",
            COHORT,
            status="201",
            body=COHORT_INPUT,
            errors=("400", "403"),
        ),
    },
    "/cohorts/{cohort_id}": {
        "parameters": _path_id("cohort_id"),
        "get": _operation("One cohort", COHORT, errors=("404",)),
    },
    "/cohorts/{cohort_id}/sessions": {
        "parameters": _path_id("cohort_id"),
        "get": _operation("The cohort's sessions", _list(SESSION), errors=("404",)),
    },
    "/sessions/{session_id}": {
        "parameters": _path_id("session_id"),
        "patch": _operation(
            "Change or cancel a session (managers)", SESSION, body=SESSION_PATCH, errors=("400", "403", "404")
        ),
    },
    "/sessions/{session_id}/attendance": {
        "parameters": _path_id("session_id"),
        "get": _operation(
            "The attendance sheet: the trainees (not withdrawn) and what is recorded (managers, the"
            " session's trainer)",
            ATTENDANCE_SHEET,
            errors=("403", "404"),
        ),
        "put": _operation(
            "Register attendance (managers, the session's trainer)",
            _object({"session_id": ID, "recorded": {"type": "integer"}}),
            body=ATTENDANCE_INPUT,
            errors=("400", "403", "404"),
        ),
    },
    "/cohorts/{cohort_id}/trainees": {
        "parameters": _path_id("cohort_id"),
        "get": _operation(
            "The cohort's trainees (a trainer gets name and status only)", _list(TRAINEE), errors=("404",)
        ),
        "post": _operation(
            "Enrol a trainee and invite them (managers)",
            TRAINEE_IN_FULL,
            status="201",
            body=TRAINEE_INPUT,
            errors=("400", "403", "404", "409"),
        ),
    },
    "/trainees/{trainee_id}": {
        "parameters": _path_id("trainee_id"),
        "get": _operation("One trainee (a trainer gets name and status only)", TRAINEE, errors=("404",)),
    },
    "/trainees/{trainee_id}/schedule": {
        "parameters": _path_id("trainee_id"),
        "get": {
            **_with_next_link(
                _operation(
                    "The trainee's schedule in date order, internship days included (managers, the trainee)",
                    _list(SCHEDULE_ITEM),
                    errors=("400", "403", "404"),
                )
            ),
            "description": (
                "From `from` to `to`, both included (default: today and the 27 days after it, at most"
                ' 400 days). The `Link` header names the next range of as many days (rel="next").'
            ),
            "parameters": [
                {"name": name, "in": "query", "required": False, "schema": DATE, "description": text}
                for name, text in (("from", "The first day (default: today)"), ("to", "The last day"))
            ],
        },
    },
    "/municipalities": {
        "get": {
            **_operation(
                "Without q: the host municipalities the caller may see. With q: the national register"
                " searched by name, other name (Den Haag) or CBS code, best first (at most 20)",
                _list(MUNICIPALITY),
                errors=("400",),
            ),
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "maxLength": MAX_NAME},
                }
            ],
        },
        "post": _operation(
            "Add a municipality (managers)",
            MUNICIPALITY,
            status="201",
            body=MUNICIPALITY_INPUT,
            errors=("400", "403", "409"),
        ),
    },
    "/municipalities/{municipality_id}/offers": {
        "parameters": _path_id("municipality_id"),
        "post": _operation(
            "Add an internship offer (managers)",
            OFFER,
            status="201",
            body=OFFER_INPUT,
            errors=("400", "403", "404"),
        ),
    },
    "/municipalities/{municipality_id}/supervisors": {
        "parameters": _path_id("municipality_id"),
        "get": _operation("The municipality's supervisor register", _list(SUPERVISOR), errors=("403", "404")),
        "post": _operation(
            "Add a supervisor to the register (managers, the municipality's contacts)",
            SUPERVISOR,
            status="201",
            body=SUPERVISOR_INPUT,
            errors=("400", "403", "404"),
        ),
    },
    "/offers/{offer_id}": {
        "parameters": _path_id("offer_id"),
        "get": _operation("One internship offer", OFFER, errors=("404",)),
    },
    "/placements": {
        "post": _operation(
            "Propose a trainee for an offer (managers); municipality_asked is false when the"
            " municipality has no contact person yet (the proposal goes out once it has one)",
            PROPOSED_PLACEMENT,
            status="201",
            body=PLACEMENT_INPUT,
            errors=("400", "403", "404", "409"),
        )
    },
    "/placements/{placement_id}": {
        "parameters": _path_id("placement_id"),
        "get": _operation("One placement", PLACEMENT, errors=("404",)),
    },
    "/placements/{placement_id}/confirm": {
        "parameters": _path_id("placement_id"),
        "post": _operation(
            "Confirm a proposal, naming the supervisor (takes a place)",
            PLACEMENT,
            body=CONFIRM_INPUT,
            errors=("400", "403", "404", "409"),
        ),
    },
    "/placements/{placement_id}/decline": {
        "parameters": _path_id("placement_id"),
        "post": _operation(
            "Decline a proposal with a reason",
            PLACEMENT,
            body=DECLINE_INPUT,
            errors=("400", "403", "404", "409"),
        ),
    },
    "/cohorts/{cohort_id}/placement-status": {
        "parameters": _path_id("cohort_id"),
        "get": _operation(
            "Places needed, offered, confirmed and proposed (managers)",
            PLACEMENT_STATUS_COUNTS,
            errors=("403", "404"),
        ),
    },
    "/cohorts/{cohort_id}/placement-proposal": {
        "parameters": _path_id("cohort_id"),
        "post": _operation(
            "The whole group's proposal, computed and not saved (managers): every trainee without a"
            " proposal or a place, the most within max_km (default 25), then the most at home, then the"
            " least distance (centre to centre, an estimate)",
            GROUP_PROPOSAL,
            body=GROUP_PROPOSAL_INPUT,
            errors=("400", "403", "404"),
        ),
    },
    "/cohorts/{cohort_id}/outcomes": {
        "parameters": _path_id("cohort_id"),
        "get": _operation(
            "The outcomes funnel (managers): enrolled, completed training, internship and programme,"
            " working at 6 and still working at 12 months; each step among the step before",
            COHORT_OUTCOMES,
            errors=("403", "404"),
        ),
    },
    "/cohorts/{cohort_id}/stats": {
        "parameters": _path_id("cohort_id"),
        "get": _operation(
            "Trainees, attendance rates (0..1, null without data), placements and missing evaluations"
            " (managers)",
            COHORT_STATS,
            errors=("403", "404"),
        ),
    },
}

COMPONENTS = {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "fields"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                        "existing_id": {
                            "type": "integer",
                            "description": "On a 409 for a record that exists already: its id",
                        },
                    },
                }
            },
        }
    },
    "responses": {
        "Error": {
            "description": "An error; `fields` names each invalid field",
            **_json({"$ref": "#/components/schemas/Error"}),
        }
    },
}


# The parts of the API, in the order a reader meets them; an operation's tag is the first whose
# marker is in its path (so /cohorts/{id}/trainees is about trainees, /cohorts/{id} a cohort).
TAGS = [
    ("Document", "/openapi.json", "This description of the API"),
    ("Account", "/me", "The caller's own account"),
    ("Sessions", "/sessions", "Sessions and their attendance"),
    ("Trainees", "/trainees", "Trainees, their enrolment and their schedule"),
    ("Placements", "/placement", "Proposing interns, their answers and the group's placement status"),
    ("Municipalities", "/municipalities", "Host municipalities, their internship offers and supervisors"),
    ("Municipalities", "/offers", ""),
    ("Cohorts", "/cohorts", "Cohorts: their plan, figures and outcomes"),
]


def _tag_of(path: str) -> str:
    return next(name for name, marker, _description in TAGS if marker in path)


def _operation_ids() -> dict[tuple[str, str], str]:
    """(path, method) -> the name of the view function that serves it, for every /api/v1 route."""
    found = {}
    for rule in current_app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found[(path, method.lower())] = rule.endpoint.rpartition(".")[2]
    return found


def _named_paths() -> dict:
    ids = _operation_ids()
    return {
        path: {
            method: operation
            if method == "parameters"
            else {
                "operationId": ids[(path, method)],
                "tags": [_tag_of(path)],
                **operation,
            }
            for method, operation in item.items()
        }
        for path, item in PATHS.items()
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Cohort API", "version": "1"},
        "servers": [{"url": current_app.config["BASE_URL"] + "/api/v1"}],
        "security": [{"bearer": []}],
        "tags": [{"name": name, "description": text} for name, _marker, text in TAGS if text],
        "paths": _named_paths(),
        "components": COMPONENTS,
    }
