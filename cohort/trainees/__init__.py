"""Trainees of a cohort: the trainee file (contact details, status history, notes, outcome) and its forms."""
