"""Enrolling many trainees at once from a CSV or XLSX file. Filled in by the import work."""

from flask import Blueprint

bp = Blueprint("trainee_import", __name__)
