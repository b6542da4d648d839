"""Privacy (AVG/GDPR): the audit log of personal data, a trainee's data export, erasure."""
