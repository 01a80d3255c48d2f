"""Reads for the engagement log, flags, relationship health and the ward page."""
