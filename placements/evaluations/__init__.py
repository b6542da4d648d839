"""Mid-term and final evaluations of an intern by the workplace supervisor."""
