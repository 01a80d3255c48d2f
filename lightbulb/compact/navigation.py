"""Service navigation entries for this module."""
