"""Programme templates: the phases, days and times a cohort is planned from."""
