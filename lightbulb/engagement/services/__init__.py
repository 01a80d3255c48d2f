"""Writing the engagement log, its themes and follow-up actions, and dismissing flags: the one door for every caller."""
