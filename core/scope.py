"""Loading a record through a scoped query: outside the user's scope is the same as missing."""

import sqlalchemy as sa
from flask import abort

from extensions import db


def one_or_404(scoped_query: sa.Select, record_id: int):
    """The record with this id among those the scoped query allows, or a 404."""
    entity = scoped_query.column_descriptions[0]["entity"]
    record = db.session.scalar(scoped_query.where(entity.id == record_id))
    if record is None:
        abort(404)
    return record
