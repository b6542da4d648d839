"""Follow-ups after the programme (issue 17): what former trainees do 3, 6 and 12 months after
their end date, asked by a signed e-mail link, confirmed by the employer, or recorded by a manager.
"""
