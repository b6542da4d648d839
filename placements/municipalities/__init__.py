"""Host municipalities: their records, contact persons, internship offers, and offers sent without login."""
