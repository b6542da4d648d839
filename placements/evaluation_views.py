"""Mid-term and final evaluations of interns by their supervisors."""

from flask import Blueprint

bp = Blueprint("evaluations", __name__)
