"""An API write's JSON body, checked against its schema in the OpenAPI document (api/openapi.py).

The services read bodies as dictionaries of plain values and check the rules of the domain; the
JSON types are checked here, once for every endpoint: a list where a text belongs, a boolean for
a name, a number beyond any column. Each such field gets a 400 that names it, and the document
and the code cannot drift apart. Checked: `type` (with `nullable`), `items`, `properties`,
`minimum`/`maximum` and `maxLength`; the rest (formats, required fields, enums) the services
check with their own words.
"""

import re

from flask import request

from api.openapi import PATHS

API_PREFIX = "/api/v1"
_RULE_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

PYTHON_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}
TYPE_WORDS = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}


def documented_body_schema() -> dict | None:
    """The schema of this request's body in the OpenAPI document, if it has one."""
    if request.url_rule is None:
        return None
    path = _RULE_PARAMETER.sub(r"{\1}", request.url_rule.rule).removeprefix(API_PREFIX)
    body = PATHS.get(path, {}).get(request.method.lower(), {}).get("requestBody")
    return body["content"]["application/json"]["schema"] if body else None


def _has_type(value, schema: dict) -> bool:
    if value is None:
        return bool(schema.get("nullable"))
    expected = schema.get("type")
    if expected is None:
        return True
    if isinstance(value, bool) and expected != "boolean":
        return False  # in Python a bool is an int; in JSON it is not a number
    return isinstance(value, PYTHON_TYPES[expected])


def _within_limits(value, schema: dict) -> str | None:
    if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        return f"at most {schema['maxLength']} characters"
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            return f"between {low} and {high}" if low is not None and high is not None else "out of range"
    return None


def _field(parent: str, key) -> str:
    return f"{parent}.{key}" if parent else str(key)


def body_problems(value, schema: dict, name: str = "") -> dict[str, str]:
    """Each field (dotted path; "body" for the whole) whose value the schema does not allow."""
    label = name or "body"
    if not _has_type(value, schema):
        nullable = " or null" if schema.get("nullable") else ""
        return {label: f"must be {TYPE_WORDS[schema['type']]}{nullable}"}
    limit = _within_limits(value, schema)
    if limit:
        return {label: f"must be {limit}"}
    problems: dict[str, str] = {}
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems.update(body_problems(item, schema["items"], _field(name, index)))
    if isinstance(value, dict):
        for key, item in value.items():
            if key in schema.get("properties", {}):
                problems.update(body_problems(item, schema["properties"][key], _field(name, key)))
    return problems
