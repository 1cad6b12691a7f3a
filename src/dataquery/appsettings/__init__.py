"""Settings an admin changes at run time (upload limits, control share, thresholds, lists):
kept in the warehouse, defaults from DQ_ variables."""
