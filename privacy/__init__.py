"""Privacy (AVG/GDPR): the audit log page (the log itself is core/audit.py, written by every package),
a trainee's data export, erasure and retention."""
