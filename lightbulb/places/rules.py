"""Who may read and change wards, localities, councillors and the council's settings."""

from __future__ import annotations

from lightbulb.core.rules import is_admin, is_councillor, is_investigator, is_officer, is_system

# Every council role that reads the register reads the places it is organised by.
can_read_places = is_officer | is_councillor | is_investigator | is_admin
# Wards, localities and councillors are kept by officers and administrators, and by imports (ONS lookups).
can_manage_places = is_officer | is_admin | is_system
# The council's own name, codes and area are system settings.
can_manage_council_settings = is_admin
