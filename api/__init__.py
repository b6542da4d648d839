"""JSON API v1. Importing the package loads every endpoint module onto the blueprint."""

from api import account, cohorts, placements  # noqa: F401  (modules that add routes)
from api.blueprint import bp

__all__ = ["bp"]
