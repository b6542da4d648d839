"""Municipalities, their internship offers, and the public "Stageplek aanbieden" page."""

from flask import Blueprint

bp = Blueprint("municipalities", __name__)
