"""Enrolling trainees from a CSV or XLSX file: preview every row, then save all valid rows at once."""
