"""Uploaded IIN lists: receive, detect the format, parse, validate, report and store."""
