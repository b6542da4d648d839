"""Calendar feeds (iCalendar). Filled in by the calendar work."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)
