"""Cohort pages for programme managers."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
