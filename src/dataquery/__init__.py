"""DataQuery Pro."""
